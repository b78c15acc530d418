"""One round of rekkeframlegg in browsers: three phones in a network group take turns."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exercises.models import Run
from live import day as live_day
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    return exercise_agenda(
        workshop,
        "round_robin",
        "Rekkeframlegg",
        {"keep": 2},
        minutes=20,
        welcome=False,
    )


def test_one_round_goes_round_the_group(asgi_server, new_phone, axe, alice, workshop, agenda):
    group = workshop.programme.groups.create(name="Nettverk 1")
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    for name in names:
        workshop.programme.participants.create(name=name, network_group=group)
    live_day.start(workshop, by=alice)
    run = Run.objects.get()
    # Joining while the exercise is on: each phone goes to its network group as it arrives.
    phones = {}
    for name in names:
        phones[name] = live._join(new_phone(), asgi_server, workshop.join_code, pick=name)
    assert run.groups.get().members.count() == 3

    def round_label(number: int) -> str:
        # "Round 1" in the page's language (the phones read bokmål).
        text = live._message("Round %(round)s: it is %(name)s's turn.")
        return text.split(":")[0] % {"round": number}

    from exercises.kinds.round_robin import group_context

    for _turn in range(3):
        current = group_context(run, run.groups.get())["whose"].attendee.display_name
        for name, page in phones.items():
            expect(page.locator(f"#rr-group-{run.pk} .rr-group")).to_contain_text(round_label(1))
            form = page.locator(f"#rr-group-{run.pk} form[data-only-for]")
            # Only the phone whose turn it is shows the form (the server refuses the others).
            turn = page.locator(f"#rr-group-{run.pk} .rr-turn")
            if name == current:
                expect(form).to_be_visible()
                # Their own phone says "Din tur!", never their own name.
                expect(turn).to_contain_text(live._message("Your turn!"), use_inner_text=True)
                expect(turn).not_to_contain_text(current, use_inner_text=True)
            else:
                expect(form).to_be_hidden()
                expect(turn).to_contain_text(current, use_inner_text=True)
                expect(turn).not_to_contain_text(live._message("Your turn!"), use_inner_text=True)
        page = phones[current]
        page.locator(f"#rr-group-{run.pk} .rr-point").fill(f"Punkt fra {current}")
        page.locator("button[value=point]").click()
        for other in phones.values():
            expect(other.locator(f"#rr-group-{run.pk} .rr-points")).to_contain_text(
                f"Punkt fra {current}"
            )
    assert run.submissions.filter(key="point").count() == 3
    for page in phones.values():
        expect(page.locator(f"#rr-group-{run.pk} .rr-turn")).to_contain_text(round_label(2))

    blocking = [
        v for v in axe.run(phones[names[0]]).response["violations"] if v["impact"] in live.BLOCKING
    ]
    assert not blocking, live._report(phones[names[0]], blocking)
