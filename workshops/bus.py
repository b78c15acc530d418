"""The live bus: fan-out of rendered fragments to the open SSE streams.

A fragment is rendered once per audience and published on a channel; every stream subscribed
to that channel gets the same bytes. Without REDIS_URL the bus lives in this process. With it,
publishes go through Redis pub/sub and each process runs ONE subscriber thread that feeds its
local streams, so a thousand phones cost one Redis connection per process, not a thousand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

log = logging.getLogger(__name__)

PREFIX = "samling:"
KEEPALIVE = b": keep-alive\n\n"


@dataclass(eq=False)
class Subscription:
    channel: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=256))

    def deliver(self, message: bytes) -> None:
        # Runs on the stream's event loop. A phone that stops reading gets its queue dropped
        # to one "you missed something" marker instead of growing without bound.
        if self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(message)


def audience_of(channel: str) -> str:
    """`day:7:participants:nb` -> `day:7:participants` (streams are counted across languages)."""
    return channel.rsplit(":", 1)[0]


def _deliver_all(subscriptions: list[Subscription], message: bytes) -> None:
    for subscription in subscriptions:
        subscription.deliver(message)


class LocalBus:
    # Connection counts change in bursts (a room of phones joining at once); the facilitator's
    # and the projector's "N connected" is redrawn at most this often.
    ANNOUNCE_DELAY = 0.5

    # Proxies close connections that stay silent; one beat per event loop keeps them all open,
    # instead of a timer in every stream.
    HEARTBEAT_SECONDS = 15.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._pending: dict[str, threading.Timer] = {}
        self._counted = {}  # audience -> listeners to tell when its count changes
        self._heartbeats: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}

    def subscribe(self, channel: str) -> Subscription:
        loop = asyncio.get_running_loop()
        subscription = Subscription(channel=channel, loop=loop)
        with self._lock:
            self._subscriptions.setdefault(channel, set()).add(subscription)
            beat = self._heartbeats.get(loop)
            if beat is None or beat.done():
                self._heartbeats[loop] = loop.create_task(self._beat(loop))
        self._changed_count(audience_of(channel))
        return subscription

    async def _beat(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            await asyncio.sleep(self.HEARTBEAT_SECONDS)
            with self._lock:
                here = [
                    s for group in self._subscriptions.values() for s in group if s.loop is loop
                ]
                if not here:
                    del self._heartbeats[loop]
                    return
            for subscription in here:
                subscription.deliver(KEEPALIVE)

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            subscribers = self._subscriptions.get(subscription.channel)
            if subscribers is None or subscription not in subscribers:
                return
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.channel]
        self._changed_count(audience_of(subscription.channel))

    def count(self, channel: str) -> int:
        with self._lock:
            return len(self._subscriptions.get(channel, ()))

    def listening(self, channels: list[str]) -> set[str]:
        """The channels that have at least one open stream (a fragment nobody reads is not
        worth drawing)."""
        with self._lock:
            return {c for c in channels if self._subscriptions.get(c)}

    def connected(self, audience: str) -> int:
        """How many streams are open for an audience, in every language (and process)."""
        prefix = audience + ":"
        with self._lock:
            return sum(len(s) for c, s in self._subscriptions.items() if c.startswith(prefix))

    def watch_count(self, audience: str, tell: list[str]) -> None:
        """When the number of `audience` streams changes, publish it on the `tell` channels."""
        with self._lock:
            self._counted[audience] = tell

    def _changed_count(self, audience: str) -> None:
        with self._lock:
            if audience not in self._counted or audience in self._pending:
                return
            timer = threading.Timer(self.ANNOUNCE_DELAY, self._announce, args=(audience,))
            timer.daemon = True
            self._pending[audience] = timer
        timer.start()

    def _announce(self, audience: str) -> None:
        with self._lock:
            self._pending.pop(audience, None)
            tell = self._counted.get(audience, [])
        message = f"event: connected\ndata: {self.connected(audience)}\n\n"
        for channel in tell:
            self.publish(channel, message)

    def claim(self, name: str, milliseconds: int) -> bool:
        """Whether this process is the one to act on `name` for the next `milliseconds`. In one
        process there is no one else to ask (the caller keeps its own timers)."""
        return True

    def publish(self, channel: str, message: str) -> None:
        self._dispatch(channel, message.encode())

    def _dispatch(self, channel: str, message: bytes) -> None:
        with self._lock:
            subscribers = list(self._subscriptions.get(channel, ()))
        # One wake-up per event loop, not per phone: a thousand streams on one loop cost one
        # call_soon_threadsafe (one write to the loop's self-pipe) per message.
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for subscription in subscribers:
            by_loop.setdefault(subscription.loop, []).append(subscription)
        for loop, group in by_loop.items():
            # RuntimeError: that loop has closed; its streams unsubscribe themselves.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_deliver_all, group, message)


class RedisBus(LocalBus):
    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(url)
        # Pub/sub channels ignore Redis's database number: two deployments (or a test run and
        # a benchmark) on one server would hear each other's days. The number goes in the name.
        db = self._redis.connection_pool.connection_kwargs.get("db", 0)
        self._channels = f"{PREFIX}{db}:"
        self._listener: threading.Thread | None = None
        self._listener_lock = threading.Lock()
        # Atomically: take the claim (nil), or say how long another process still holds it.
        self._claim = self._redis.register_script(
            "if redis.call('set', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end "
            "return redis.call('pttl', KEYS[1])"
        )
        self._held_elsewhere: dict[str, float] = {}  # name -> monotonic time the claim ends

    def subscribe(self, channel: str) -> Subscription:
        self._ensure_listener()
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.incr(PREFIX + "count:" + audience_of(channel))
            pipe.incr(PREFIX + "count:" + channel)
            pipe.execute()
        return super().subscribe(channel)

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            known = subscription in self._subscriptions.get(subscription.channel, ())
        if known:
            with self._redis.pipeline(transaction=False) as pipe:
                pipe.decr(PREFIX + "count:" + audience_of(subscription.channel))
                pipe.decr(PREFIX + "count:" + subscription.channel)
                pipe.execute()
        super().unsubscribe(subscription)

    def listening(self, channels: list[str]) -> set[str]:
        counts = self._redis.mget([PREFIX + "count:" + c for c in channels])
        return {c for c, n in zip(channels, counts, strict=True) if n and int(n) > 0}

    def connected(self, audience: str) -> int:
        # Counted in Redis so every web process reports the whole room. (A process killed with
        # streams open leaves its share in the count; a restart of Redis clears it.)
        return max(0, int(self._redis.get(PREFIX + "count:" + audience) or 0))

    def claim(self, name: str, milliseconds: int) -> bool:
        # SET NX PX: of all the processes asking within the window, exactly one gets it. The
        # others remember until when it is held and don't ask again before then (in a burst of
        # words every request would otherwise ask): while it is held, the holder has yet to do
        # what it claimed, so nothing that happens meanwhile is missed.
        if time.monotonic() < self._held_elsewhere.get(name, 0):
            return False
        remaining = self._claim(keys=[PREFIX + "claim:" + name], args=[milliseconds])
        if remaining is None:
            return True
        if remaining > 0:
            self._held_elsewhere[name] = time.monotonic() + remaining / 1000
        return False

    def publish(self, channel: str, message: str) -> None:
        self._redis.publish(self._channels + channel, message.encode())

    def _ensure_listener(self) -> None:
        with self._listener_lock:
            if self._listener is None or not self._listener.is_alive():
                ready = threading.Event()
                self._listener = threading.Thread(
                    target=self._listen, args=(ready,), name="samling-bus", daemon=True
                )
                self._listener.start()
                ready.wait(timeout=5)

    def _listen(self, ready: threading.Event) -> None:
        import redis

        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(self._channels + "*")
                ready.set()
                for item in pubsub.listen():
                    if item["type"] == "pmessage":
                        channel = item["channel"].decode()[len(self._channels) :]
                        self._dispatch(channel, item["data"])
            except redis.RedisError:
                log.exception("Live bus lost Redis; reconnecting")
                threading.Event().wait(1)


_bus: LocalBus | None = None
_bus_lock = threading.Lock()


def get_bus() -> LocalBus:
    global _bus
    with _bus_lock:
        if _bus is None:
            _bus = RedisBus(settings.REDIS_URL) if settings.REDIS_URL else LocalBus()
        return _bus
