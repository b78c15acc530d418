"""axe-core on what the kinds' new choices draw, in bokmål and nynorsk: a reflection of several
questions, a diamond of nine of twelve (the board, the revealed result with what was left out,
the console's table), a duo that says who talks first, rekkeframlegg's ranking in a person's
own part, and a survey's written answers on the projector."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from exercises.models import Exercise, Run
from live import day as live_day
from tests.e2e import support
from tests.e2e.conftest import PASSWORD, PHONE
from tests.e2e.test_live import BLOCKING, PROJECTOR, _report
from tests.e2e.test_open_phones import DIAMOND_ITEMS, DIAMOND_ROWS
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
ITEMS = [
    ("round_robin", "Rekkeframlegg", {"keep": 2}),
    ("reflection", "Refleksjon", {"prompt": "Hva gjorde lederen?\nHva tar du med deg?"}),
    ("duo", "Duo", {"prompt": "Hva nå?", "minutes": 6, "switch_minutes": 2}),
    ("diamond", "Diamant", {"prompt": "Viktigst?", "items": "\n".join(DIAMOND_ITEMS)}),
    (
        "survey",
        "Spørsmål",
        {
            "template": "blank",
            "loaded": "blank",
            "statements": "",
            "questions": "Hva tar du med deg?",
            "min_answers": 3,
        },
    ),
]


def _check(axe, page: Page, language: str, found: list[str]) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        found.append(_report(page, blocking))


@pytest.mark.parametrize(("locale", "language"), [("nb-NO", "nb"), ("nn-NO", "nn")])
def test_the_kinds_new_parts_have_no_serious_violations(
    asgi_server, new_context, axe, alice, workshop, programme, watch, locale, language
):
    group = programme.groups.create(name="Nettverk 1")
    for name in NAMES:
        programme.participants.create(name=name, network_group=group)
    AgendaItem.objects.create(
        workshop=workshop, position=0, kind="talk", title="Velkommen", duration_minutes=5
    )
    for position, (kind, title, settings) in enumerate(ITEMS, start=1):
        item = AgendaItem.objects.create(
            workshop=workshop, position=position, kind="exercise", title=title, duration_minutes=10
        )
        Exercise.objects.create(agenda_item=item, kind=kind, settings=settings)
    live_day.start(workshop, by=alice)
    desk = watch.context(
        new_context(locale=locale, viewport={"width": 1366, "height": 768}), "desk"
    )
    login = desk.new_page()
    login.goto(asgi_server.url + reverse("login"))
    login.locator("#id_username").fill("alice")
    login.locator("#id_password").fill(PASSWORD)
    with login.expect_navigation():
        login.locator("main form button[type=submit]").click()
    console = support.open_console(desk, asgi_server, workshop)
    presenter = support.open_presenter(desk, asgi_server, workshop)
    presenter.set_viewport_size(PROJECTOR)
    phones = {}
    for name in NAMES:
        context = watch.context(new_context(locale=locale, **PHONE), name)
        phones[name] = support.join(context, asgi_server, workshop.join_code, pick=name)
    phone = phones[NAMES[0]]
    found: list[str] = []

    # Rekkeframlegg: a round of points, then on to the ranking, where each person's own form is.
    # (Everything is sent from the phones: a write from the test's own thread would lock
    # SQLite's shared in-memory tables under the server's reads.)
    support.press_next(console, "Rekkeframlegg")
    run = Run.objects.get(exercise__kind="round_robin")
    group = f"#rr-group-{run.pk}"
    for number in range(3):
        expect(phone.locator(f"{group} .rr-turn")).to_be_visible()
        whose = next(n for n in NAMES if n in phone.locator(f"{group} .is-turn").inner_text())
        phones[whose].locator(f"{group} .rr-point").fill(f"Punkt fra {whose}")
        phones[whose].locator(f"{group} button[value=point]").click()
        expect(phone.locator(f"{group} .rr-points li")).to_have_count(number + 1)
    for label in ("arguments", "rank"):
        support.act(console, run.pk, "next_phase")
        expect(phone.locator(f"#rr-{run.pk}-{label}")).to_be_visible()
    expect(phone.locator(f"#rr-{run.pk}-rank select")).to_have_count(3)
    _check(axe, phone, language, found)

    support.press_next(console, "Refleksjon")
    run = Run.objects.get(exercise__kind="reflection")
    bo = phones[NAMES[1]]
    bo.locator(f"#reflection-text-{run.pk}-0").fill("Hun lyttet")
    bo.locator(f"#reflection-{run.pk} input[name=shared-0]").check()
    bo.locator(f"#reflection-text-{run.pk}-1").fill("Privat")
    bo.locator(f"#reflection-{run.pk} button[type=submit]").click()
    expect(phone.locator(f"#reflection-text-{run.pk}-1")).to_be_visible()
    expect(phone.locator(f"#reflection-group-{run.pk} .reflection-shared")).to_have_count(1)
    _check(axe, phone, language, found)
    _check(axe, console, language, found)
    _check(axe, presenter, language, found)

    support.press_next(console, "Duo")
    expect(phone.locator(".duo-first")).to_be_visible()
    _check(axe, phone, language, found)
    _check(axe, presenter, language, found)

    support.press_next(console, "Diamant")
    run = Run.objects.get(exercise__kind="diamond")
    expect(phone.locator("[data-diamond-board]")).to_be_visible()
    _check(axe, phone, language, found)
    for name, rows in zip(NAMES[1:], DIAMOND_ROWS.values(), strict=True):
        form = phones[name].locator(f"#mine-{run.pk}-place form")
        form.locator("[data-diamond-mode]").click()  # the lists, instead of the board
        for item, row in rows.items():
            form.locator(f"#diamond-{run.pk}-{DIAMOND_ITEMS.index(item)}").select_option(str(row))
        form.locator("button[type=submit]").click()
        expect(phones[name].locator(f"#mine-{run.pk}-place .meta[role=status]")).to_be_visible()
    support.act(console, run.pk, "reveal")
    expect(presenter.locator(".diamond-stage__left-out")).to_be_visible()
    _check(axe, presenter, language, found)
    _check(axe, console, language, found)
    _check(axe, phone, language, found)

    support.press_next(console, "Spørsmål")
    run = Run.objects.get(exercise__kind="survey")
    for name, each in phones.items():
        each.locator(f"#mine-{run.pk} textarea").fill(f"Ro fra {name}")
        each.locator(f"#mine-{run.pk} button[type=submit]").click()
        expect(each.locator(f"#mine-{run.pk} .survey-done")).to_be_visible()
    support.act(console, run.pk, "reveal")
    expect(presenter.locator(".survey-stage__written .survey-stage__answer")).to_have_count(3)
    _check(axe, presenter, language, found)
    _check(axe, console, language, found)
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
    watch.assert_clean()
