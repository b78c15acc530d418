"""Two facilitator tabs pressing "next" at the same moment must advance the day once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from live import day as live_day
from workshops.models import LiveEvent, Workshop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABS = 10
ROUNDS = 20


def test_ten_simultaneous_next_clicks_advance_once(alice, workshop, agenda):
    for _ in range(ROUNDS - len(agenda) + 1):
        workshop.add_item(kind="talk", title="Ekstra", duration_minutes=5)
    live_day.start(workshop, by=alice)
    url = reverse("live:console_action", args=[workshop.pk, "next"])

    for round_number in range(ROUNDS):
        version = Workshop.objects.get(pk=workshop.pk).version
        barrier = threading.Barrier(TABS)
        statuses: list[int] = []

        def tab(
            version: int = version,
            barrier: threading.Barrier = barrier,
            statuses: list[int] = statuses,
        ) -> None:
            client = Client()
            client.force_login(alice)
            barrier.wait()
            response = client.post(url, {"version": version}, HTTP_HX_REQUEST="true")
            statuses.append(response.status_code)  # list.append is atomic
            connection.close()

        threads = [threading.Thread(target=tab) for _ in range(TABS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(statuses) == [200] + [409] * (TABS - 1), f"round {round_number}"
        day = Workshop.objects.get(pk=workshop.pk)
        assert day.version == version + 1
        assert LiveEvent.objects.filter(workshop=day, action="next").count() == round_number + 1
