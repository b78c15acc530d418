"""IGP in browsers: a facilitator and four phones in two groups through I, G and P."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

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
        "igp",
        "Verdier i IGP",
        {"prompt": "Hvilke verdier?", "target": 2, "grouping": "size", "group_size": 2},
        minutes=30,
        welcome=True,
    )


def test_four_phones_in_two_groups_through_i_g_and_p(
    asgi_server, facilitator, new_phone, axe, alice, workshop, agenda
):
    live_day.start(workshop, by=alice)
    names = ["Ane", "Bo", "Cato", "Dina"]
    phones = {n: live._join(new_phone(), asgi_server, workshop.join_code, name=n) for n in names}
    console = live._open_console(facilitator, asgi_server, workshop)
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    live._settled(console)
    console.keyboard.press("n")  # to the IGP item: the run starts and groups are formed
    run = None
    for _ in range(50):
        run = Run.objects.filter(workshop=workshop).first()
        if run and run.groups.exists():
            break
        console.wait_for_timeout(100)
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 2]

    # I: each writes a private note.
    for name, phone in phones.items():
        field = phone.locator(f"#igp-note-{run.pk}")
        expect(field).to_be_visible()
        field.fill(f"Notat fra {name}")
        field.press("Enter")
        expect(phone.locator(f"#igp-{run.pk}-individual .igp-notes")).to_contain_text(name)
    expect(presenter.locator(".igp-stage")).to_contain_text("4")

    # G: each phone sees its own group's notes over the group stream, never the other's.
    live._settled(console)
    console.locator(
        f"form[action='{reverse('live:act', args=[run.pk, 'next_phase'])}'] button"
    ).click()
    for name, phone in phones.items():
        me = Member.objects.select_related("group").get(run=run, attendee__display_name=name)
        mates = Member.objects.filter(group=me.group).values_list(
            "attendee__display_name", flat=True
        )
        others = [n for n in names if n not in mates]
        view = phone.locator(f"#igp-group-{run.pk} .igp-group")
        for mate in mates:
            expect(view).to_contain_text(f"Notat fra {mate}")
        for other in others:
            expect(view).not_to_contain_text(f"Notat fra {other}")
    secretaries = Member.objects.filter(run=run, role="secretary").select_related(
        "attendee", "group"
    )
    for secretary in secretaries:
        phone = phones[secretary.attendee.display_name]
        field = phone.locator(f"#igp-output-{run.pk}")
        field.fill(f"Verdi fra {secretary.group.name}")
        field.press("Enter")
        mate = Member.objects.filter(group=secretary.group).exclude(pk=secretary.pk).get()
        expect(phones[mate.attendee.display_name].locator(".igp-output")).to_contain_text(
            f"Verdi fra {secretary.group.name}"
        )

    # P: the projector shows both lists side by side.
    live._settled(console)
    console.locator(
        f"form[action='{reverse('live:act', args=[run.pk, 'next_phase'])}'] button"
    ).click()
    expect(presenter.locator(".igp-column")).to_have_count(2)
    for secretary in secretaries:
        expect(presenter.locator(".igp-columns")).to_contain_text(
            f"Verdi fra {secretary.group.name}"
        )

    found = []
    for page in (presenter, phones["Ane"]):
        blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in live.BLOCKING]
        if blocking:
            found.append(live._report(page, blocking))
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
