"""Shared fixtures. The named users follow healthchecks' convention:

alice is a facilitator of Seljord (the owner), bob an HR adviser of Seljord (a colleague who
reads), charlie a facilitator of another municipality (an outsider who must see nothing).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth.models import User
from django.test import Client

from workshops.models import (
    AgendaItem,
    Membership,
    NetworkGroup,
    Organisation,
    Participant,
    Programme,
    Workshop,
)

PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    from django.conf import settings

    # Hashing with PBKDF2 costs a third of a second per user; the tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Publish live updates at once, in the request, so tests see them without waiting.
    settings.LIVE_COALESCE_SECONDS = 0
    # Tasks run in the test's own process even where CI has a broker (REDIS_URL); the tests
    # that need a real worker start one themselves.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    _own_redis_database_per_worker(app)


def _own_redis_database_per_worker(app) -> None:
    """Under pytest-xdist (`make test` runs the suite in parallel) each worker process uses a
    Redis database of its own: REDIS_URL's for the first worker (gw0), one number lower for
    each next one. Tests empty the cache (a FLUSHDB), the live bus keeps counts in Redis and
    names its channels by the database and the day's id, and every worker's test database
    numbers its days from 1: sharing one Redis database, one worker would wipe another's
    queued tasks and stream counts, and hear its days' live notes."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not settings.REDIS_URL or not worker.startswith("gw") or worker == "gw0":
        return
    parts = urlsplit(settings.REDIS_URL)
    database = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    if database < 0:
        raise pytest.UsageError(
            f"REDIS_URL names Redis database {parts.path.strip('/') or 0}: too low a number "
            f"for pytest-xdist worker {worker}, which takes the one {worker[2:]} below it."
        )
    url = urlunsplit(parts._replace(path=f"/{database}"))
    changed = {"REDIS_URL": url}
    changed["CACHES"] = {
        name: {**cache, "LOCATION": url} if cache.get("LOCATION") == settings.REDIS_URL else cache
        for name, cache in settings.CACHES.items()
    }
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        if getattr(settings, name) == settings.REDIS_URL:
            changed[name] = url
    # Tests that make their own Redis connections read the environment.
    os.environ["REDIS_URL"] = url
    override_settings(**changed).enable()
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND


def pytest_collection_modifyitems(config, items):
    # Tests marked postgres/redis run only where the real service is configured (CI sets both).
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    for item in items:
        if "postgres" in item.keywords and not database_url.startswith("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL=postgres://…"))
        if "redis" in item.keywords and not redis_url:
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL=redis://…"))


@pytest.fixture(autouse=True)
def english():
    # Assertions read English messages; tests of the Norwegian UI switch language themselves.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    # Rate limits live in the cache; one test's wrong guesses must not block the next test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seljord(db) -> Organisation:
    return Organisation.objects.create(name="Seljord kommune", slug="seljord")


@pytest.fixture
def other_org(db) -> Organisation:
    return Organisation.objects.create(name="Bø kommune", slug="bo")


def _user(username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def alice(seljord) -> User:
    return _user("alice", seljord, Membership.Role.FACILITATOR)


@pytest.fixture
def bob(seljord) -> User:
    return _user("bob", seljord, Membership.Role.HR)


@pytest.fixture
def charlie(other_org) -> User:
    return _user("charlie", other_org, Membership.Role.FACILITATOR)


@pytest.fixture
def client() -> Client:
    """An anonymous visitor (a participant's phone) that reads English, like the assertions."""
    return Client(headers={"accept-language": "en"})


def _client(user: User) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return _client(alice)


@pytest.fixture
def bob_client(bob) -> Client:
    return _client(bob)


@pytest.fixture
def charlie_client(charlie) -> Client:
    return _client(charlie)


@pytest.fixture
def programme(seljord, alice) -> Programme:
    return Programme.objects.create(
        organisation=seljord, title="Lederutviklingsprogram 2026", created_by=alice
    )


@pytest.fixture
def group(programme) -> NetworkGroup:
    return NetworkGroup.objects.create(programme=programme, name="Nettverksgruppe 1")


@pytest.fixture
def participant(programme, group) -> Participant:
    return Participant.objects.create(
        programme=programme, name="Kari Nordmann", email="kari@example.no", network_group=group
    )


@pytest.fixture
def workshop(programme) -> Workshop:
    return Workshop.objects.create(
        programme=programme,
        number=2,
        date=dt.date(2026, 11, 26),
        start_time=dt.time(8, 30),
        end_time=dt.time(15, 0),
        venue="Seljord kulturhus",
        theme="Relasjonsorientert lederadferd",
    )


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    rows = [
        ("talk", "Velkommen!", 30),
        ("talk", "Relasjonsorientert ledelse", 30),
        ("pause", "Pause", 15),
        ("exercise", "Tilbakemeldinger i trioer", 45),
        ("lunch", "Lunsj", 45),
        ("exercise", "Lederplattform", 60),
    ]
    return [
        AgendaItem.objects.create(
            workshop=workshop, position=i, kind=kind, title=title, duration_minutes=minutes
        )
        for i, (kind, title, minutes) in enumerate(rows)
    ]


@pytest.fixture
def word_run(workshop, agenda):
    """A word cloud's run on the day, without the day being live."""
    from exercises.models import Exercise, Run  # exercises build on workshops

    exercise = Exercise.objects.create(agenda_item=agenda[3], kind="word_cloud", settings={})
    return Run.objects.create(exercise=exercise, workshop=workshop)
