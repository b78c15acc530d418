"""The live day in browsers: a facilitator's console, the projector and phones kept in step.

The live pages push every change over Server-Sent Events. pytest-django's live server is a
threaded WSGI server that reads a streaming response to its end before sending it, so SSE
never streams through it (the pages would fall back to polling every 3 s). These tests serve
the ASGI application with uvicorn instead, in a thread of the test process: it uses the same
settings, the same test database (SQLite in memory, or PostgreSQL in CI) and the same live bus
(in-process, or Redis when REDIS_URL is set).
"""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from live import day as live_day
from tests.e2e.conftest import AsgiServer
from workshops.identity import DEVICE_COOKIE
from workshops.models import AgendaItem, Attendee, LiveEvent, Participant, Programme, Workshop

BLOCKING = {"serious", "critical"}
PROJECTOR = {"width": 1280, "height": 720}
# Every screen must show a change within this many milliseconds of the facilitator's click.
PUSHED_WITHIN = 1_000

pytestmark = pytest.mark.django_db(transaction=True)


# The day


ITEMS = [
    ("talk", "Velkommen", 30, "Hvorfor vi er her i dag."),
    ("exercise", "Tilbakemeldinger i trioer", 45, "Tre og tre, ti minutter hver."),
    ("plenum", "Oppsummering i plenum", 30, ""),
    ("lunch", "Lunsj", 45, ""),
]


@pytest.fixture
def agenda(workshop: Workshop) -> list[AgendaItem]:
    return [
        AgendaItem.objects.create(
            workshop=workshop,
            position=position,
            kind=kind,
            title=title,
            duration_minutes=minutes,
            description=description,
        )
        for position, (kind, title, minutes, description) in enumerate(ITEMS)
    ]


@pytest.fixture
def roster(programme: Programme) -> list[Participant]:
    return [
        Participant.objects.create(programme=programme, name=name)
        for name in ("Kari Nordmann", "Ola Nordmann", "Per Hansen")
    ]


def _message(text: str) -> str:
    # The pages speak bokmål (the browsers' locale is nb-NO), translated or not.
    with translation.override("nb"):
        return str(translation.gettext(text))


def _settled(page: Page) -> None:
    """Wait until htmx has swapped and wired up the console's buttons.

    A shortcut pressed before that submits the plain form and reloads the page.
    """
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)


def _open_console(context: BrowserContext, server: AsgiServer, workshop: Workshop) -> Page:
    page = context.new_page()
    page.goto(server.url + reverse("live:console", args=[workshop.pk]))
    expect(page.locator("#live-state .console")).to_be_visible()
    return page


def _open_presenter(context: BrowserContext, server: AsgiServer, workshop: Workshop) -> Page:
    page = context.new_page()
    page.set_viewport_size(PROJECTOR)
    page.goto(server.url + reverse("live:presenter", args=[workshop.pk]))
    expect(page.locator("#stage .stage__title")).to_be_visible()
    return page


def _enter_code(context: BrowserContext, server: AsgiServer, code: str) -> Page:
    page = context.new_page()
    page.goto(server.url + reverse("live:join"))
    # Typed in lower case, as people do on a phone: the code is not case-sensitive.
    page.locator("#id_code").fill(code.lower())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(server.url + reverse("live:join_day", args=[code]))
    return page


def _give_name(page: Page, server: AsgiServer, code: str, *, pick: str = "", name: str = ""):
    if pick:
        with page.expect_navigation():
            page.locator(".name-list").get_by_role("button", name=pick, exact=True).click()
    else:
        page.locator(".not-on-list summary").click()
        page.locator("#id_display_name").fill(name)
        with page.expect_navigation():
            page.locator(".not-on-list button[type=submit]").click()
    expect(page).to_have_url(server.url + reverse("live:phone", args=[code]))
    expect(page.locator(".phone__who")).to_contain_text(pick or name)


def _join(
    context: BrowserContext, server: AsgiServer, code: str, *, pick: str = "", name: str = ""
) -> Page:
    """Join as a phone does: type the code, then pick a roster name or type one."""
    page = _enter_code(context, server, code)
    _give_name(page, server, code, pick=pick, name=name)
    return page


def _prove(page: Page, server: AsgiServer, code: str, personal_code: str) -> None:
    """The phone that picked a name shows it is the person, with their personal code, as on
    the phone page's "Show that it is you"; it lands on the day's page again."""
    page.goto(server.url + reverse("live:phone_prove", args=[code]))
    page.locator("#id_code").fill(personal_code)
    with page.expect_navigation():
        page.get_by_role("button", name=_message("Continue")).click()
    expect(page).to_have_url(server.url + reverse("live:phone", args=[code]))


