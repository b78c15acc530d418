"""What the browser tests of the live day share: a watch over every page that fails a test on
any console error, page error or failed answer; phones that join once and stay open; and the
facilitator's console moving the day and the exercise on.

Every phone in these tests joins through `join`, so the way a phone joins (today: the code,
then a name) is changed in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.urls import reverse
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, expect

from tests.e2e import test_live as live
from tests.e2e.conftest import AsgiServer
from workshops.identity import DEVICE_COOKIE
from workshops.models import Workshop

# A phone shows the item the facilitator moved to within this many milliseconds.
SHOWN_WITHIN = 2_000


class Watch:
    """Collects what goes wrong on the pages of the browser contexts it watches: console
    errors (htmx logs its target and swap errors there), uncaught page errors, and answers of
    400 and above. `assert_clean()` fails the test with all of them."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._tolerated: list[re.Pattern] = []
        self.labels: dict[BrowserContext, str] = {}

    def context(self, context: BrowserContext, label: str) -> BrowserContext:
        self.labels[context] = label
        context.on("console", lambda message: self._console(label, message))
        context.on("weberror", lambda error: self._add(f"{label}: page error: {error.error}"))
        context.on("response", lambda response: self._response(label, response))
        return context

    def _add(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self._tolerated):
            self.problems.append(problem)

    def _console(self, label: str, message: ConsoleMessage) -> None:
        if message.type == "error":
            self._add(f"{label}: console error: {message.text} ({message.location.get('url')})")

    def _response(self, label: str, response: Response) -> None:
        if response.status >= 400:
            request = response.request
            self._add(f"{label}: {response.status} for {request.method} {response.url}")

    @contextmanager
    def tolerating(self, *patterns: str) -> Iterator[None]:
        """Within the block, problems matching one of the patterns are expected (a stream
        cut on purpose errors before it reconnects)."""
        added = [re.compile(pattern) for pattern in patterns]
        self._tolerated.extend(added)
        try:
            yield
        finally:
            for pattern in added:
                self._tolerated.remove(pattern)

    def assert_clean(self) -> None:
        assert not self.problems, "problems in the browsers:\n" + "\n".join(self.problems)


def join(
    context: BrowserContext, server: AsgiServer, code: str, *, name: str = "", pick: str = ""
) -> Page:
    """A phone joins the day: the one way every phone in these tests joins."""
    return live._join(context, server, code, name=name, pick=pick)


def open_phones(
    new_phone: Callable[[], BrowserContext],
    server: AsgiServer,
    workshop: Workshop,
    watch: Watch,
    names: list[str],
    *,
    pick: bool = False,
) -> dict[str, Page]:
    """A watched phone per name, joined (picking the name from the roster if `pick`)."""
    phones = {}
    for name in names:
        context = watch.context(new_phone(), name)
        phones[name] = join(
            context, server, workshop.join_code, **({"pick": name} if pick else {"name": name})
        )
    return phones


def open_console(facilitator: BrowserContext, server: AsgiServer, workshop: Workshop) -> Page:
    page = live._open_console(facilitator, server, workshop)
    live._settled(page)
    return page


def open_presenter(facilitator: BrowserContext, server: AsgiServer, workshop: Workshop) -> Page:
    return live._open_presenter(facilitator, server, workshop)


def press_next(console: Page, title: str) -> None:
    """The facilitator presses "next item" and the console shows `title`."""
    live._settled(console)
    console.locator("button[data-shortcut='n']").click()
    expect(console.locator("#now-heading")).to_have_text(title)
    live._settled(console)


def showing(phones: dict[str, Page], title: str) -> None:
    """Every phone shows the item, pushed to it within SHOWN_WITHIN of the advance."""
    for page in phones.values():
        expect(page.locator(".phone-now h1")).to_have_text(title, timeout=SHOWN_WITHIN)


def act(console: Page, run_pk: int, action: str) -> None:
    """The facilitator presses one of the run's buttons on the console (next phase, reveal)."""
    live._settled(console)
    url = reverse("live:act", args=[run_pk, action])
    console.locator(f"form[action='{url}'] button").first.click()
    live._settled(console)


def next_phase(console: Page, run_pk: int, label: str) -> None:
    """The facilitator moves the exercise to its next phase; the console says which."""
    act(console, run_pk, "next_phase")
    expect(console.locator("#phase-heading")).to_contain_text(label)


def reconnect(server: AsgiServer, watch: Watch, phone: Page, *, streams: int = 1) -> None:
    """Cut the phone's open streams, as a network drop would, and wait until they are back.

    While a stream is down, the browser logs the cut stream and htmx its SSE error event (as
    "[object Event]"): expected on this phone here, nowhere else.
    """
    (device,) = [c["value"] for c in phone.context.cookies() if c["name"] == DEVICE_COOKIE]
    label = re.escape(watch.labels[phone.context])
    with watch.tolerating(rf"^{label}: console error: (\[object Event\]|.*ERR_INCOMPLETE_CHUNKED)"):
        assert server.cut_streams(device) == streams
        for _ in range(100):
            phone.wait_for_timeout(100)
            if server.open_streams(device) == streams:
                break
        else:
            raise AssertionError("the phone's streams did not come back")
        phone.wait_for_timeout(300)  # the snapshot that follows a reconnect is drawn
