"""Feedback triads in browsers: three phones in one triad see their roles, the observer ticks
the checklist and saves notes, and the triad reads them in the debrief."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from exercises.kinds.triads import GIVER, OBSERVER, RECEIVER, roles_in_round
from exercises.models import Member, Run
from live import day as live_day
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    return exercise_agenda(
        workshop,
        "feedback_triads",
        "Tilbakemeldinger",
        {},
        minutes=36,
        welcome=False,
    )


def _check(axe, page: Page, found: list[str]) -> None:
    blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(page, blocking))


def test_roles_are_shown_and_the_observers_checklist_is_saved(
    asgi_server, facilitator, new_phone, axe, alice, workshop, agenda
):
    found: list[str] = []
    live_day.start(workshop, by=alice)
    run = Run.objects.get()
    names = ["Ane", "Bo", "Cato"]
    phones = {n: live._join(new_phone(), asgi_server, workshop.join_code, name=n) for n in names}
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    members = list(Member.objects.filter(run=run).select_related("attendee").order_by("pk"))
    assert len(members) == 3 and len({m.group_id for m in members}) == 1
    roles = {m.attendee.display_name: r for m, r in roles_in_round(members, 0).items()}
    assert sorted(roles.values()) == sorted([GIVER, RECEIVER, OBSERVER])

    # Round 1: every phone shows its own role and what it does; the triad sees all three.
    for name, page in phones.items():
        expect(
            page.locator(f"#triads-{run.pk}-prepare-1 .triads-role--{roles[name]}")
        ).to_be_visible()
        view = page.locator(f"#triads-group-{run.pk} .triads-members")
        for other in names:
            expect(view).to_contain_text(other)
    observer = next(n for n, r in roles.items() if r == OBSERVER)
    giver = next(n for n, r in roles.items() if r == GIVER)
    expect(phones[giver].locator("input[name=checks]")).to_have_count(0)
    expect(presenter.locator(".triads-marks li")).to_have_count(6)
    _check(axe, phones[giver], found)
    _check(axe, presenter, found)

    # Practise: the observer ticks what marked the feedback and notes it.
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    page = phones[observer]
    form = page.locator(f"#triads-{run.pk}-practise-1 form")
    form.locator("input[value=direct]").check()
    form.locator("input[value=behaviour]").check()
    form.locator(f"#triads-went_well-{run.pk}").fill("Konkret om hva som skjedde")
    form.locator(f"#triads-practise-{run.pk}").fill("Spør mer")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#triads-{run.pk}-practise-1 [role=status]")).to_be_visible()
    expect(page.locator(f"#triads-{run.pk}-practise-1 input[value=direct]")).to_be_checked()
    _check(axe, page, found)

    # Debrief: the triad reads the observer's notes.
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    for name in names:
        view = phones[name].locator(f"#triads-group-{run.pk} .triads-observation")
        expect(view).to_contain_text("Konkret om hva som skjedde")
        expect(view).to_contain_text("Spør mer")
    expect(presenter.locator(".triads-stage")).not_to_contain_text("Konkret")
    saved = run.submissions.get(key="observation-1")
    assert saved.data["checks"] == ["direct", "behaviour"]
    _check(axe, phones[giver], found)
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
