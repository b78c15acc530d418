"""Redis unreachable: every live page still answers from the database, phones poll, nothing
typed is lost. The app is pointed at a closed port, as after `redis-server` stopped."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Run, Submission
from live import day as live_day
from tests.support import run_async
from tests.workshops.test_live_views import Stream
from workshops import bus
from workshops.identity import DEVICE_COOKIE
from workshops.models import Attendee

CLOSED_PORT = "redis://127.0.0.1:1/0"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache and the live bus both on a Redis that does not answer."""
    settings.REDIS_URL = CLOSED_PORT
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": settings.REDIS_CLIENT_OPTIONS,
        }
    }
    down = bus.RedisBus(CLOSED_PORT)
    monkeypatch.setattr(bus, "_bus", down)
    return down


@pytest.fixture(autouse=True)
def empty_cache():
    # The suite's own fixture clears the cache, which here is the Redis that is not there.
    yield


@pytest.fixture
def day(workshop, agenda, alice):
    Exercise.objects.create(
        agenda_item=agenda[1], kind="word_cloud", settings={"prompt": "Hvilke verdier?"}
    )
    live_day.start(workshop, by=alice)
    return workshop


def phone_on(day) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[day.join_code]), {"display_name": "Kari"})
    assert phone.cookies[DEVICE_COOKIE].value
    return phone


def test_every_live_page_answers_from_the_database(redis_down, day, alice, alice_client):
    phone = phone_on(day)  # joining goes through the code throttle, kept in the cache
    assert Attendee.objects.filter(workshop=day, display_name="Kari").exists()

    page = phone.get(reverse("live:phone", args=[day.join_code]))
    assert page.status_code == 200
    assert "Velkommen!" in page.text

    console = alice_client.get(reverse("live:console", args=[day.pk]))
    assert console.status_code == 200
    assert "Velkommen!" in console.text
    assert "Phones connected: <strong" in console.text
    assert "data-connected>–</strong>" in console.text  # the count lives in Redis
    assert "Live updates are delayed" in console.text

    presenter = alice_client.get(reverse("live:presenter", args=[day.pk]))
    assert presenter.status_code == 200
    assert day.join_code in presenter.text
    assert "data-connected>–</strong>" in presenter.text

    join = Client(headers={"accept-language": "en"}).get(
        reverse("live:join_day", args=[day.join_code])
    )
    assert join.status_code == 200
    assert "Who are you?" in join.text


def test_a_wrong_join_code_is_still_just_wrong(redis_down, day):
    page = Client(headers={"accept-language": "en"}).get(reverse("live:join_day", args=["ZZZZZZ"]))
    assert page.status_code == 404
    assert "There is no running day with the code ZZZZZZ." in page.text


def test_the_facilitator_moves_the_day_and_the_phone_sees_it(redis_down, day, alice_client):
    phone = phone_on(day)
    url = reverse("live:console_action", args=[day.pk, "next"])
    answer = alice_client.post(url, {"version": day.version}, **HTMX)
    assert answer.status_code == 200
    assert "Relasjonsorientert ledelse" in answer.text
    assert "Live updates are delayed" in answer.text
    # What the phone's polling fetches.
    now = phone.get(reverse("live:phone", args=[day.join_code]), **HTMX)
    assert now.status_code == 200
    assert "Hvilke verdier?" in now.text


def test_a_submission_is_saved(redis_down, day, alice):
    live_day.advance(day, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    phone = phone_on(day)
    answer = phone.post(
        reverse("live:submit", args=[day.join_code, run.pk]),
        {"text": "tillit", "token": uuid.uuid4()},
        **HTMX,
    )
    assert answer.status_code == 200
    assert list(Submission.objects.values_list("text", flat=True)) == ["tillit"]


@pytest.mark.django_db(transaction=True)
def test_a_stream_without_the_bus_is_a_poll(redis_down, workshop, agenda, alice):
    """The stream sends the state from the database and ends, asking the browser to come
    back in a few seconds: each reconnection is one poll, and once the bus is back the
    stream stays open for pushes (no page reload, no script of its own)."""
    live_day.start(workshop, by=alice)
    phone = phone_on(workshop)
    cookies = {DEVICE_COOKIE: phone.cookies[DEVICE_COOKIE].value}
    path = reverse("live:phone_stream", args=[workshop.join_code])

    async def scenario():
        async with Stream(path, cookies) as stream:
            assert stream.status == 200
            snapshot = await stream.event()
            assert snapshot["retry"] == str(bus.POLL_SECONDS * 1000)
            assert snapshot["event"] == "participants"
            assert "Velkommen!" in snapshot["data"]
            assert stream.buffer == ""  # the snapshot, and nothing after it: it has ended

    run_async(scenario)


def test_the_bus_warns_once_when_redis_goes_however_many_ask(redis_down, caplog, monkeypatch):
    monkeypatch.setattr(bus, "RETRY_SECONDS", 0)
    with caplog.at_level(logging.WARNING, logger="workshops.bus"):
        for _ in range(20):  # a room of requests
            assert redis_down.connected("day:1:participants") is None
            redis_down.publish("day:1:participants:nb", "lost")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis" in warnings[0].getMessage()


@pytest.mark.parametrize(
    ("language", "notice"),
    [("nb", "Direkteoppdateringene er forsinket."), ("nn", "Direkteoppdateringane er forseinka.")],
)
def test_the_notice_speaks_the_facilitators_language(
    redis_down, day, alice_client, language, notice
):
    url = reverse("live:console", args=[day.pk])
    assert notice in alice_client.get(url, HTTP_ACCEPT_LANGUAGE=language).text


def test_the_facilitator_can_still_log_in(redis_down, alice):
    from tests.conftest import PASSWORD

    facilitator = Client(headers={"accept-language": "en"})
    wrong = facilitator.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert wrong.status_code == 200  # the form again, not an error page
    right = facilitator.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert right.status_code == 302
    assert facilitator.get(reverse("workshops:programme_list")).status_code == 200