def _watch_polls(page: Page) -> list[str]:
    """Collect the page's htmx GETs: on a live page those are the fallback polls."""
    polls: list[str] = []
    page.on(
        "request",
        lambda request: (
            polls.append(request.url)
            if request.method == "GET" and request.headers.get("hx-request")
            else None
        ),
    )
    return polls


def _seconds(text: str) -> int:
    match = re.fullmatch(r"(−?)(\d+):(\d\d)", text.strip())
    assert match, f"not a countdown: {text!r}"
    sign, minutes, seconds = match.groups()
    return (-1 if sign else 1) * (int(minutes) * 60 + int(seconds))


COUNTDOWN = re.compile(r"^\d+:\d\d$")


def _remaining(page: Page) -> int:
    face = page.locator(".countdown__time")
    expect(face).to_have_text(COUNTDOWN)  # live.js has formatted the server's seconds
    return _seconds(face.inner_text())


def _report(page: Page, violations: list[dict]) -> str:
    lines = [f"{page.url}:"]
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    - {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


# The tests


def test_console_drives_the_projector_and_the_phones(
    asgi_server, facilitator, new_phone, alice, workshop, agenda, roster
):
    console = _open_console(facilitator, asgi_server, workshop)
    console.locator(".console__start button").click()
    code_shown = console.locator(".join-code")
    expect(code_shown).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    code = code_shown.inner_text()
    expect(console.locator("#now-heading")).to_have_text(agenda[0].title)

    presenter = _open_presenter(facilitator, asgi_server, workshop)
    expect(presenter.locator(".stage__title")).to_have_text(agenda[0].title)
    expect(presenter.locator(".join-panel .join-code")).to_have_text(code)

    phones = [
        _join(new_phone(), asgi_server, code, pick="Kari Nordmann"),
        _join(new_phone(), asgi_server, code, pick="Per Hansen"),
        _join(new_phone(), asgi_server, code, name="Gjest fra Bø"),
    ]
    polls = {page: _watch_polls(page) for page in [presenter, *phones]}
    for phone in phones:
        expect(phone.locator(".phone-now h1")).to_have_text(agenda[0].title)

    # The count of phones is announced at most every 0.5 s, to the projector and the console.
    expect(presenter.locator("[data-connected]")).to_have_text("3")
    expect(console.locator("[data-connected]")).to_have_text("3")

    # Next item with the keyboard shortcut N: every screen follows within a second.
    _settled(console)
    console.keyboard.press("n")
    for phone in phones:
        expect(phone.locator(".phone-now h1")).to_have_text(agenda[1].title, timeout=PUSHED_WITHIN)
    expect(presenter.locator(".stage__title")).to_have_text(agenda[1].title, timeout=PUSHED_WITHIN)
    expect(console.locator("#now-heading")).to_have_text(agenda[1].title)
    expect(console.locator("tr[aria-current=step] th")).to_have_text(agenda[1].title)

    # A phone loses its network (a tunnel, a lift) while the day moves on.
    offline = phones[2]
    offline.context.set_offline(True)
    (device,) = [c["value"] for c in offline.context.cookies() if c["name"] == DEVICE_COOKIE]
    assert asgi_server.cut_streams(device) == 1
    expect(presenter.locator("[data-connected]")).to_have_text("2")
    _settled(console)
    console.locator("button[data-shortcut='n']").click()
    for phone in phones[:2]:
        expect(phone.locator(".phone-now h1")).to_have_text(agenda[2].title, timeout=PUSHED_WITHIN)
    expect(presenter.locator(".stage__title")).to_have_text(agenda[2].title, timeout=PUSHED_WITHIN)
    expect(offline.locator(".phone-now h1")).to_have_text(agenda[1].title)

    # Back online, its stream reconnects and it catches up with where the day is now.
    offline.context.set_offline(False)
    expect(offline.locator(".phone-now h1")).to_have_text(agenda[2].title, timeout=10_000)
    expect(presenter.locator("[data-connected]")).to_have_text("3")
    expect(console.locator("[data-connected]")).to_have_text("3")

    # Everything came over the streams: the screens that stayed online never had to poll.
    assert [polls[page] for page in [presenter, *phones[:2]]] == [[], [], []]

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.LIVE
    assert workshop.join_code == code
    assert workshop.version == 3
    assert workshop.current_item == agenda[2]
    attendees = Attendee.objects.filter(workshop=workshop)
    assert sorted(attendees.values_list("display_name", flat=True)) == [
        "Gjest fra Bø",
        "Kari Nordmann",
        "Per Hansen",
    ]
    assert attendees.filter(participant__isnull=False).count() == 2
    events = LiveEvent.objects.filter(workshop=workshop).order_by("version")
    assert [(e.version, e.action, e.actor, e.from_item, e.to_item) for e in events] == [
        (1, LiveEvent.Action.START, alice, None, agenda[0]),
        (2, LiveEvent.Action.NEXT, alice, agenda[0], agenda[1]),
        (3, LiveEvent.Action.NEXT, alice, agenda[1], agenda[2]),
    ]


def test_live_pages_have_no_serious_accessibility_violations(
    asgi_server, facilitator, new_phone, axe, workshop, agenda, roster
):
    found: list[str] = []

    def check(page: Page) -> None:
        expect(page.locator("html")).to_have_attribute("lang", "nb")
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found.append(_report(page, blocking))

    console = _open_console(facilitator, asgi_server, workshop)
    check(console)  # before the start: one big button
    console.locator(".console__start button").click()
    expect(console.locator(".join-code")).to_be_visible()
    _settled(console)
    check(console)
    code = console.locator(".join-code").inner_text()

    presenter = _open_presenter(facilitator, asgi_server, workshop)
    expect(presenter.locator(".stage__title")).to_have_text(agenda[0].title)
    check(presenter)

    phone = new_phone().new_page()
    phone.goto(asgi_server.url + reverse("live:join"))
    expect(phone.locator("#id_code")).to_be_visible()
    check(phone)
    phone.close()

    page = _enter_code(new_phone(), asgi_server, code)
    check(page)
    _give_name(page, asgi_server, code, pick="Ola Nordmann")
    expect(page.locator(".phone-now h1")).to_have_text(agenda[0].title)
    expect(page.locator(".countdown__time")).to_have_text(COUNTDOWN)
    check(page)

    assert not found, "serious or critical axe violations:\n" + "\n".join(found)


def test_timer_controls_reach_the_projector_and_the_phones(
    asgi_server, facilitator, new_phone, alice, workshop, agenda, roster
):
    live_day.start(workshop, by=alice)
    console = _open_console(facilitator, asgi_server, workshop)
    presenter = _open_presenter(facilitator, asgi_server, workshop)
    phone = _join(new_phone(), asgi_server, workshop.join_code, name="Gjest")
    expect(presenter.locator("[data-connected]")).to_have_text("1")
    screens = [presenter, phone]
    paused = re.compile(r"\bcountdown--paused\b")

    for screen in screens:
        expect(screen.locator(".countdown")).not_to_have_class(paused)
        assert 29 * 60 < _remaining(screen) <= 30 * 60

    # Pause: the projector and the phone say so, and their countdowns stop.
    _settled(console)
    console.locator("button[data-shortcut=space]").click()
    for screen in screens:
        expect(screen.locator(".countdown")).to_have_class(paused, timeout=PUSHED_WITHIN)
        expect(screen.locator(".countdown__state")).to_have_text(_message("Paused"))
    expect(console.locator("button[data-shortcut=space]")).to_have_text(_message("Resume"))
    stopped = [_remaining(screen) for screen in screens]
    time.sleep(1.2)
    assert [_remaining(screen) for screen in screens] == stopped

    # Resume, with the Space shortcut.
    _settled(console)
    console.keyboard.press(" ")
    for screen in screens:
        expect(screen.locator(".countdown")).not_to_have_class(paused, timeout=PUSHED_WITHIN)
        expect(screen.locator(".countdown__state")).to_have_text("")
    expect(console.locator("button[data-shortcut=space]")).to_have_text(_message("Pause"))

    # +1 min: every screen shows about a minute more than before.
    before = [_remaining(screen) for screen in screens]
    _settled(console)
    plus = reverse("live:console_action", args=[workshop.pk, "timer_plus"])
    console.locator(f"form[action='{plus}'] button").click()
    for screen, shown in zip(screens, before, strict=True):
        screen.wait_for_function(
            """([at_least]) => {
                const face = document.querySelector(".countdown__time");
                const m = face && /^(\\d+):(\\d\\d)$/.exec(face.textContent.trim());
                return m && Number(m[1]) * 60 + Number(m[2]) >= at_least;
            }""",
            arg=[shown + 50],
            timeout=PUSHED_WITHIN,
        )
        assert 55 <= _remaining(screen) - shown <= 61

    workshop.refresh_from_db()
    assert workshop.version == 4
    assert workshop.timer.running
    events = LiveEvent.objects.filter(workshop=workshop).order_by("version")
    assert [(e.action, e.actor, e.seconds) for e in events] == [
        (LiveEvent.Action.START, alice, None),
        (LiveEvent.Action.TIMER_PAUSE, alice, None),
        (LiveEvent.Action.TIMER_RESUME, alice, None),
        (LiveEvent.Action.TIMER_EXTEND, alice, 60),
    ]


@pytest.mark.parametrize("size", [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}])
def test_presenter_fits_the_projector_and_shows_the_code_once_the_day_starts(
    asgi_server: AsgiServer, facilitator: BrowserContext, workshop: Workshop, agenda, size
) -> None:
    """Opened before the start, the projector picks up the join code by itself, and a long
    prompt still fits the screen without scrolling."""
    agenda[0].description = (
        "Tenk på en leder du har hatt som fikk fram det beste i deg. Hva gjorde vedkommende, "
        "og hvordan påvirket det deg? Noter eksempler, og del dem i nettverksgruppen etterpå."
    )
    agenda[0].save()
    presenter = facilitator.new_page()
    presenter.set_viewport_size(size)
    presenter.goto(asgi_server.url + reverse("live:presenter", args=[workshop.pk]))
    expect(presenter.locator(".join-panel")).to_have_count(0)
    console = _open_console(facilitator, asgi_server, workshop)
    console.locator(".console__start button").click()
    expect(console.locator(".join-code")).to_be_visible()  # the start is saved
    workshop.refresh_from_db()
    expect(presenter.locator(".join-code")).to_have_text(workshop.join_code)
    expect(presenter.locator(".join-panel svg")).to_be_visible()
    expect(presenter.locator(".stage__title")).to_have_text(agenda[0].title)
    fits = presenter.evaluate(
        "() => document.documentElement.scrollHeight <= window.innerHeight"
        " && document.documentElement.scrollWidth <= window.innerWidth"
        " && [...document.querySelectorAll('#stage *')].every(el => {"
        "   const r = el.getBoundingClientRect();"
        "   return r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth + 1; })"
    )
    assert fits, f"the presenter view does not fit {size['width']}×{size['height']}"


