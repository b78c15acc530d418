"""The agenda builder in a browser: adding items, computed times, reordering by keyboard.

Elements are found by ids and form field names, not by button text, so the tests read the
same whichever language the UI speaks. Expected messages go through gettext for that reason.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from workshops.models import AgendaItem, Workshop


def _open_day(page: Page, live_server, workshop: Workshop) -> None:
    page.goto(live_server.url + workshop.get_absolute_url())
    expect(page.locator("#agenda")).to_be_visible()


def _add_item(page: Page, kind: str, title: str, duration: str) -> None:
    form = page.locator("form.agenda-add")
    form.locator("#id_kind").select_option(kind)
    form.locator("#id_title").fill(title)
    form.locator("#id_duration_minutes").fill(duration)
    form.locator("button[type=submit]").click()


def _settled(page: Page) -> None:
    """Wait until htmx has finished with the redrawn #agenda.

    htmx wires up the new buttons and forms only when it settles, a few milliseconds after
    the swap; a key pressed before that submits the plain form and reloads the page.
    """
    expect(page.locator("#agenda.htmx-settling, .htmx-request")).to_have_count(0)


def _times(page: Page, item: AgendaItem):
    return page.locator(f"#item-{item.pk} .time")


def _ordered_titles(workshop: Workshop) -> list[str]:
    items = AgendaItem.objects.filter(workshop=workshop).order_by("position")
    return list(items.values_list("title", flat=True))


def _message(text: str) -> str:
    # The page speaks Norwegian bokmål (the browser's locale is nb-NO), translated or not.
    with translation.override("nb"):
        return str(translation.gettext(text))


def test_build_agenda_and_reorder_by_keyboard(page: Page, live_server, login, workshop):
    login(page)
    _open_day(page, live_server, workshop)

    rows = [
        ("talk", "Velkommen", "30"),
        ("exercise", "Tilbakemeldinger i trioer", "45"),
        ("pause", "Kaffe", "15"),
    ]
    for count, (kind, title, duration) in enumerate(rows, start=1):
        _add_item(page, kind, title, duration)
        expect(page.locator("#agenda .agenda-item")).to_have_count(count)
        expect(page.locator("#agenda-status")).to_contain_text(title)
        _settled(page)

    welcome, feedback, coffee = AgendaItem.objects.filter(workshop=workshop).order_by("position")
    assert [(i.kind, i.title, i.duration_minutes) for i in (welcome, feedback, coffee)] == [
        ("talk", "Velkommen", 30),
        ("exercise", "Tilbakemeldinger i trioer", 45),
        ("pause", "Kaffe", 15),
    ]
    expect(_times(page, welcome)).to_have_text("08:30–09:00")
    expect(_times(page, feedback)).to_have_text("09:00–09:45")
    expect(_times(page, coffee)).to_have_text("09:45–10:00")
    # From the start, to where the agenda ends, then the planned end.
    expect(page.locator(".day-summary")).to_contain_text(
        re.compile(r"08:30.*10:00.*12:00", re.DOTALL)
    )
    # After each add the title field has focus again, ready for the next item.
    expect(page.locator("#id_title")).to_be_focused()
    expect(page.locator("#id_title")).to_have_value("")

    # Move the break up with the keyboard alone: focus its ↑ button and press Enter.
    page.locator(f"#move-up-{coffee.pk}").focus()
    page.keyboard.press("Enter")
    expect(_times(page, coffee)).to_have_text("09:00–09:15")
    expect(_times(page, feedback)).to_have_text("09:15–10:00")
    _settled(page)
    assert _ordered_titles(workshop) == ["Velkommen", "Kaffe", "Tilbakemeldinger i trioer"]
    # The fragment was redrawn, and focus came back to the same button on the moved item,
    # so pressing Enter again moves it again.
    expect(page.locator(f"#move-up-{coffee.pk}")).to_be_focused()

    page.keyboard.press("Enter")
    expect(_times(page, coffee)).to_have_text("08:30–08:45")
    expect(_times(page, welcome)).to_have_text("08:45–09:15")
    expect(_times(page, feedback)).to_have_text("09:15–10:00")
    _settled(page)
    expect(page.locator("#agenda .agenda-item .agenda-item__title")).to_have_text(
        ["Kaffe", "Velkommen", "Tilbakemeldinger i trioer"]
    )
    assert _ordered_titles(workshop) == ["Kaffe", "Velkommen", "Tilbakemeldinger i trioer"]
    # At the top ↑ is disabled, so focus lands on the item's ↓ instead of being lost.
    expect(page.locator(f"#move-up-{coffee.pk}")).to_be_disabled()
    expect(page.locator(f"#move-down-{coffee.pk}")).to_be_focused()

    # And back down with the keyboard.
    page.keyboard.press("Enter")
    expect(_times(page, coffee)).to_have_text("09:00–09:15")
    _settled(page)
    expect(page.locator(f"#move-down-{coffee.pk}")).to_be_focused()
    assert _ordered_titles(workshop) == ["Velkommen", "Kaffe", "Tilbakemeldinger i trioer"]
    # The day still ends at 10:00: moving items changes their times, not the total.
    expect(page.locator(".day-summary")).to_contain_text(
        re.compile(r"08:30.*10:00.*12:00", re.DOTALL)
    )


@pytest.mark.parametrize(
    ("duration", "error"),
    [
        ("", "Give the item a duration in minutes."),
        ("0", "An item must last at least one minute."),
    ],
    ids=["empty", "zero"],
)
def test_item_without_duration_shows_error_and_saves_nothing(
    page: Page, live_server, login, workshop, duration, error
):
    login(page)
    _open_day(page, live_server, workshop)

    _add_item(page, "talk", "Refleksjon", duration)
    expect(page.locator("#id_duration_minutes_error")).to_be_visible()
    _settled(page)

    duration_field = page.locator("#id_duration_minutes")
    expect(page.locator("#id_duration_minutes_error")).to_have_text(_message(error))
    expect(duration_field).to_have_attribute("aria-invalid", "true")
    expect(duration_field).to_be_focused()
    expect(duration_field).to_have_attribute("min", "1")
    # What the person typed is kept, so fixing the duration is all that is left to do.
    expect(page.locator("#id_title")).to_have_value("Refleksjon")
    expect(page.locator("#agenda .agenda-item")).to_have_count(0)
    assert not AgendaItem.objects.filter(workshop=workshop).exists()
