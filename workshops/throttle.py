"""Guessing codes (a day's join code, a person's personal code) is made hopeless; joining a
day by the right code never is.

Per address: the first WRONG_CODES_FREE wrong codes in a day cost nothing (a room that mistypes
on small keyboards), then each further one makes the address wait, twice as long each time up
to WAIT_MAX: the count does not reset after a few minutes, it only ends with the day. While an
address waits, every code it sends, right or wrong, gets the same answer, found without
looking the code up, so neither the answer nor its timing says whether the code was right.

Across all addresses: when more than GLOBAL_WRONG_PER_MINUTE wrong codes arrive in a minute
(a botnet spread over many addresses), every wrong answer is delayed by GLOBAL_DELAY seconds
and a warning is logged.

The counts live in the cache (Redis when configured). A cache that does not answer must not
lock out a room: while Redis is away the throttle lets codes through (workshops/bus.py says
so in the log, once).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

from workshops.bus import redis_or

log = logging.getLogger(__name__)

DAY = 24 * 60 * 60


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


@redis_or(default=0.0)
def wait_seconds(request, scope: str = "join") -> float:
    """How long this address must wait before any code it sends is looked at (0: it may)."""
    until = cache.get(f"throttle:{scope}:wait:{_address(request)}")
    return max(0.0, until - time.time()) if until else 0.0


@redis_or(default=0.0)
def count_wrong(request, scope: str = "join") -> float:
    """Count a wrong code. Returns how long to delay this answer (the global ceiling)."""
    address = _address(request)
    key = f"throttle:{scope}:wrong:{address}"
    if cache.add(key, 1, DAY):
        wrong = 1
    else:
        try:
            wrong = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, DAY)
            wrong = 1
    beyond = wrong - settings.JOIN_WRONG_CODES_FREE
    if beyond > 0:
        wait = min(2.0**beyond, settings.JOIN_WAIT_MAX_SECONDS)
        cache.set(f"throttle:{scope}:wait:{address}", time.time() + wait, int(wait) + 1)
    return _global_delay()


def _global_delay() -> float:
    minute = int(time.time() // 60)
    key = f"throttle:wrong-codes:{minute}"
    if cache.add(key, 1, 120):
        return 0.0
    try:
        wrong = cache.incr(key)
    except ValueError:
        return 0.0
    if wrong <= settings.JOIN_GLOBAL_WRONG_PER_MINUTE:
        return 0.0
    if cache.add(f"throttle:warned:{minute}", 1, 120):
        log.warning(
            "More than %d wrong codes in a minute from all addresses: every wrong answer is "
            "delayed by %s s",
            settings.JOIN_GLOBAL_WRONG_PER_MINUTE,
            settings.JOIN_GLOBAL_DELAY_SECONDS,
        )
    return settings.JOIN_GLOBAL_DELAY_SECONDS


@redis_or(default=True)
def may_join(request) -> bool:
    """Whether this address may bring one more phone into a day today (a venue's network
    stays far below the cap; a script making attendees does not)."""
    return cache.get(f"throttle:joins:{_address(request)}", 0) < settings.JOINS_PER_ADDRESS_PER_DAY


@redis_or(default=None)
def count_join(request) -> None:
    key = f"throttle:joins:{_address(request)}"
    if not cache.add(key, 1, DAY):
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, DAY)