def test_the_console_runs_by_keyboard_and_focus_stays_on_the_control_used(
    asgi_server, facilitator, new_phone, watch, workshop, agenda, roster
):
    """A facilitator who runs the day from the keyboard presses Enter on a control, the console
    redraws (twice: the answer and the push cross), and the next Enter presses the same control
    again, never 11 Tabs from the top of the page."""
    watch.context(facilitator, "facilitator")
    console = _open_console(facilitator, asgi_server, workshop)
    # Each press redraws the console twice: with the answer, and with the push every console
    # gets. The next press waits for both, as a person's next look at the screen would, so
    # that it lands on the button that stays.
    console.evaluate(
        """() => { window.redraws = 0; document.addEventListener("htmx:afterSettle",
        (e) => { if (e.target.id === "live-state") window.redraws += 1; }); }"""
    )

    def press_enter():
        _settled(console)
        before = console.evaluate("() => window.redraws")
        console.keyboard.press("Enter")
        console.wait_for_function(f"() => window.redraws >= {before + 2}")

    def enter(button):
        _settled(console)
        button.focus()
        press_enter()

    advance = console.locator("button[data-focus-key=advance]")
    enter(advance)
    expect(console.locator("#now-heading")).to_have_text(agenda[0].title)
    expect(advance).to_be_focused()
    expect(advance).to_have_text(re.compile(_message("Next item")))

    # Phones open on the first item; they are what the console's pushed redraws are for.
    workshop.refresh_from_db()
    phones = {
        name: _join(watch.context(new_phone(), name), asgi_server, workshop.join_code, pick=name)
        for name in ("Kari Nordmann", "Per Hansen")
    }
    for phone in phones.values():
        expect(phone.locator(".phone-now h1")).to_have_text(agenda[0].title)

    for item in agenda[1:3]:
        press_enter()  # still on "Next item"
        expect(console.locator("#now-heading")).to_have_text(item.title)
        for phone in phones.values():
            expect(phone.locator(".phone-now h1")).to_have_text(item.title)
        expect(advance).to_be_focused()

    timer = console.locator("button[data-focus-key=timer]")
    enter(timer)
    expect(timer).to_have_text(_message("Resume"))
    expect(timer).to_be_focused()
    press_enter()
    expect(timer).to_have_text(_message("Pause"))
    expect(timer).to_be_focused()

    previous = console.locator("button[data-focus-key=previous]")
    enter(previous)
    expect(console.locator("#now-heading")).to_have_text(agenda[1].title)
    expect(previous).to_be_focused()
    press_enter()
    expect(console.locator("#now-heading")).to_have_text(agenda[0].title)
    # "Previous" is disabled on the first item: focus moves to "Next item" beside it.
    expect(previous).to_be_disabled()
    expect(advance).to_be_focused()

    workshop.refresh_from_db()
    assert workshop.current_item == agenda[0]
    events = LiveEvent.objects.filter(workshop=workshop).order_by("version")
    actions = list(events.values_list("action", flat=True))
    assert actions == [
        LiveEvent.Action.START,
        LiveEvent.Action.NEXT,
        LiveEvent.Action.NEXT,
        LiveEvent.Action.TIMER_PAUSE,
        LiveEvent.Action.TIMER_RESUME,
        LiveEvent.Action.PREVIOUS,
        LiveEvent.Action.PREVIOUS,
    ]
    watch.assert_clean()
