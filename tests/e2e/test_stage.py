"""The projector is a stage and the phone is the participant's, for every kind in every phase.

A day with every kind is moved on through the services (tests/e2e/stage_day.py). At each
moment the presenter is looked at as a projector shows it, at 1920×1080 and 1280×720: nothing
may stick out of the window or be cut off inside it (a projector cannot scroll), and the
results are at least 32 px at 1080p. The phone, at 390×844, may have no tap target under
44 px. Any console error on any page fails the test.

With SCREENS=<folder> the test also saves a small PNG of each screen at the moments in
SHOWCASE (every moment with SCREENS_ALL=1): docs/screens/ is made this way, see its README.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from live import day as live_day
from tests.e2e import stage_day, support
from tests.e2e.conftest import LOCALE, PASSWORD
from tests.e2e.test_live import BLOCKING, _report

# The day is moved on from the test's thread while the browsers read it: on SQLite's shared
# in-memory database a read can meet a table locked by that write, so it takes PostgreSQL.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

SIZES = {"1080p": {"width": 1920, "height": 1080}, "720p": {"width": 1280, "height": 720}}
PHONE_SIZE = {"width": 390, "height": 844}
CONSOLE_SIZE = {"width": 1366, "height": 768}
SCREENS = os.environ.get("SCREENS", "")
# The moments docs/screens/ shows: every kind at least once, at its fullest.
SHOWCASE = {
    "welcome",
    "checkin",
    "word_cloud-revealed",
    "pause",
    "igp-group",
    "igp-plenary",
    "round_robin-rank",
    "diamond-placing",
    "diamond-revealed",
    "gallery-visit-1",
    "triads-practise-1",
    "duo-talk",
    "reflection",
    "survey-revealed",
    "proposals-reveal",
    "ended",
}


def _saving(slug: str) -> bool:
    return bool(SCREENS) and (slug in SHOWCASE or os.environ.get("SCREENS_ALL") == "1")


SMALLEST_RESULT_PX = 32
SMALLEST_TARGET_PX = 44

# Every visible element inside the window, and none with its content cut off (overflow that
# hides what it holds). The pager hides the pages not on show with [hidden]: they don't count.
OUTSIDE = """() => {
  const W = window.innerWidth, H = window.innerHeight, found = [];
  const root = document.scrollingElement;
  if (root.scrollHeight > H + 1 || root.scrollWidth > W + 1) {
    found.push(`the page scrolls: ${root.scrollWidth}×${root.scrollHeight}`);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".visually-hidden, [hidden], [aria-hidden='true'] defs")) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < -1 || box.top < -1 || box.right > W + 1 || box.bottom > H + 1) {
      const at = [box.left, box.top, box.right, box.bottom].map(Math.round).join(",");
      found.push(`${name(el)} at ${at}: "${el.textContent.trim().slice(0, 40)}"`);
    }
    const clipping = ["hidden", "clip"];
    const clips = clipping.includes(style.overflowY) || clipping.includes(style.overflowX);
    if (clips && (el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2)) {
      found.push(`${name(el)} cuts off its content (${el.scrollWidth}×${el.scrollHeight} in ` +
        `${el.clientWidth}×${el.clientHeight}): "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  return found;
}"""

# The results' type as drawn: an SVG's text is scaled with the drawing.
RESULT_SIZES = """() => Array.from(document.querySelectorAll("[data-result]"))
  .filter((el) => !el.closest("[hidden], .visually-hidden") && el.getClientRects().length)
  .map((el) => {
    const svg = el.ownerSVGElement;
    const scale = svg ? svg.getScreenCTM().a : 1;
    return [el.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(el).fontSize) * scale];
  })"""

# Whatever a thumb taps: its box, or for a check box or radio button, its label's.
SMALL_TARGETS = """(smallest) => {
  const found = [];
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
    "[role=button]";
  for (const el of document.querySelectorAll(targets)) {
    if (el.closest(".visually-hidden, [hidden]") || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    let box = el.getBoundingClientRect();
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      const label = el.closest("label") ||
        (el.id && document.querySelector(`label[for='${el.id}']`));
      if (label) box = label.getBoundingClientRect();
    }
    if (el.matches(".scale__input")) continue;  // drawn by its label, measured there
    if (box.height < smallest - 0.5 || box.width < smallest - 0.5) {
      const text = (el.textContent || el.value || el.name).trim().slice(0, 30);
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      found.push(`${el.tagName.toLowerCase()} "${text}" ${size}`);
    }
  }
  return found;
}"""


def _save(page: Page, path: Path) -> None:
    """A screenshot, quantised to a small PNG (a palette of 64 colours is plenty for flat UI)."""
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot()))
    image = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def _presenter_problems(page: Page, slug: str) -> list[str]:
    problems = []
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(150)  # the pager measures again after a resize
        problems += [f"{slug} at {size_name}: {p}" for p in page.evaluate(OUTSIDE)]
        if size_name == "1080p":
            problems += [
                f"{slug} at 1080p: result “{text}” is {px:.1f} px"
                for text, px in page.evaluate(RESULT_SIZES)
                if px < SMALLEST_RESULT_PX
            ]
        if _saving(slug):
            _save(page, Path(SCREENS) / f"presenter-{size_name}-{slug}.png")
    return problems


def test_every_kind_in_every_phase_fits_the_projector_and_the_phone(
    asgi_server, facilitator, new_context, watch, alice, workshop
):
    people = stage_day.plan(workshop)
    live_day.start(workshop, by=alice)
    workshop.refresh_from_db()
    watch.context(facilitator, "presenter")
    phone_context = watch.context(
        new_context(
            locale=LOCALE,
            viewport=PHONE_SIZE,
            is_mobile=True,
            has_touch=True,
            reduced_motion="reduce",
        ),
        "phone",
    )
    phone = support.join(
        phone_context, asgi_server, workshop.join_code, pick=stage_day.PHONE_PERSON
    )
    room = stage_day.Room(workshop, stage_day.join_room(workshop, people), alice)
    presenter = facilitator.new_page()
    presenter.emulate_media(reduced_motion="reduce")
    url = asgi_server.url + reverse("live:presenter", args=[workshop.pk])
    # The facilitator's laptop, for the screenshots only: the console has tests of its own.
    console = facilitator.new_page() if SCREENS else None
    if console:
        console.set_viewport_size(CONSOLE_SIZE)
    console_url = asgi_server.url + reverse("live:console", args=[workshop.pk])
    problems: list[str] = []
    seen = []
    for stop in stage_day.stops(workshop, room):
        seen.append(stop.slug)
        workshop.refresh_from_db()
        presenter.goto(url)
        expect(presenter.locator("#stage .stage")).to_be_visible()
        problems += _presenter_problems(presenter, stop.slug)
        expect(phone.locator(".phone-now")).to_have_attribute(
            "data-version", str(workshop.version), timeout=support.SHOWN_WITHIN
        )
        phone.wait_for_timeout(300)  # a run's own change follows the day's
        problems += [
            f"{stop.slug} on the phone: {p}"
            for p in phone.evaluate(SMALL_TARGETS, SMALLEST_TARGET_PX)
        ]
        if _saving(stop.slug):
            _save(phone, Path(SCREENS) / f"phone-{stop.slug}.png")
            console.goto(console_url)
            expect(console.locator("#live-state .console")).to_be_visible()
            console.wait_for_timeout(300)
            _save(console, Path(SCREENS) / f"console-{stop.slug}.png")
    assert "survey-revealed" in seen and "ended" in seen
    assert not problems, "\n".join(problems)
    watch.assert_clean()


# Where axe-core looks: the join screen, a result of each shape, the groups' ticks, the phone
# with its own header at work.
AXE_AT = {
    "welcome",
    "word_cloud-revealed",
    "igp-group",
    "round_robin-rank",
    "diamond-placing",
    "diamond-revealed",
    "gallery-visit-1",
    "survey-revealed",
    "proposals-reveal",
}


@pytest.mark.parametrize(("locale", "language"), [("nb-NO", "nb"), ("nn-NO", "nn")])
def test_the_stage_and_the_phone_have_no_serious_violations(
    asgi_server, new_context, axe, watch, alice, workshop, locale, language
):
    people = stage_day.plan(workshop)
    live_day.start(workshop, by=alice)
    workshop.refresh_from_db()
    desk = watch.context(new_context(locale=locale, viewport=SIZES["1080p"]), "presenter")
    login = desk.new_page()
    login.goto(asgi_server.url + reverse("login"))
    login.locator("#id_username").fill("alice")
    login.locator("#id_password").fill(PASSWORD)
    with login.expect_navigation():
        login.locator("main form button[type=submit]").click()
    phone_context = watch.context(
        new_context(locale=locale, viewport=PHONE_SIZE, is_mobile=True, has_touch=True), "phone"
    )
    phone = support.join(
        phone_context, asgi_server, workshop.join_code, pick=stage_day.PHONE_PERSON
    )
    room = stage_day.Room(workshop, stage_day.join_room(workshop, people), alice)
    url = asgi_server.url + reverse("live:presenter", args=[workshop.pk])
    found: list[str] = []
    for stop in stage_day.stops(workshop, room):
        if stop.slug not in AXE_AT:
            continue
        workshop.refresh_from_db()
        login.goto(url)
        expect(login.locator("html")).to_have_attribute("lang", language)
        expect(login.locator("#stage .stage")).to_be_visible()
        expect(phone.locator(".phone-now")).to_have_attribute(
            "data-version", str(workshop.version), timeout=support.SHOWN_WITHIN
        )
        phone.wait_for_timeout(300)
        for page in (login, phone):
            violations = axe.run(page).response["violations"]
            blocking = [v for v in violations if v["impact"] in BLOCKING]
            if blocking:
                found.append(f"{stop.slug}: {_report(page, blocking)}")
    assert not found, "\n".join(found)
    watch.assert_clean()
