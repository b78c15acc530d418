"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

They use Debian's Chromium, not a browser downloaded by Playwright. Without one the tests are
skipped locally, but fail in CI (CI=true), where a silently skipped suite would prove nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from exercises.models import Exercise
from workshops.models import AgendaItem, Membership, Organisation, Programme, Workshop

# Playwright's sync API keeps an event loop registered in the test thread for the whole
# session, so Django would take every ORM call made there (fixtures, assertions, and any
# test that runs after these) for one made from async code and refuse it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).parent
PASSWORD = "correct horse battery staple"
LOCALE = "nb-NO"


def _find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = _find_chromium()
NO_CHROMIUM = (
    f"no Chromium found at $CHROMIUM_PATH ({os.environ.get('CHROMIUM_PATH') or 'unset'}), "
    "/usr/bin/chromium or on PATH; install Debian's chromium to run browser tests"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR not in item.path.parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if CHROMIUM is None and not _in_ci():
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session", autouse=True)
def _require_chromium_in_ci() -> None:
    # Session-scoped, so it runs before pytest-playwright tries to launch a browser.
    if CHROMIUM is None:
        pytest.fail(f"CI=true, and browser tests must run in CI: {NO_CHROMIUM}.", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at the system Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    # Replaces pytest-playwright's fallback fixture, which pytest deprecates (a session fixture
    # on a plugin instance) and so fails under "error::DeprecationWarning"; pytest-django's
    # live server is session-scoped too, so contexts can take relative URLs.
    return live_server.url


@pytest.fixture
def locale() -> str:
    """The browser's language; parametrize `locale` to test another one."""
    return LOCALE


@pytest.fixture
def context(new_context, locale: str) -> BrowserContext:
    # Set explicitly so the UI language (LocaleMiddleware reads Accept-Language) never
    # depends on the machine the tests run on.
    context = new_context(locale=locale)
    context.set_default_timeout(5_000)
    return context


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Each test creates and logs in a user; the default hasher would make that the slowest
    # part of the suite. The live server thread reads the same settings object.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(transactional_db) -> Organisation:
    return Organisation.objects.create(name="Seljord kommune", slug="seljord")


@pytest.fixture
def alice(organisation) -> User:
    user = User.objects.create_user(username="alice", password=PASSWORD, first_name="Alice")
    Membership.objects.create(
        user=user, organisation=organisation, role=Membership.Role.FACILITATOR
    )
    return user


@pytest.fixture
def programme(organisation, alice) -> Programme:
    return Programme.objects.create(
        organisation=organisation, title="Lederutviklingsprogram 2026", created_by=alice
    )


@pytest.fixture
def login(live_server) -> Callable[..., None]:
    """Log in through the real login form and wait for the page it leads to."""

    def _login(page: Page, username: str = "alice", password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

    return _login


# The live day: the ASGI app served by uvicorn (see tests/e2e/test_live.py for why), a
# facilitator's browser and phones.

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 800}, "is_mobile": True, "has_touch": True}


@dataclass
class AsgiServer:
    url: str
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop

    def _streams(self, cookie: str) -> list:
        # A phone's streams: the day's (.../stream/) and its group's (.../runs/<pk>/group/).
        found = []
        for connection in list(self.server.server_state.connections):
            scope = getattr(connection, "scope", None)
            if not scope or not scope["path"].endswith(("/stream/", "/group/")):
                continue
            cookies = b"".join(v for k, v in scope["headers"] if k == b"cookie").decode()
            if cookie in cookies and not connection.transport.is_closing():
                found.append(connection)
        return found

    def cut_streams(self, cookie: str) -> int:
        """Drop the TCP connections of the open SSE streams that carry `cookie`.

        Chromium's offline emulation fails new requests but leaves open responses flowing, so
        a phone "going offline" still gets its pushes. A real network drop also cuts the
        stream; this does that, from the server's side, as a reset connection would.
        """

        async def cut() -> int:
            connections = self._streams(cookie)
            for connection in connections:
                connection.transport.close()
            return len(connections)

        return asyncio.run_coroutine_threadsafe(cut(), self.loop).result(timeout=5)

    def open_streams(self, cookie: str) -> int:
        """How many SSE streams that carry `cookie` are open now."""

        async def count() -> int:
            return len(self._streams(cookie))

        return asyncio.run_coroutine_threadsafe(count(), self.loop).result(timeout=5)


@pytest.fixture
def asgi_server(transactional_db, settings) -> Iterator[AsgiServer]:
    """uvicorn serving the project on 127.0.0.1, on a free port, for one test."""
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    # Static files as the live server serves them, whatever DEBUG the test runs with.
    handler = get_asgi_application()  # as config.asgi serves the app
    application = ASGIStaticFilesHandler(handler)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port; uvicorn serves this socket
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",  # Django speaks HTTP only
        loop="asyncio",
        http="h11",
        ws="none",
        timeout_graceful_shutdown=2,  # SSE streams never end by themselves
    )
    server = uvicorn.Server(config)
    loops: list[asyncio.AbstractEventLoop] = []

    async def serve() -> None:
        loops.append(asyncio.get_running_loop())
        await server.serve(sockets=[sock])

    # Its own thread and event loop: Playwright's sync API keeps a loop in this thread.
    thread = threading.Thread(target=asyncio.run, args=(serve(),), name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            pytest.fail("uvicorn did not start", pytrace=False)
        time.sleep(0.02)
    try:
        yield AsgiServer(url=f"http://127.0.0.1:{port}", server=server, loop=loops[0])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture
def workshop(programme: Programme) -> Workshop:
    """Day 1 of the programme, under an id no other run is likely to use.

    Redis pub/sub channels are shared by every database number on a Redis server, so with
    REDIS_URL a day 1 here would hear (and be heard by) a day 1 of any other test run or
    benchmark using the same Redis: its live channels are named by the day's id.
    """
    return Workshop.objects.create(
        pk=1_000_000 + secrets.randbelow(1_000_000_000),
        programme=programme,
        number=1,
        date=dt.date(2026, 11, 26),
        start_time=dt.time(8, 30),
        end_time=dt.time(12, 0),
        venue="Seljord kulturhus",
        theme="Relasjonsorientert lederadferd",
    )


@pytest.fixture
def facilitator(asgi_server: AsgiServer, new_context, alice) -> BrowserContext:
    """Alice, logged in through the real login form, on a desktop browser."""
    context = new_context(locale=LOCALE, viewport=DESKTOP)
    context.set_default_timeout(5_000)
    page = context.new_page()
    page.goto(asgi_server.url + reverse("login"))
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert reverse("login") not in page.url, "alice could not log in"
    page.close()
    return context


@pytest.fixture
def new_phone(asgi_server: AsgiServer, new_context) -> Callable[[], BrowserContext]:
    def _new_phone() -> BrowserContext:
        context = new_context(locale=LOCALE, **PHONE)
        context.set_default_timeout(5_000)
        return context

    return _new_phone


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def exercise_agenda(
    workshop: Workshop, kind: str, title: str, settings: dict, *, minutes: int, welcome: bool
) -> list[AgendaItem]:
    """The day's agenda for one exercise, with a "Velkommen" talk before it if `welcome` (for
    tests that start the day before the exercise comes up)."""
    items = []
    if welcome:
        items.append(
            AgendaItem.objects.create(
                workshop=workshop, position=0, kind="talk", title="Velkommen", duration_minutes=10
            )
        )
    item = AgendaItem.objects.create(
        workshop=workshop,
        position=len(items),
        kind="exercise",
        title=title,
        duration_minutes=minutes,
    )
    Exercise.objects.create(agenda_item=item, kind=kind, settings=settings)
    return [*items, item]


@pytest.fixture
def watch():
    """A watch over the browser contexts a test hands it (see tests/e2e/support.py)."""
    from tests.e2e.support import Watch

    return Watch()
