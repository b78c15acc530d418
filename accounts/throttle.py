"""Login throttling: a growing wait per account and per address, kept in the cache.

An account gets a few tries; after that each further wrong password doubles the wait before
the next try is even looked at. The address (a venue's network, a municipality's proxy) gets
many more, so one person's typos lock only their own account and the colleagues at the same
table still sign in; a script trying many accounts from one address is slowed down all the same.
While a wait runs, a try is refused without checking the password, so a right guess then tells
nothing either. While Redis (the cache) is away nothing is counted: a facilitator must still
get to the console of a running day (workshops/bus.py).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import ngettext

from workshops.bus import redis_or

# Failures are forgotten this long after the first one (unless a success forgets them sooner).
WINDOW_SECONDS = 24 * 60 * 60
FIRST_WAIT_SECONDS = 60
LONGEST_WAIT_SECONDS = 60 * 60


def _account(identifier: str) -> str:
    """The account a typed name or address means, so both ways in share one count."""
    identifier = identifier.strip()
    user = (
        get_user_model()
        .objects.filter(Q(username=identifier) | Q(email__iexact=identifier))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"user:{user}" if user is not None else "name:" + identifier.lower()


def _address(request: HttpRequest) -> str:
    return "address:" + request.META.get("REMOTE_ADDR", "unknown")


def _keys(request: HttpRequest, identifier: str) -> list[tuple[str, int]]:
    return [
        (_key(_account(identifier)), settings.LOGIN_FAILURES_PER_ACCOUNT),
        (_key(_address(request)), settings.LOGIN_FAILURES_PER_ADDRESS),
    ]


def _key(subject: str) -> str:
    return "login-failures:" + hashlib.sha256(subject.encode()).hexdigest()


@redis_or(default=0)
def seconds_to_wait(request: HttpRequest, identifier: str) -> int:
    """How long this account or address must still wait before a try is looked at (0: none)."""
    now = time.time()
    waits = [cache.get(key + ":until", 0) - now for key, _limit in _keys(request, identifier)]
    return max(0, math.ceil(max(waits)))


@redis_or(default=None)
def failed(request: HttpRequest, identifier: str) -> None:
    for key, limit in _keys(request, identifier):
        if cache.add(key, 1, WINDOW_SECONDS):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.add(key, 1, WINDOW_SECONDS)
                count = 1
        if count >= limit:
            wait = min(FIRST_WAIT_SECONDS * 2 ** (count - limit), LONGEST_WAIT_SECONDS)
            cache.set(key + ":until", time.time() + wait, wait)


@redis_or(default=None)
def forget_account(identifier: str) -> None:
    """A right password (or a new one) ends the account's count; the address's count stays."""
    key = _key(_account(identifier))
    cache.delete_many([key, key + ":until"])


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many wrong passwords. Wait %(minutes)s minute and try again, or reset your password.",
        "Too many wrong passwords. Wait %(minutes)s minutes and try again, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


# Mails sent on request (a password reset, a verification link sent again): a few an hour per
# address are enough for a lost mail and too few to flood anyone's inbox.
MAILS_PER_HOUR = 5


# While Redis (the cache that counts) is away, the mail goes: signing up, a verification link
# and a password reset must work, and an hour's flood is bounded by how long Redis is down.
@redis_or(default=True)
def may_mail(purpose: str, address: str, *, per_hour: int = MAILS_PER_HOUR) -> bool:
    key = f"mails:{purpose}:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()
    if cache.add(key, 1, 60 * 60):
        return True
    try:
        return cache.incr(key) <= per_hour
    except ValueError:  # expired between the two calls
        return cache.add(key, 1, 60 * 60)
