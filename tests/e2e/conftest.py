"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

They use Debian's Chromium, not a browser downloaded by Playwright. Without one the tests are
skipped locally, but fail in CI (CI=true), where a silently skipped suite would prove nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page

from workshops.models import Membership, Organisation, Programme, Workshop

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
def workshop(programme) -> Workshop:
    return Workshop.objects.create(
        programme=programme,
        number=1,
        date=dt.date(2026, 11, 26),
        start_time=dt.time(8, 30),
        end_time=dt.time(12, 0),
        venue="Seljord kulturhus",
        theme="Relasjonsorientert lederadferd",
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
