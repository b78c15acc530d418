from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
    from live import broadcast

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


# Redis going away and coming back; phones of a dead process stop counting.


@pytest.fixture
def own_redis():
    """A Redis of this test's own, to stop and start (tests.support.RedisServer)."""
    from tests.support import RedisServer

    server = RedisServer()
    if not os.access(server.BINARY, os.X_OK):
        pytest.skip(f"no redis-server at {server.BINARY}")
    server.start()
    yield server
    server.stop()


@pytest.mark.redis
def test_when_redis_goes_streams_end_and_when_it_is_back_pushes_flow_again(
    own_redis, monkeypatch, caplog
):
    from workshops import bus as bus_module

    monkeypatch.setattr(bus_module, "RETRY_SECONDS", 0.1)
    bus = RedisBus(own_redis.url)

    async def scenario():
        stream = bus.subscribe("day:1:participants:nb")
        await asyncio.sleep(0.2)
        bus.publish("day:1:participants:nb", "before")
        assert await next_message(stream) == b"before"
        assert bus.connected("day:1:participants") == 1

        own_redis.stop()
        assert await next_message(stream) is bus_module.ENDED  # the listener noticed
        assert not bus.available()
        assert bus.connected("day:1:participants") is None  # "–", not a wrong number
        assert bus.listening(["day:1:participants:nb"]) == set()
        bus.publish("day:1:participants:nb", "into the void")  # no error: nobody can hear
        assert bus.claim("redraw:1", 100)  # each process draws for itself
        bus.unsubscribe(stream)

        own_redis.start()
        for _ in range(50):
            await asyncio.sleep(0.1)
            if bus.available():
                break
        assert bus.available()
        again = bus.subscribe("day:1:participants:nb")
        await asyncio.sleep(0.3)  # the listener is subscribed again
        bus.publish("day:1:participants:nb", "after")
        message = await next_message(again)
        if message is None:  # "send your whole state": the listener came back after it
            message = await next_message(again)
        assert message == b"after"
        assert bus.connected("day:1:participants") == 1
        bus.unsubscribe(again)

    with caplog.at_level(logging.WARNING, logger="workshops.bus"):
        run_async(scenario)
    said = [r.getMessage() for r in caplog.records if r.name == "workshops.bus"]
    assert len(said) == 2, said  # once when it went, once when it came back
    assert "does not answer" in said[0]
    assert "answers again" in said[1]


@pytest.mark.redis
def test_a_stream_counts_only_while_its_process_renews_it(own_redis):
    async def scenario():
        here, elsewhere = RedisBus(own_redis.url), RedisBus(own_redis.url)
        here.PRESENCE_SECONDS = 0.5
        here.HEARTBEAT_SECONDS = 0.1
        streams = [here.subscribe("day:1:participants:nb") for _ in range(3)]
        await asyncio.sleep(1.2)  # more than twice the presence: the beats renewed it
        assert elsewhere.connected("day:1:participants") == 3
        assert elsewhere.listening(["day:1:participants:nb"]) == {"day:1:participants:nb"}
        for stream in streams:
            here.unsubscribe(stream)
        assert elsewhere.connected("day:1:participants") == 0  # closed streams leave at once

    run_async(scenario)


@pytest.mark.redis
def test_the_phones_of_a_killed_process_stop_counting(own_redis):
    # A web process with three phones' streams open, renewing them every 0.2 s for 1 s.
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import asyncio, django, os, sys\n"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'\n"
            "django.setup()\n"
            "from workshops.bus import RedisBus\n"
            "bus = RedisBus(sys.argv[1])\n"
            "bus.PRESENCE_SECONDS, bus.HEARTBEAT_SECONDS = 1.0, 0.2\n"
            "async def serve():\n"
            "    for _ in range(3):\n"
            "        bus.subscribe('day:9:participants:nb')\n"
            "    print('open', flush=True)\n"
            "    await asyncio.sleep(60)\n"
            "asyncio.run(serve())\n",
            own_redis.url,
        ],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "open"
        bus = RedisBus(own_redis.url)
        time.sleep(1.5)  # alive: renewed past its presence time
        assert bus.connected("day:9:participants") == 3
        process.send_signal(signal.SIGKILL)  # no unsubscribe, no goodbye
        process.wait(timeout=10)
        assert bus.connected("day:9:participants") == 3
        time.sleep(1.2)
        assert bus.connected("day:9:participants") == 0
        assert bus.listening(["day:9:participants:nb"]) == set()
    finally:
        process.kill()
        process.wait(timeout=10)
