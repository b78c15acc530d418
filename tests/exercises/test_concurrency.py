"""A room sending words at once, over flaky networks: every word once, none lost."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Run, Submission
from live import day as live_day
from workshops.identity import DEVICE_COOKIE
from workshops.models import Attendee

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONES = 200


def test_200_parallel_words_then_every_one_replayed_three_times(workshop, agenda, alice, settings):
    # Coalesce the projector's redraws as in production, instead of one per word.
    settings.LIVE_COALESCE_SECONDS = 0.2
    Exercise.objects.create(
        agenda_item=agenda[0], kind="word_cloud", settings={"prompt": "?", "max_entries": 3}
    )
    live_day.start(workshop, by=alice)
    run = Run.objects.get()
    tokens = [secrets.token_urlsafe(16) for _ in range(PHONES)]
    Attendee.objects.bulk_create(
        Attendee(
            workshop=workshop,
            display_name=f"Telefon {i}",
            device_hash=hashlib.sha256(t.encode()).hexdigest(),
        )
        for i, t in enumerate(tokens)
    )
    url = reverse("live:submit", args=[workshop.join_code, run.pk])
    sends = [(device, uuid.uuid4(), f"ord {i}") for i, device in enumerate(tokens)]

    def send(args) -> int:
        device, token, text = args
        phone = Client(headers={"accept-language": "en"})
        phone.cookies[DEVICE_COOKIE] = device
        try:
            return phone.post(
                url, {"text": text, "token": token}, HTTP_HX_REQUEST="true"
            ).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, sends))
    assert statuses == [200] * PHONES
    assert Submission.objects.filter(run=run).count() == PHONES

    with ThreadPoolExecutor(max_workers=20) as pool:
        replays = list(pool.map(send, sends * 3))
    assert replays == [200] * (PHONES * 3)
    assert Submission.objects.filter(run=run).count() == PHONES
    assert sorted(Submission.objects.values_list("text", flat=True)) == sorted(s[2] for s in sends)
    time.sleep(0.5)  # let the last coalesced redraw finish before the database goes away


def test_one_phone_sending_many_words_at_once_gets_exactly_its_limit(workshop, agenda, alice):
    # Ten different words from one phone at the same moment (a stuck button, a script): the
    # person's row lock lets exactly three in, and every other send hears that it is too many.
    Exercise.objects.create(
        agenda_item=agenda[0], kind="word_cloud", settings={"prompt": "?", "max_entries": 3}
    )
    live_day.start(workshop, by=alice)
    run = Run.objects.get()
    device = secrets.token_urlsafe(16)
    Attendee.objects.create(
        workshop=workshop,
        display_name="Eager",
        device_hash=hashlib.sha256(device.encode()).hexdigest(),
    )
    url = reverse("live:submit", args=[workshop.join_code, run.pk])

    def send(i: int) -> str:
        phone = Client(headers={"accept-language": "en"})
        phone.cookies[DEVICE_COOKIE] = device
        try:
            return phone.post(
                url, {"text": f"ord {i}", "token": uuid.uuid4()}, HTTP_HX_REQUEST="true"
            ).text
        finally:
            connection.close()

    for _round in range(5):
        Submission.objects.filter(run=run).delete()
        with ThreadPoolExecutor(max_workers=10) as pool:
            pages = list(pool.map(send, range(10)))
        assert Submission.objects.filter(run=run).count() == 3
        assert sum("as many as this question takes" in page for page in pages) == 7
