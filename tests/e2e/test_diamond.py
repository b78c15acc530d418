"""The diamond in browsers: a phone places all nine by keyboard, the projector reveals.

Served by uvicorn like the other live tests (see test_live.py), whose fixtures this reuses.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from exercises.models import Exercise, Run
from tests.e2e import test_live as live
from workshops.models import AgendaItem

# The live tests' fixtures, shared under their own names.
asgi_server = live.asgi_server
workshop = live.workshop
facilitator = live.facilitator
new_phone = live.new_phone
axe = live.axe

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = ["Tillit", "Respekt", "Mot", "Ærlighet", "Raushet", "Humor", "Ansvar", "Åpenhet", "Lytte"]
# Where each item goes: Tillit on top, Lytte at the bottom.
ROWS = {
    "Tillit": 1,
    "Respekt": 2,
    "Mot": 2,
    "Ærlighet": 3,
    "Raushet": 3,
    "Humor": 3,
    "Ansvar": 4,
    "Åpenhet": 4,
    "Lytte": 5,
}


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    item = AgendaItem.objects.create(
        workshop=workshop, position=0, kind="exercise", title="Verdidiamanten", duration_minutes=20
    )
    Exercise.objects.create(
        agenda_item=item,
        kind="diamond",
        settings={"prompt": "Hvilke verdier er viktigst?", "items": "\n".join(ITEMS), "minutes": 8},
    )
    return [item]


def _is_focused(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def _tab_to(page: Page, locator: Locator, *, back: bool = False, limit: int = 80) -> None:
    """Move the keyboard focus to `locator` with Tab (or Shift+Tab), as a person would."""
    for _ in range(limit):
        if _is_focused(locator):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {locator}")


def _check(axe, page: Page, found: list[str]) -> None:
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(page, blocking))


def test_a_phone_places_the_diamond_by_keyboard_and_the_projector_reveals(
    asgi_server, facilitator, new_phone, axe, alice, workshop, agenda
):
    workshop.start_day(by=alice)
    run = Run.objects.get()
    found: list[str] = []

    phone = live._join(new_phone(), asgi_server, workshop.join_code, name="Kari")
    board = phone.locator("[data-diamond-board]")
    expect(board).to_be_visible()  # diamond.js has drawn the board
    tray = board.locator(".diamond__tray")
    expect(tray.locator(".diamond__chip")).to_have_count(9)
    _check(axe, phone, found)

    def chip(item: str) -> Locator:
        return board.locator(".diamond__chip", has_text=item)

    def target(row: int) -> Locator:
        return board.locator(f"[data-target-row='{row}']")

    # Choose an item, then its row: Enter on each.
    _tab_to(phone, chip("Tillit"))
    phone.keyboard.press("Enter")
    expect(chip("Tillit")).to_have_attribute("aria-pressed", "true")
    _tab_to(phone, target(1))
    phone.keyboard.press("Enter")
    expect(board.locator("[data-row='1'] .diamond__chip")).to_have_text(["Tillit"])
    expect(phone.locator(f"#diamond-{run.pk}-0")).to_have_value("1")

    # A full row says so and keeps the item where it was.
    _tab_to(phone, chip("Respekt"), back=True)
    phone.keyboard.press("Enter")
    _tab_to(phone, target(1))
    phone.keyboard.press("Enter")
    expect(board.locator("[data-diamond-status]")).not_to_be_empty()
    expect(tray.locator(".diamond__chip", has_text="Respekt")).to_have_count(1)
    _tab_to(phone, chip("Respekt"), back=True)
    phone.keyboard.press("Space")
    _tab_to(phone, target(2))
    phone.keyboard.press("Enter")
    expect(board.locator("[data-row='2'] .diamond__chip")).to_have_text(["Respekt"])

    # The rest with each item's select, by arrow keys: "Not placed", row 1, row 2, ...
    for index, item in enumerate(ITEMS):
        select = phone.locator(f"#diamond-{run.pk}-{index}")
        if select.input_value():
            continue
        _tab_to(phone, select)
        for _ in range(ROWS[item]):
            phone.keyboard.press("ArrowDown")
        expect(select).to_have_value(str(ROWS[item]))
    expect(tray.locator(".diamond__chip")).to_have_count(0)
    expect(board.locator("[data-row='3'] .diamond__chip")).to_have_count(3)

    save = phone.locator("form[data-diamond] button[type=submit]")
    _tab_to(phone, save)
    phone.keyboard.press("Enter")
    expect(phone.locator(f"#mine-{run.pk}-place [role=status].meta")).to_be_visible()
    expect(board).to_be_visible()  # the redrawn form is set up again
    placed = run.submissions.get(key="placement").data["rows"]
    assert placed == [
        ["Tillit"],
        ["Respekt", "Mot"],
        ["Ærlighet", "Raushet", "Humor"],
        ["Ansvar", "Åpenhet"],
        ["Lytte"],
    ]
    _check(axe, phone, found)

    # The projector counts, and shows the result only when the facilitator reveals it.
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    expect(presenter.locator(".diamond-stage__count")).to_contain_text("1")
    expect(presenter.locator(".room-diamond")).to_have_count(0)
    _check(axe, presenter, found)
    console = live._open_console(facilitator, asgi_server, workshop)
    live._settled(console)
    reveal = reverse("exercises:act", args=[run.pk, "reveal"])
    console.locator(f"form[action='{reveal}'] button").click()
    first = presenter.locator(".room-diamond__item--1 .room-diamond__text")
    expect(first).to_have_text("Tillit", timeout=live.PUSHED_WITHIN * 2)
    expect(presenter.locator(".room-diamond__item")).to_have_count(9)
    _check(axe, presenter, found)
    expect(phone.locator(".room-diamond__item--1 .room-diamond__text")).to_have_text("Tillit")
    expect(phone.locator(".diamond-mine")).to_be_visible()  # the phone's own diamond, fetched
    _check(axe, phone, found)

    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
