"""The diamond in browsers: a phone places all nine by keyboard, the projector reveals.

Served by uvicorn like the other live tests (see test_live.py), whose fixtures this reuses.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from exercises.models import Exercise, Run
from live import day as live_day
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

# The live tests' fixtures, shared under their own names.

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
    return exercise_agenda(
        workshop,
        "diamond",
        "Verdidiamanten",
        {"prompt": "Hvilke verdier er viktigst?", "items": "\n".join(ITEMS), "minutes": 8},
        minutes=20,
        welcome=False,
    )


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
    live_day.start(workshop, by=alice)
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

    # The rest with each item's select, by arrow keys: "Not placed", row 1, row 2, ... The
    # lists are behind "Use lists instead" (one way at a time), and the board comes back after.
    toggle = phone.locator("form[data-diamond] [data-diamond-mode]")
    _tab_to(phone, toggle)
    phone.keyboard.press("Enter")
    expect(board).to_be_hidden()
    for index, item in enumerate(ITEMS):
        select = phone.locator(f"#diamond-{run.pk}-{index}")
        if select.input_value():
            continue
        _tab_to(phone, select)
        for _ in range(ROWS[item]):
            phone.keyboard.press("ArrowDown")
        expect(select).to_have_value(str(ROWS[item]))
    _tab_to(phone, toggle, back=True)
    phone.keyboard.press("Enter")
    expect(board).to_be_visible()
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
    reveal = reverse("live:act", args=[run.pk, "reveal"])
    console.locator(f"form[action='{reveal}'] button").click()
    first = presenter.locator(".room-diamond__item--1 .room-diamond__text")
    expect(first).to_have_text("Tillit", timeout=live.PUSHED_WITHIN * 2)
    expect(presenter.locator(".room-diamond__item")).to_have_count(9)
    _check(axe, presenter, found)
    expect(phone.locator(".room-diamond__item--1 .room-diamond__text")).to_have_text("Tillit")
    expect(phone.locator(".diamond-mine")).to_be_visible()  # the phone's own diamond, fetched
    _check(axe, phone, found)

    assert not found, "serious or critical axe violations:\n" + "\n".join(found)


def test_a_groups_secretary_places_and_the_group_watches_it_live(
    asgi_server, facilitator, new_phone, axe, alice, workshop
):
    AgendaItem.objects.create(
        workshop=workshop, position=0, kind="talk", title="Velkommen", duration_minutes=5
    )
    item = AgendaItem.objects.create(
        workshop=workshop,
        position=1,
        kind="exercise",
        title="Gruppenes diamant",
        duration_minutes=20,
    )
    Exercise.objects.create(
        agenda_item=item,
        kind="diamond",
        settings={
            "prompt": "Hva er viktigst for gruppen?",
            "mode": "group",
            "items": "\n".join(ITEMS),
            "grouping": "size",
            "group_size": 2,
        },
    )
    found: list[str] = []
    live_day.start(workshop, by=alice)
    names = ("Ane", "Bo", "Cato", "Dina")
    phones = {n: live._join(new_phone(), asgi_server, workshop.join_code, name=n) for n in names}
    console = live._open_console(facilitator, asgi_server, workshop)
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    live._settled(console)
    console.keyboard.press("n")  # to the diamond: the run starts, the room is grouped
    # Read the database only once the screens show the run (SQLite refuses a read of a table
    # the server is writing).
    for phone in phones.values():
        expect(phone.locator(".igp-role")).to_be_visible()
    run = Run.objects.get()
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 2]
    group = run.groups.order_by("number").first()
    secretary = group.members.get(role="secretary").attendee.display_name
    watcher = group.members.exclude(role="secretary").get().attendee.display_name
    writer, mate = phones[secretary], phones[watcher]

    expect(writer.locator("form[data-diamond]")).to_be_visible()
    expect(mate.locator("form[data-diamond]")).to_have_count(0)
    expect(mate.locator(f"#diamond-group-{run.pk}")).to_contain_text(group.name)
    _check(axe, mate, found)

    writer.locator("form[data-diamond] [data-diamond-mode]").click()  # use the lists
    for index, value in enumerate(ITEMS):
        writer.locator(f"#diamond-{run.pk}-{index}").select_option(str(ROWS[value]))
    writer.locator("form[data-diamond] button[type=submit]").click()
    # The mate's phone shows the group's diamond as soon as it is saved, without a reload.
    rows = mate.locator(f"#diamond-group-{run.pk} .diamond-mine__row")
    expect(rows.first).to_contain_text("Tillit", timeout=live.PUSHED_WITHIN * 2)
    expect(rows).to_have_count(5)
    assert run.submissions.get(key="placement").group == group
    _check(axe, writer, found)
    _check(axe, mate, found)

    expect(presenter.locator(".diamond-stage__count")).to_contain_text("1")
    live._settled(console)
    reveal = reverse("live:act", args=[run.pk, "reveal"])
    console.locator(f"form[action='{reveal}'] button").click()
    expect(presenter.locator(".diamond-groups__group")).to_have_count(
        2, timeout=live.PUSHED_WITHIN * 2
    )
    expect(presenter.locator(".room-diamond__item--1 .room-diamond__text")).to_have_text("Tillit")
    _check(axe, presenter, found)

    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
