"""axe-core finds no serious or critical accessibility problems on the planning pages.

Each page is checked in bokmål and English, since translations change text lengths, labels
and the page's lang attribute.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from workshops.models import AgendaItem, NetworkGroup, Participant, Programme, Workshop

LOCALES = {"nb-NO": "nb", "en-US": "en"}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def agenda(workshop: Workshop) -> list[AgendaItem]:
    rows = [
        ("talk", "Velkommen", 30, ""),
        ("exercise", "Tilbakemeldinger i trioer", 45, "Tre og tre, ti minutter hver."),
        ("pause", "Pause", 15, ""),
        ("plenum", "Oppsummering i plenum", 30, ""),
        ("lunch", "Lunsj", 45, ""),
    ]
    return [
        AgendaItem.objects.create(
            workshop=workshop,
            position=position,
            kind=kind,
            title=title,
            duration_minutes=minutes,
            description=description,
        )
        for position, (kind, title, minutes, description) in enumerate(rows)
    ]


@pytest.fixture
def roster(programme: Programme) -> list[Participant]:
    north = NetworkGroup.objects.create(programme=programme, name="Gruppe nord")
    south = NetworkGroup.objects.create(programme=programme, name="Gruppe sør")
    people = [
        ("Kari Nordmann", "kari@example.no", "Rektor", north),
        ("Ola Nordmann", "ola@example.no", "Enhetsleder", south),
        ("Per Hansen", "", "", None),
    ]
    return [
        Participant.objects.create(
            programme=programme, name=name, email=email, title=title, network_group=group
        )
        for name, email, title, group in people
    ]


PAGES = [
    "login",
    "programme_list",
    "programme_detail",
    "agenda_builder",
    "agenda_edit_form",
    "agenda_add_errors",
    "roster",
    "groups",
]


def _path(name: str, programme: Programme, workshop: Workshop) -> str:
    match name:
        case "login":
            return reverse("login")
        case "programme_list":
            return reverse("workshops:programme_list")
        case "programme_detail":
            return programme.get_absolute_url()
        case "roster" | "groups":
            return reverse(f"workshops:{name}", args=[programme.pk])
        case _:
            return workshop.get_absolute_url()


def _wait_for_htmx(page: Page) -> None:
    expect(page.locator("#agenda.htmx-settling, .htmx-request")).to_have_count(0)


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        lines.extend(
            f"  - {node['target']}: {node.get('failureSummary', '')}" for node in violation["nodes"]
        )
    return "\n".join(lines)


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_violations(
    page: Page, live_server, login, axe, locale, name, programme, workshop, agenda, roster
):
    if name != "login":
        login(page)
    page.goto(live_server.url + _path(name, programme, workshop))
    expect(page.locator("main h1")).to_be_visible()
    if name == "agenda_edit_form":
        item = agenda[1]
        page.locator(f"#item-{item.pk} a[href$='/agenda/{item.pk}/edit/']").click()
        expect(page.locator("form.agenda-edit")).to_be_visible()
        _wait_for_htmx(page)
    elif name == "agenda_add_errors":
        # The add form sent empty: error messages, red borders, aria-invalid fields.
        page.locator("form.agenda-add button[type=submit]").click()
        expect(page.locator("#id_title_error")).to_be_visible()
        _wait_for_htmx(page)
    expect(page.locator("html")).to_have_attribute("lang", LOCALES[locale])

    violations = axe.run(page).response["violations"]

    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name} [{locale}] {page.url}\n{_report(blocking)}"
