"""axe-core on the phone and projector views of the group kinds that have no browser test of
their own here (IGP, round robin, gallery walk and feedback triads check theirs in their
tests): duo, reflection, and the round robin's projector."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from exercises.models import Exercise, Run
from live import day as live_day
from tests.e2e import test_live as live
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = {
    "duo": {"prompt": "Hva har du vært opptatt av?", "minutes": 6, "note": True},
    "reflection": {"prompt": "Tenk på en leder du har hatt."},
    "round_robin": {"prompt": "Gode eksempler fra praksis"},
}
# What each phone shows once its part (and its group's, over the group stream) is in.
SHOWN = {
    "duo": ".duo-partner",
    "reflection": ".reflection-group, [id^=reflection-group-] .igp-group",
    "round_robin": "[id^=rr-group-] .rr-group",
}


def _check(axe, page: Page, found: list[str]) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(page, blocking))


@pytest.mark.parametrize("kind", list(KINDS))
def test_phone_and_projector_have_no_serious_violations(
    asgi_server, facilitator, new_phone, axe, alice, workshop, programme, kind
):
    group = programme.groups.create(name="Nettverk 1")
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    for name in names:
        programme.participants.create(name=name, network_group=group)
    item = AgendaItem.objects.create(
        workshop=workshop, position=0, kind="exercise", title="Øvelse", duration_minutes=15
    )
    Exercise.objects.create(agenda_item=item, kind=kind, settings=KINDS[kind])
    live_day.start(workshop, by=alice)
    run = Run.objects.get()
    phones = [live._join(new_phone(), asgi_server, workshop.join_code, pick=n) for n in names]
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    found: list[str] = []
    for phone in phones[:1]:
        expect(phone.locator(SHOWN[kind]).first).to_be_visible()
        _check(axe, phone, found)
    expect(presenter.locator(".stage__title")).to_have_text("Øvelse")
    _check(axe, presenter, found)
    if kind == "duo":  # the private note afterwards
        live_day.step_phase(run, +1, by=alice, expected_version=None)
        expect(phones[0].locator(f"#note-{run.pk}")).to_be_visible()
        _check(axe, phones[0], found)
        _check(axe, presenter, found)
    if kind == "round_robin":  # the kept points side by side
        for _step in range(2):
            live_day.step_phase(run, +1, by=alice, expected_version=None)
        expect(presenter.locator(".igp-columns")).to_be_visible()
        _check(axe, presenter, found)
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
