"""One round of rekkeframlegg in browsers: three phones in a network group take turns."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exercises.models import Exercise, Run
from tests.e2e import test_live as live
from workshops.models import AgendaItem

asgi_server = live.asgi_server
workshop = live.workshop
facilitator = live.facilitator
new_phone = live.new_phone
axe = live.axe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    item = AgendaItem.objects.create(
        workshop=workshop, position=0, kind="exercise", title="Rekkeframlegg", duration_minutes=20
    )
    Exercise.objects.create(agenda_item=item, kind="round_robin", settings={"keep": 2})
    return [item]


def test_one_round_goes_round_the_group(asgi_server, new_phone, axe, alice, workshop, agenda):
    group = workshop.programme.groups.create(name="Nettverk 1")
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    for name in names:
        workshop.programme.participants.create(name=name, network_group=group)
    workshop.start_day(by=alice)
    run = Run.objects.get()
    # Joining while the exercise is on: each phone goes to its network group as it arrives.
    phones = {}
    for name in names:
        phones[name] = live._join(new_phone(), asgi_server, workshop.join_code, pick=name)
    assert run.groups.get().members.count() == 3

    for turn in range(3):
        current = phones_whose_turn = None
        for name, page in phones.items():
            view = page.locator(f"#rr-group-{run.pk} .rr-group")
            expect(view).to_contain_text("Round 1")
            form = page.locator(f"#rr-group-{run.pk} form[data-only-for]")
            if form.is_visible():
                current, phones_whose_turn = name, page
        assert current is not None, f"nobody's turn at turn {turn}"
        field = phones_whose_turn.locator(f"#rr-point-{run.pk}")
        field.fill(f"Punkt fra {current}")
        phones_whose_turn.locator("button[value=point]").click()
        for page in phones.values():
            expect(page.locator(f"#rr-group-{run.pk} .rr-points")).to_contain_text(
                f"Punkt fra {current}"
            )
    assert run.submissions.filter(key="point").count() == 3
    for page in phones.values():
        expect(page.locator(f"#rr-group-{run.pk} .rr-turn")).to_contain_text("Round 2")

    blocking = [
        v for v in axe.run(phones[names[0]]).response["violations"] if v["impact"] in live.BLOCKING
    ]
    assert not blocking, live._report(phones[names[0]], blocking)
