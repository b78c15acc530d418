"""Reuse in a browser: a facilitator makes a day from the seed's built-in template, adds an
exercise from the library in one step, copies the day, and every new page passes axe-core in
bokmål and nynorsk.

Elements are found by ids, names and addresses, not by text, so the tests read the same in
every language.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from exercises import catalogue, kinds
from library import builtin
from library.models import PlanTemplate
from workshops.models import AgendaItem, Programme, Workshop

BLOCKING = {"serious", "critical"}
LANGUAGES = {"nb-NO": "nb", "nn-NO": "nn"}


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Every error the browser's console reports. The site has no favicon yet: the browser's
    own request for one is not the page's doing."""
    errors: list[str] = []

    def seen(message) -> None:
        if message.type == "error" and "favicon.ico" not in message.location.get("url", ""):
            errors.append(f"{message.location.get('url')}: {message.text}")

    page.on("console", seen)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _settled(page: Page) -> None:
    expect(page.locator("#agenda.htmx-settling, .htmx-request")).to_have_count(0)


def _axe(axe: Axe, page: Page, language: str) -> list[str]:
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe.run(page).response["violations"]
    return [
        f"{page.url} [{language}]: {v['id']} ({v['impact']}): {v['help']} "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def test_a_day_from_the_seed_template_and_an_exercise_from_the_library(
    page: Page, live_server, login, programme: Programme, console_errors
):
    builtin.load()
    seed = PlanTemplate.objects.get(key="samling-2")
    login(page)

    # From the programme: a new day from a template.
    page.goto(live_server.url + programme.get_absolute_url())
    page.locator(f"a[href='{reverse('library:day_from_template', args=[programme.pk])}']").click()
    page.locator(f"#template-{seed.pk}").check()
    page.locator(f"#template-{seed.pk} ~ details summary").click()
    expect(page.locator(f"#template-{seed.pk} ~ details table")).to_contain_text("12:15")
    page.locator("#id_date").fill("2027-02-04")
    page.locator("#id_venue").fill("Seljord kulturhus")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    day = programme.workshops.get()
    assert page.url == live_server.url + day.get_absolute_url()
    assert (day.number, day.date, day.venue) == (1, dt.date(2027, 2, 4), "Seljord kulturhus")
    items = list(day.agenda_items.all())
    assert len(items) == len(seed.plan["agenda"])
    first, last = items[0], items[-1]
    expect(page.locator(f"#item-{first.pk} .time")).to_have_text("08:30–08:40")
    expect(page.locator(f"#item-{last.pk} .time")).to_have_text("14:55–15:00")
    lunch = day.agenda_items.get(kind="lunch")
    expect(page.locator(f"#item-{lunch.pk} .time")).to_have_text("11:30–12:15")
    # The facilitator's notes come with it, folded away under each item.
    expect(page.locator(f"#item-{first.pk} details.agenda-item__notes")).to_have_count(1)

    # The library: one click opens the word cloud's form in place, one more adds it set up.
    entry = page.locator("#library-word_cloud")
    entry.locator("a.button").click()
    form = entry.locator("form.library-form")
    expect(form).to_be_visible()
    _settled(page)
    expect(page.locator("#id_item-title")).to_be_focused()
    page.locator("#id_item-title").fill("Ett ord om dagen")
    page.locator("#id_item-duration_minutes").fill("8")
    page.locator("#id_item-facilitator_notes").fill("Les opp de tre største ordene.")
    page.locator("#id_settings-prompt").fill("Hva tar du med deg fra i dag?")
    form.locator("button[type=submit]").click()

    expect(page.locator("#agenda-status")).to_contain_text("Ett ord om dagen")
    _settled(page)
    added = AgendaItem.objects.filter(workshop=day).order_by("position").last()
    expect(page.locator(f"#item-{added.pk}")).to_be_visible()
    assert (added.title, added.kind, added.duration_minutes) == ("Ett ord om dagen", "exercise", 8)
    assert added.facilitator_notes == "Les opp de tre største ordene."
    assert added.exercise.kind == "word_cloud"
    assert added.exercise.settings["prompt"] == "Hva tar du med deg fra i dag?"
    module = kinds.get("word_cloud")
    assert catalogue.planned_minutes(module, added.exercise.settings) == 8  # it follows the item
    expect(page.locator(f"#item-{added.pk} .time")).to_have_text("15:00–15:08")
    expect(page.locator("form.library-form")).to_have_count(0)

    # And the day is copied, a week later, into the same programme.
    page.locator(f"a[href='{reverse('library:day_copy', args=[day.pk])}']").click()
    page.locator("#id_date").fill("2027-02-11")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    copy = programme.workshops.get(number=2)
    assert page.url == live_server.url + copy.get_absolute_url()
    assert copy.agenda_items.count() == len(items) + 1
    assert console_errors == []


def _new_pages(live_server, programme: Programme, workshop: Workshop, template: PlanTemplate):
    return {
        "templates": reverse("library:template_list"),
        "template": reverse("library:template_detail", args=[template.pk]),
        "day from template": reverse("library:day_from_template", args=[programme.pk]),
        "programme from template": reverse("library:programme_from_template"),
        "copy day": reverse("library:day_copy", args=[workshop.pk]),
        "copy programme": reverse("library:programme_copy", args=[programme.pk]),
        "save day": reverse("library:day_save_template", args=[workshop.pk]),
        "save programme": reverse("library:programme_save_template", args=[programme.pk]),
        "library form": workshop.get_absolute_url() + "?add=igp",
        "exercise settings": None,  # filled in below: it needs an item
    }


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_the_new_pages_pass_axe(
    page: Page, live_server, login, axe, locale, programme, workshop, console_errors
):
    builtin.load()
    template = PlanTemplate.objects.get(key="samling-2")
    item = workshop.add_item(kind="exercise", title="Verdier", duration_minutes=30)
    workshop.add_item(kind="talk", title="Velkommen", duration_minutes=15, facilitator_notes="Hei")
    pages = _new_pages(live_server, programme, workshop, template)
    pages["exercise settings"] = reverse("exercises:setup", args=[item.pk])
    language = LANGUAGES[locale]
    login(page)
    found: list[str] = []
    for path in pages.values():
        page.goto(live_server.url + path)
        found += _axe(axe, page, language)
    # Open details and a form sent with mistakes show more: check them too.
    page.goto(live_server.url + reverse("library:day_from_template", args=[programme.pk]))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    page.locator(".template-choice details summary").first.click()
    found += _axe(axe, page, language)
    page.goto(live_server.url + workshop.get_absolute_url() + "?add=diamond")
    page.locator("#id_item-title").fill("")
    page.locator("form.library-form button[type=submit]").click()
    expect(page.locator("#id_item-title_error")).to_be_visible()
    _settled(page)
    page.locator("details.agenda-item__notes summary").first.click()
    found += _axe(axe, page, language)
    assert not found, "\n".join(found)
    assert console_errors == []
