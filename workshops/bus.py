"""The live bus: fan-out of rendered fragments to the open SSE streams.

A fragment is rendered once per audience and published on a channel; every stream subscribed
to that channel gets the same bytes. Without REDIS_URL the bus lives in this process. With it,
publishes go through Redis pub/sub and each process runs ONE subscriber thread that feeds its
local streams, so a thousand phones cost one Redis connection per process, not a thousand.

Redis going away is a degraded mode, not an error, and this module is the one place that knows
about it: `available()` says whether Redis answers; while it does not, nothing is published or
counted (the database stays the truth), streams are answered with the state and a request to
come back in POLL_SECONDS (live/views.py), and whatever keeps its counts in the cache
goes on without them (`redis_or`). One warning is logged when Redis goes, one when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

PREFIX = "samling:"
KEEPALIVE = b": keep-alive\n\n"

# While Redis is away: a stream answers with the state and asks the browser to come back this
# often (a poll, seconds), and Redis is asked again at most this often (one PING per process,
# not one failed call per request).
POLL_SECONDS = 5
RETRY_SECONDS = 2.0

# Put on a stream's queue when the bus has lost Redis: the stream ends, and its browser comes
# back to find the bus down (a poll) or up again (a stream).
ENDED = object()

# What a Redis that has gone away raises (an error in what was asked is not one of them).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


@dataclass(eq=False)
class Subscription:
    channel: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=256))
    # Its name among the open streams counted in Redis (RedisBus.PRESENCE_SECONDS).
    name: str = field(default_factory=lambda: secrets.token_hex(8))

    def deliver(self, message: bytes | object | None) -> None:
        # Runs on the stream's event loop. A phone that stops reading gets its queue dropped
        # to one "you missed something" marker instead of growing without bound; the end of
        # the stream goes before anything still waiting.
        if self.queue.full() or message is ENDED:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(message if message is ENDED else None)
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
        self._announced: dict[str, int | None] = {}  # audience -> the count last told
        self._heartbeats: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}

    def available(self) -> bool:
        """Whether live updates can be pushed. In one process they always can."""
        return True

    def lost(self, error: Exception) -> None:
        """Told that Redis did not answer; the in-process bus has none to lose."""

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
            await asyncio.to_thread(self._still_open, here)

    def _still_open(self, subscriptions: list[Subscription]) -> None:
        """Each heartbeat, the streams of one event loop are still open (this bus counts them
        as they come and go)."""

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
        """How many streams of `channel` this process has open."""
        with self._lock:
            return len(self._subscriptions.get(channel, ()))

    def listening(self, channels: list[str]) -> set[str]:
        """The channels that have at least one open stream (a fragment nobody reads is not
        worth drawing)."""
        with self._lock:
            return {c for c in channels if self._subscriptions.get(c)}

    def connected(self, audience: str) -> int | None:
        """How many streams are open for an audience, in every language (and process); None
        when that cannot be known (Redis is away)."""
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

    def _announce(self, audience: str, *, if_changed: bool = False) -> None:
        with self._lock:
            self._pending.pop(audience, None)
            tell = self._counted.get(audience, [])
        connected = self.connected(audience)
        if connected is None or (if_changed and self._announced.get(audience) == connected):
            return
        self._announced[audience] = connected
        message = f"event: connected\ndata: {connected}\n\n"
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
        self._deliver(subscribers, message)

    def _deliver(self, subscribers: list[Subscription], message: bytes | object | None) -> None:
        # One wake-up per event loop, not per phone: a thousand streams on one loop cost one
        # call_soon_threadsafe (one write to the loop's self-pipe) per message.
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for subscription in subscribers:
            by_loop.setdefault(subscription.loop, []).append(subscription)
        for loop, group in by_loop.items():
            # RuntimeError: that loop has closed; its streams unsubscribe themselves.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_deliver_all, group, message)

    def _tell_every_stream(self, message: bytes | object | None) -> None:
        with self._lock:
            everyone = [s for group in self._subscriptions.values() for s in group]
        self._deliver(everyone, message)


class RedisBus(LocalBus):
    # An open stream counts while its process says so: every heartbeat renews its entry for
    # this long (three beats), so the phones of a process killed with its streams open (OOM,
    # SIGKILL, a host gone) stop counting within it instead of forever.
    PRESENCE_SECONDS = 45.0

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        # The pub/sub connection is checked as often as the streams beat.
        self._redis = redis.Redis.from_url(
            url, health_check_interval=self.HEARTBEAT_SECONDS, **settings.REDIS_CLIENT_OPTIONS
        )
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
        self._state_lock = threading.Lock()
        self._up = True
        self._outages = 0  # how many times Redis has gone away; the listener compares
        self._retry_at = 0.0  # monotonic time of the next PING while Redis is away

    # Whether Redis is there: every command goes through `_ask`.

    def available(self) -> bool:
        """Whether Redis answers. While it does not, one PING every RETRY_SECONDS (whoever
        asks first) finds out when it is back."""
        if self._up:
            return True
        with self._state_lock:
            if time.monotonic() < self._retry_at:
                return False
            self._retry_at = time.monotonic() + RETRY_SECONDS
        try:
            self._redis.ping()
        except UNREACHABLE:
            return False
        self._back()
        return True

    def lost(self, error: Exception) -> None:
        with self._state_lock:
            if not self._up:
                return
            self._up = False
            self._outages += 1
            self._retry_at = time.monotonic() + RETRY_SECONDS
        log.warning(
            "Live bus: Redis does not answer (%s). Live pages show the state in the database, "
            "screens fetch it every %s s, and phones are not counted until Redis is back.",
            error,
            POLL_SECONDS,
        )
        # The open streams hear nothing more: they end, and their browsers come back to a poll.
        self._tell_every_stream(ENDED)

    def _back(self) -> None:
        with self._state_lock:
            if self._up:
                return
            self._up = True
        log.warning("Live bus: Redis answers again; live updates are pushed again.")

    def _ask(self, default, command):
        """`command()` against Redis, or `default` while Redis is away."""
        if not self.available():
            return default
        try:
            return command()
        except UNREACHABLE as error:
            self.lost(error)
            return default

    # The open streams, counted in Redis across processes: a sorted set per channel and per
    # audience, each stream's name scored with the time its entry runs out. The times are the
    # writing process's clock; hosts keep theirs in step, and a second's difference only moves
    # the moment a dead process's phones stop counting.

    def _key(self, channel_or_audience: str) -> str:
        return PREFIX + "open:" + channel_or_audience

    def _open(self, subscriptions: list[Subscription]) -> None:
        now = time.time()
        until = now + self.PRESENCE_SECONDS
        members: dict[str, dict[str, float]] = {}
        for subscription in subscriptions:
            for name in (subscription.channel, audience_of(subscription.channel)):
                members.setdefault(self._key(name), {})[subscription.name] = until
        with self._redis.pipeline(transaction=False) as pipe:
            for key, scores in members.items():
                pipe.zadd(key, scores)
                pipe.zremrangebyscore(key, "-inf", now)  # streams no process renews any more
                pipe.expire(key, math.ceil(self.PRESENCE_SECONDS))
            pipe.execute()

    def _closed(self, subscription: Subscription) -> None:
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.zrem(self._key(subscription.channel), subscription.name)
            pipe.zrem(self._key(audience_of(subscription.channel)), subscription.name)
            pipe.execute()

    def _still_open(self, subscriptions: list[Subscription]) -> None:
        self._ask(None, lambda: self._open(subscriptions))
        # Phones of another process may have stopped counting: the screens here are told.
        with self._lock:
            watched = [
                audience
                for audience, tell in self._counted.items()
                if any(self._subscriptions.get(channel) for channel in tell)
            ]
        for audience in watched:
            self._announce(audience, if_changed=True)

    def subscribe(self, channel: str) -> Subscription:
        self._ensure_listener()
        subscription = super().subscribe(channel)
        self._ask(None, lambda: self._open([subscription]))
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            known = subscription in self._subscriptions.get(subscription.channel, ())
        if known:
            self._ask(None, lambda: self._closed(subscription))
        super().unsubscribe(subscription)

    def listening(self, channels: list[str]) -> set[str]:
        def ask() -> set[str]:
            now = time.time()
            with self._redis.pipeline(transaction=False) as pipe:
                for channel in channels:
                    pipe.zcount(self._key(channel), now, "+inf")
                counts = pipe.execute()
            return {c for c, n in zip(channels, counts, strict=True) if n}

        # Without Redis nobody hears a push: nothing is worth drawing.
        return self._ask(set(), ask)

    def connected(self, audience: str) -> int | None:
        # Counted in Redis so every web process reports the whole room.
        return self._ask(None, lambda: self._redis.zcount(self._key(audience), time.time(), "+inf"))

    def claim(self, name: str, milliseconds: int) -> bool:
        # SET NX PX: of all the processes asking within the window, exactly one gets it. The
        # others remember until when it is held and don't ask again before then (in a burst of
        # words every request would otherwise ask): while it is held, the holder has yet to do
        # what it claimed, so nothing that happens meanwhile is missed. Without Redis, each
        # process acts for itself.
        if time.monotonic() < self._held_elsewhere.get(name, 0):
            return False
        remaining = self._ask(
            None, lambda: self._claim(keys=[PREFIX + "claim:" + name], args=[milliseconds])
        )
        if remaining is None:
            return True
        if remaining > 0:
            self._held_elsewhere[name] = time.monotonic() + remaining / 1000
        return False

    def publish(self, channel: str, message: str) -> None:
        self._ask(None, lambda: self._redis.publish(self._channels + channel, message.encode()))

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
        subscribed_before = False
        while True:
            if not self.available():
                ready.set()  # nobody waits for a bus that is down
                time.sleep(RETRY_SECONDS)
                continue
            outage = self._outages
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.psubscribe(self._channels + "*")
                ready.set()
                if subscribed_before:
                    # What was published while this process was not listening never reached
                    # its streams: each sends its whole state again.
                    self._tell_every_stream(None)
                subscribed_before = True
                # Until Redis goes away (noticed here, or by any request of this process).
                while self._outages == outage:
                    item = pubsub.get_message(timeout=1.0)
                    if item is not None and item["type"] == "pmessage":
                        channel = item["channel"].decode()[len(self._channels) :]
                        self._dispatch(channel, item["data"])
            except RedisError as error:
                self.lost(error)
            finally:
                with contextlib.suppress(RedisError):
                    pubsub.close()


_bus: LocalBus | None = None
_bus_lock = threading.Lock()


def get_bus() -> LocalBus:
    global _bus
    with _bus_lock:
        if _bus is None:
            _bus = RedisBus(settings.REDIS_URL) if settings.REDIS_URL else LocalBus()
        return _bus


def redis_or(default):
    """For a function that keeps counts in the cache (Redis, when REDIS_URL is set): while Redis
    is away it is not called and `default` stands in, so a room is never locked out by a cache
    that does not answer. The bus is told, and says so once."""

    def wrap(function):
        @functools.wraps(function)
        def wrapped(*args, **kwargs):
            bus = get_bus()
            if not bus.available():
                return default
            try:
                return function(*args, **kwargs)
            except UNREACHABLE as error:
                bus.lost(error)
                return default

        return wrapped

    return wrap
