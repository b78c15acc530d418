"""Redis stops in the middle of a live day and starts again: the phone follows the day by
polling meanwhile, then by push again, and is never reloaded. The app's Redis is one of the
test's own (tests.support.RedisServer), stopped and started on the same port, so the shared
one stays up."""

from __future__ import annotations

import os
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from live import day as live_day
from tests.e2e import support
from tests.e2e import test_live as live
from tests.support import RedisServer
from workshops import bus
from workshops.models import AgendaItem

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

# htmx logs an SSE error (as "[object Event]") each time a stream ends; while Redis is away
# every stream does, once a poll.
STREAM_ENDED = r"console error: (\[object Event\]|.*ERR_INCOMPLETE_CHUNKED)"


@pytest.fixture
def redis_server(settings, monkeypatch):
    """The app's cache and live bus on a Redis this test can stop and start."""
    server = RedisServer()
    if not os.access(server.BINARY, os.X_OK):
        pytest.skip(f"no redis-server at {server.BINARY}")
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": settings.REDIS_CLIENT_OPTIONS,
        }
    }
    monkeypatch.setattr(bus, "_bus", bus.RedisBus(server.url))
    monkeypatch.setattr(bus, "RETRY_SECONDS", 0.5)  # back in half a second, not two
    yield server
    server.stop()


def _streaming(channel: str, timeout: float = 15) -> None:
    """Wait until a stream of `channel` is open and subscribed (push, not poll)."""
    deadline = time.monotonic() + timeout
    while bus.get_bus().count(channel) == 0:
        assert time.monotonic() < deadline, f"no stream of {channel} came back"
        time.sleep(0.1)


def test_a_phone_follows_the_day_by_polling_while_redis_is_down_then_by_push_again(
    redis_server, asgi_server, facilitator, new_context, new_phone, watch, axe, alice, workshop
):
    for position, title in enumerate(["Runde 1", "Runde 2", "Runde 3", "Runde 4"]):
        AgendaItem.objects.create(
            workshop=workshop, position=position, kind="talk", title=title, duration_minutes=10
        )
    live_day.start(workshop, by=alice)
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    phones = support.open_phones(new_phone, asgi_server, workshop, watch, ["Ane"])
    phone = phones["Ane"]
    stream_requests: list[str] = []
    phone.on(
        "request",
        lambda request: (
            stream_requests.append(request.url) if request.url.endswith("/stream/") else None
        ),
    )
    phone_channel = f"day:{workshop.pk}:participants:nb"
    expect(console.locator("[data-connected]")).to_have_text("1")
    support.press_next(console, "Runde 2")
    support.showing(phones, "Runde 2")  # pushed, as always

    with watch.tolerating(STREAM_ENDED):
        redis_server.stop()
        # The console says so, and does not pretend to know how many phones are connected.
        notice = console.locator(".live-delayed")
        expect(notice).to_have_text(
            live._message(
                "Live updates are delayed. Phones and the big screen show changes within a "
                "few seconds, and nothing sent is lost."
            ),
            timeout=10_000,
        )
        expect(console.locator("[data-connected]")).to_have_text("–")
        violations = axe.run(console).response["violations"]
        assert not [v for v in violations if v["impact"] in live.BLOCKING], violations

        polled_before = len(stream_requests)
        support.press_next(console, "Runde 3")
        expect(phone.locator(".phone-now h1")).to_have_text(
            "Runde 3", timeout=(bus.POLL_SECONDS + 4) * 1000
        )
        assert len(stream_requests) > polled_before  # it came for the state: a poll

        # In nynorsk too (the same facilitator in another browser language).
        nynorsk = new_context(locale="nn-NO", storage_state=facilitator.storage_state())
        watch.context(nynorsk, "facilitator (nn)")
        page = nynorsk.new_page()
        page.goto(asgi_server.url + reverse("live:console", args=[workshop.pk]))
        expect(page.locator(".live-delayed")).to_contain_text("Direkteoppdateringane er forseinka")
        violations = axe.run(page).response["violations"]
        assert not [v for v in violations if v["impact"] in live.BLOCKING], violations
        nynorsk.close()

        redis_server.start()
        expect(notice).to_have_count(0, timeout=15_000)
        _streaming(phone_channel)
        expect(console.locator("[data-connected]")).to_have_text("1", timeout=5_000)

    # Back to push: the phone shows the next item over the stream it has open.
    streamed_before = len(stream_requests)
    support.press_next(console, "Runde 4")
    support.showing(phones, "Runde 4")
    assert len(stream_requests) == streamed_before
    watch.assert_clean()
