"""Typing while another phone's send redraws the group: what a person has chosen or typed and
not yet sent survives every other person's action, on phones open since before the item."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exercises.models import Exercise, Member, Run, Submission
from exercises.runs import change
from live import day as live_day
from tests.e2e import support
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)


def _phones_on_the_item(asgi_server, facilitator, new_phone, watch, workshop, names, title):
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    phones = support.open_phones(new_phone, asgi_server, workshop, watch, names, pick=True)
    support.showing(phones, "Velkommen")
    support.press_next(console, title)
    support.showing(phones, title)
    return console, phones


def test_a_half_chosen_ranking_survives_another_members_saved_one(
    asgi_server, facilitator, new_phone, watch, alice, workshop, programme
):
    group = programme.groups.create(name="Nettverk 1")
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    for name in names:
        programme.participants.create(name=name, network_group=group)
    exercise_agenda(workshop, "round_robin", "Rekkeframlegg", {"keep": 2}, minutes=20, welcome=True)
    live_day.start(workshop, by=alice)
    console, phones = _phones_on_the_item(
        asgi_server, facilitator, new_phone, watch, workshop, names, "Rekkeframlegg"
    )
    run = Run.objects.get()
    members = {m.pk: m.attendee.display_name for m in Member.objects.filter(run=run)}
    for number in range(4):  # four points: the first member adds two over two rounds
        whose = phones[names[0]].locator(f"#rr-group-{run.pk} .is-turn")
        name = next(n for n in members.values() if n in whose.inner_text())
        phones[name].locator(f"#rr-group-{run.pk} .rr-point").fill(f"Punkt {number + 1}")
        phones[name].locator(f"#rr-group-{run.pk} button[value=point]").click()
        expect(phones[names[0]].locator(f"#rr-group-{run.pk} .rr-points li")).to_have_count(
            number + 1
        )
    support.next_phase(console, run.pk, "Argument")
    support.next_phase(console, run.pk, "Rangering")
    points = list(
        Submission.objects.filter(run=run, key="point").order_by("pk").values_list("pk", flat=True)
    )
    first, second, third = (phones[name] for name in names)
    # The first member chooses 2, 1, 4 and has not chosen the last place yet, nor saved.
    for point, place in zip(points[:3], ["2", "1", "4"], strict=True):
        first.locator(f"#rr-place-{point}").select_option(place)
    # Meanwhile two others save theirs: each redraws the group's view on every phone.
    for phone in (second, third):
        for point, place in zip(points, ["1", "2", "3", "4"], strict=True):
            phone.locator(f"#rr-place-{point}").select_option(place)
        phone.locator(f"#rr-{run.pk}-rank button[type=submit]").click()
        expect(phone.locator(f"#rr-{run.pk}-rank [role=status]")).to_be_visible()
    expect(first.locator(f"#rr-group-{run.pk} .rr-standings")).to_be_visible()
    expect(first.locator(f"#rr-group-{run.pk} .meta").last).to_contain_text("2")
    for point, place in zip(points[:3], ["2", "1", "4"], strict=True):
        expect(first.locator(f"#rr-place-{point}")).to_have_value(place)
    first.locator(f"#rr-place-{points[3]}").select_option("3")
    first.locator(f"#rr-{run.pk}-rank button[type=submit]").click()
    expect(first.locator(f"#rr-{run.pk}-rank [role=status]")).to_be_visible()
    mine = Submission.objects.get(run=run, key="ranking", author__display_name=names[0])
    assert mine.data["order"] == [points[1], points[0], points[3], points[2]]
    watch.assert_clean()


def test_a_half_written_note_survives_the_secretarys_list_and_the_facilitators_change(
    asgi_server, facilitator, new_phone, watch, alice, workshop, programme
):
    group = programme.groups.create(name="Nettverk 1")
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    for name in names:
        programme.participants.create(name=name, network_group=group)
    exercise_agenda(
        workshop, "igp", "IGP", {"prompt": "Verdier?", "target": 3}, minutes=30, welcome=True
    )
    live_day.start(workshop, by=alice)
    console, phones = _phones_on_the_item(
        asgi_server, facilitator, new_phone, watch, workshop, names, "IGP"
    )
    run = Run.objects.get()
    support.next_phase(console, run.pk, "gruppen")
    secretary = Member.objects.get(run=run, role="secretary").attendee.display_name
    others = [phones[name] for name in names if name != secretary]
    # One member types a note; the other sends one (shared in G: the group's view redraws),
    # and the secretary adds a point to the group's list (redraws it again).
    others[0].locator(f"#igp-note-{run.pk}").fill("Halvskrevet notat")
    others[1].locator(f"#igp-note-{run.pk}").fill("Sendt notat")
    others[1].locator(f"#igp-note-{run.pk}").press("Enter")
    expect(others[0].locator(f"#igp-group-{run.pk}")).to_contain_text("Sendt notat")
    phones[secretary].locator(f"#igp-output-{run.pk}").fill("Tillit")
    phones[secretary].locator(f"#igp-output-{run.pk}").press("Enter")
    expect(others[0].locator(".igp-output")).to_contain_text("Tillit")
    expect(others[0].locator(f"#igp-note-{run.pk}")).to_have_value("Halvskrevet notat")
    # A facilitator's change to the run redraws every phone's view of it.
    change(run, "highlight", by=alice, expected_version=None, data={})
    expect(others[0].locator(f"#igp-note-{run.pk}")).to_have_value("Halvskrevet notat")
    others[0].locator(f"#igp-note-{run.pk}").press("Enter")
    expect(others[0].locator(f"#igp-{run.pk}-group .igp-notes")).to_contain_text(
        "Halvskrevet notat"
    )
    assert Submission.objects.filter(run=run, key="note").count() == 2
    watch.assert_clean()


def test_what_is_typed_in_the_next_exercise_survives_its_group_view_arriving(
    asgi_server, facilitator, new_phone, watch, alice, workshop, programme
):
    """A phone that had a role in one group exercise (the chair of a rekkeframlegg) starts
    typing in the next one (a reflection) as soon as its form shows; the next exercise's
    group view arrives after, and must not fetch the form again under the typing."""
    group = programme.groups.create(name="Nettverk 1")
    names = ["Ane Dahl", "Bo Lie"]
    for name in names:
        programme.participants.create(name=name, network_group=group)
    exercise_agenda(workshop, "round_robin", "Rekkeframlegg", {}, minutes=20, welcome=True)
    item = AgendaItem.objects.create(
        workshop=workshop, position=2, kind="exercise", title="Refleksjon", duration_minutes=5
    )
    Exercise.objects.create(agenda_item=item, kind="reflection", settings={"prompt": "Tenk"})
    live_day.start(workshop, by=alice)
    console, phones = _phones_on_the_item(
        asgi_server, facilitator, new_phone, watch, workshop, names, "Rekkeframlegg"
    )
    run = Run.objects.get()
    for phone in phones.values():  # each phone has its role in the rekkeframlegg
        expect(phone.locator(f"#rr-group-{run.pk} .rr-members")).to_be_visible()
    support.press_next(console, "Refleksjon")
    run = Run.objects.get(exercise__kind="reflection")
    for name, phone in phones.items():
        field = phone.locator(f"#reflection-text-{run.pk}-0")
        field.fill(f"Begynt av {name}")
    for name, phone in phones.items():
        expect(phone.locator(f"#reflection-group-{run.pk} .igp-group")).to_be_visible()
        phone.wait_for_timeout(300)  # whatever the group view's arrival sets off, has run
        expect(phone.locator(f"#reflection-text-{run.pk}-0")).to_have_value(f"Begynt av {name}")
    watch.assert_clean()
