"""Proposals by groups in browsers: a facilitator and four phones in two groups. The secretaries
write their group's proposals while the others watch the list live; then the room merges,
everyone prioritises with dots, and the projector reveals the result."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exercises.models import Member, Run, Submission
from live import day as live_day
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    return exercise_agenda(
        workshop,
        "proposals",
        "Visjon",
        {
            "prompt": "Hva skal være visjonen vår?",
            "who_proposes": "group",
            "grouping": "size",
            "group_size": 2,
            "min_per_group": 2,
            "max_per_group": 3,
            "method": "dots",
            "dots": 3,
            "stack_dots": True,
        },
        minutes=30,
        welcome=True,
    )


def _blocking(axe, page) -> list[str]:
    violations = [v for v in axe.run(page).response["violations"] if v["impact"] in live.BLOCKING]
    return [live._report(page, violations)] if violations else []


def _next_phase(console, run) -> None:
    live._settled(console)
    console.locator(
        f"form[action='{reverse('live:act', args=[run.pk, 'next_phase'])}'] button"
    ).click()


def test_two_groups_propose_then_everyone_prioritises_and_the_result_is_revealed(
    asgi_server, facilitator, new_phone, axe, alice, workshop, agenda
):
    live_day.start(workshop, by=alice)
    names = ["Ane", "Bo", "Cato", "Dina"]
    phones = {n: live._join(new_phone(), asgi_server, workshop.join_code, name=n) for n in names}
    console = live._open_console(facilitator, asgi_server, workshop)
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    live._settled(console)
    console.keyboard.press("n")  # to the proposals item: the run starts, groups are formed
    # Read the database only once the screens show the run: the server writes it meanwhile,
    # and SQLite's shared in-memory database refuses a read of a table being written.
    expect(presenter.locator(".proposals-group-counts li")).to_have_count(2)
    for phone in phones.values():
        expect(phone.locator(".igp-role")).to_be_visible()
    run = Run.objects.get(workshop=workshop)
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 2]
    secretaries = list(
        Member.objects.filter(run=run, role="secretary").select_related("attendee", "group")
    )
    assert len(secretaries) == 2
    found: list[str] = []

    # Collect: each secretary writes; the other member sees the group's list live, never the
    # other group's; only the secretary has the form.
    for secretary in secretaries:
        group = secretary.group
        writer = phones[secretary.attendee.display_name]
        mate = Member.objects.filter(group=group).exclude(pk=secretary.pk).get()
        watcher = phones[mate.attendee.display_name]
        expect(watcher.locator(f"#proposals-group-{run.pk} .igp-group")).to_contain_text(group.name)
        expect(watcher.locator(f"#proposal-{run.pk}")).to_have_count(0)
        for number in (1, 2):
            field = writer.locator(f"#proposal-{run.pk}")
            expect(field).to_be_enabled()
            field.fill(f"Visjon {number} fra {group.name}")
            field.press("Enter")
            # The answer redraws the secretary's form, empty: only then type the next one.
            expect(writer.locator(f"#proposal-{run.pk}")).to_have_value("")
            live._settled(writer)
            expect(watcher.locator(".proposals-group__list")).to_contain_text(
                f"Visjon {number} fra {group.name}"
            )
        expect(writer.locator(".proposals-group__list li")).to_have_count(2)
        others = [s for s in secretaries if s.group_id != group.pk]
        for other in others:
            expect(watcher.locator(f"#proposals-group-{run.pk}")).not_to_contain_text(
                other.group.name
            )
    assert Submission.objects.filter(run=run, key="proposal").count() == 4
    expect(presenter.locator(".proposals-group-counts")).to_contain_text("2 av minst 2")
    expect(presenter.locator(".proposals-stage")).not_to_contain_text("Visjon 1")
    found += _blocking(axe, phones[secretaries[0].attendee.display_name])
    found += _blocking(axe, presenter)

    # Merge: every group's proposals before the room.
    _next_phase(console, run)
    for phone in phones.values():
        expect(phone.locator(".proposal-list li")).to_have_count(4)

    # Prioritise: everyone spreads their dots, secretaries and the others alike.
    _next_phase(console, run)
    favourite = Submission.objects.filter(run=run, key="proposal").order_by("pk").first()
    for phone in phones.values():
        dots = phone.locator(f"#dots-{run.pk}-{favourite.pk}")
        expect(dots).to_be_visible()
        dots.fill("3")
        phone.locator(f"#mine-{run.pk}-prioritise form button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk}-prioritise [role=status]")).to_be_visible()
    assert Submission.objects.filter(run=run, key="vote").count() == 4

    # Reveal: the projector shows the totals, the chosen-to-be on top.
    _next_phase(console, run)
    first = presenter.locator(".results .result").first
    expect(first).to_contain_text(favourite.text)
    expect(first.locator(".result__score")).to_contain_text("12")
    phone = phones[names[0]]
    expect(phone.locator(".results .result").first).to_contain_text(favourite.text)
    found += _blocking(axe, presenter)
    found += _blocking(axe, phone)
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
