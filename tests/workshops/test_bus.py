from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.support import run_async
from workshops.bus import LocalBus, RedisBus, audience_of


async def next_message(subscription, timeout: float = 3):
    return await asyncio.wait_for(subscription.queue.get(), timeout)


def test_audience_of_strips_the_language():
    assert audience_of("day:7:participants:nn") == "day:7:participants"


def test_publish_reaches_every_subscriber_of_the_channel_only():
    async def scenario():
        bus = LocalBus()
        a = bus.subscribe("day:1:participants:nb")
        b = bus.subscribe("day:1:participants:nb")
        other = bus.subscribe("day:2:participants:nb")
        bus.publish("day:1:participants:nb", "hello")
        assert await next_message(a) == b"hello"
        assert await next_message(b) == b"hello"
        await asyncio.sleep(0.05)
        assert other.queue.empty()
        bus.unsubscribe(a)
        bus.unsubscribe(a)  # twice is harmless
        assert bus.count("day:1:participants:nb") == 1

    run_async(scenario)


def test_publish_from_another_thread_is_delivered_on_the_streams_loop():
    async def scenario():
        bus = LocalBus()
        sub = bus.subscribe("c")
        await asyncio.to_thread(bus.publish, "c", "from a worker thread")
        assert await next_message(sub) == b"from a worker thread"

    run_async(scenario)


def test_a_stream_that_falls_behind_gets_one_resync_marker():
    async def scenario():
        bus = LocalBus()
        sub = bus.subscribe("c")
        for i in range(300):
            bus.publish("c", f"m{i}")
        await asyncio.sleep(0.05)
        messages = []
        while not sub.queue.empty():
            messages.append(sub.queue.get_nowait())
        assert None in messages  # "send the whole state again"
        assert len(messages) < 300

    run_async(scenario)


def test_connected_counts_phones_in_every_language_and_announces_changes():
    async def scenario():
        bus = LocalBus()
        bus.ANNOUNCE_DELAY = 0.05
        bus.watch_count("day:1:participants", ["day:1:console:nb"])
        console = bus.subscribe("day:1:console:nb")
        phones = [bus.subscribe(f"day:1:participants:{lang}") for lang in ("nb", "nb", "nn")]
        assert bus.connected("day:1:participants") == 3
        # A burst of joins is announced once, with the final number.
        assert await next_message(console) == b"event: connected\ndata: 3\n\n"
        await asyncio.sleep(0.1)
        assert console.queue.empty()
        bus.unsubscribe(phones[0])
        assert await next_message(console) == b"event: connected\ndata: 2\n\n"

    run_async(scenario)


@pytest.mark.redis
def test_redis_bus_fans_out_across_processes_and_counts_the_whole_room():
    url = os.environ["REDIS_URL"]

    async def scenario():
        # Two bus objects stand for two web processes sharing one Redis.
        first, second = RedisBus(url), RedisBus(url)
        audience = f"day:test-{os.getpid()}:participants"
        a = first.subscribe(audience + ":nb")
        b = second.subscribe(audience + ":nb")
        await asyncio.sleep(0.2)  # both listener threads are subscribed
        first.publish(audience + ":nb", "to everyone")
        assert await next_message(a) == b"to everyone"
        assert await next_message(b) == b"to everyone"
        assert first.connected(audience) == second.connected(audience) == 2
        first.unsubscribe(a)
        second.unsubscribe(b)
        assert first.connected(audience) == 0

    run_async(scenario)


def test_one_heartbeat_per_loop_keeps_every_stream_alive():
    async def scenario():
        bus = LocalBus()
        bus.HEARTBEAT_SECONDS = 0.05
        streams = [bus.subscribe(f"day:1:participants:{i}") for i in range(3)]
        for stream in streams:
            assert await next_message(stream) == b": keep-alive\n\n"
        for stream in streams:
            bus.unsubscribe(stream)
        await asyncio.sleep(0.15)
        assert not bus._heartbeats  # the beat stops when its loop has no streams left

    run_async(scenario)


@pytest.mark.redis
def test_redis_databases_do_not_hear_each_other():
    base = os.environ["REDIS_URL"].rsplit("/", 1)[0]

    async def scenario():
        one, other = RedisBus(base + "/1"), RedisBus(base + "/2")
        here = one.subscribe("day:1:participants:nb")
        there = other.subscribe("day:1:participants:nb")
        await asyncio.sleep(0.2)
        one.publish("day:1:participants:nb", "only for db 1")
        assert await next_message(here) == b"only for db 1"
        await asyncio.sleep(0.2)
        assert there.queue.empty()
        one.unsubscribe(here)
        other.unsubscribe(there)

    run_async(scenario)


def test_listening_names_only_channels_with_open_streams():
    async def scenario():
        bus = LocalBus()
        stream = bus.subscribe("day:1:presenter:nb")
        assert bus.listening(["day:1:presenter:nb", "day:1:presenter:nn"]) == {"day:1:presenter:nb"}
        bus.unsubscribe(stream)
        assert bus.listening(["day:1:presenter:nb"]) == set()

    run_async(scenario)


@pytest.mark.redis
def test_of_two_processes_one_claims_a_redraw_until_the_window_has_passed():
    url = os.environ["REDIS_URL"]
    first, second = RedisBus(url), RedisBus(url)
    name = f"redraw:test-{os.getpid()}:{time.monotonic_ns()}"
    assert first.claim(name, 150)
    assert not second.claim(name, 150)  # a burst redrawn once, not once per process
    assert not first.claim(name, 150)
    time.sleep(0.2)
    assert second.claim(name, 150)  # the next burst: whoever asks first


@pytest.mark.redis
def test_a_process_that_lost_a_claim_asks_again_only_when_it_has_run_out(monkeypatch):
    url = os.environ["REDIS_URL"]
    first, second = RedisBus(url), RedisBus(url)
    name = f"redraw:test-{os.getpid()}:{time.monotonic_ns()}"
    assert first.claim(name, 300)
    assert not second.claim(name, 300)
    asked = []
    monkeypatch.setattr(second, "_claim", lambda **kwargs: asked.append(kwargs))
    for _ in range(50):  # a burst of words in the second process while the first holds it
        assert not second.claim(name, 300)
    assert asked == []
    monkeypatch.undo()
    time.sleep(0.35)
    assert second.claim(name, 300)  # run out: asked, and taken


def test_coalesced_redraws_are_one_per_burst_and_none_is_lost(settings, monkeypatch):
    from workshops import broadcast

    settings.LIVE_COALESCE_SECONDS = 0.05
    drawn: list[int] = []
    monkeypatch.setattr(broadcast, "day_changed", lambda workshop_id, audiences: drawn.append(1))
    monkeypatch.setattr(broadcast.connection, "close", lambda: None)
    for _ in range(20):
        broadcast.day_changed_soon(7, ("presenter",))
    time.sleep(0.15)
    assert drawn == [1]  # twenty words, one redraw
    broadcast.day_changed_soon(7, ("presenter",))  # a word after it gets its own
    time.sleep(0.15)
    assert drawn == [1, 1]
