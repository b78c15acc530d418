from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from exercises.kinds import triads
from exercises.kinds.triads import (
    GIVER,
    OBSERVER,
    RECEIVER,
    _members,
    group_context,
    roles_in_round,
    rounds_for,
)
from exercises.models import Exercise, Member, Run
from live import day as live_day
from live import groupcast

HTMX = {"HTTP_HX_REQUEST": "true"}


# The rotation


@pytest.mark.parametrize("size", [2, 3, 4, 5])
def test_everyone_gives_and_receives_once_over_the_rounds(size):
    members = list(range(size))
    held = {m: Counter() for m in members}
    for number in range(rounds_for(size)):
        roles = roles_in_round(members, number)
        assert Counter(roles.values())[GIVER] == 1
        assert Counter(roles.values())[RECEIVER] == 1
        for m, role in roles.items():
            held[m][role] += 1
    for m in members:
        assert held[m][GIVER] >= 1 and held[m][RECEIVER] >= 1
    if size == 3:
        # A triad: everyone holds each role exactly once.
        assert all(held[m] == {GIVER: 1, RECEIVER: 1, OBSERVER: 1} for m in members)
    if size == 4:
        # A group of four: two observers each round; everyone gives and receives once.
        assert all(held[m] == {GIVER: 1, RECEIVER: 1, OBSERVER: 2} for m in members)
        assert all(Counter(roles_in_round(members, r).values())[OBSERVER] == 2 for r in range(4))


def test_a_latecomer_joins_the_rotation_at_its_end_and_past_rounds_stay():
    before = roles_in_round(["a", "b", "c"], 0)
    after = roles_in_round(["a", "b", "c", "d"], 0)
    assert before["a"] == after["a"] == GIVER and before["b"] == after["b"] == RECEIVER
    givers = [
        next(m for m, r in roles_in_round(["a", "b", "c", "d"], n).items() if r == GIVER)
        for n in range(4)
    ]
    assert givers == ["a", "b", "c", "d"]


def test_rounds_follow_the_largest_group():
    assert [rounds_for(n) for n in (0, 2, 3, 4, 5)] == [3, 3, 3, 4, 5]


# Triads in a room

NAMES = ["Ane", "Bo", "Cato", "Dina", "Eli", "Frode", "Gro"]


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    return phone


def send(phone, workshop, run, **data):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"token": uuid.uuid4(), **data},
        **HTMX,
    )


def step(run, alice) -> Run:
    return live_day.step_phase(run, +1, by=alice, expected_version=None)


@pytest.fixture
def room(workshop, agenda, alice):
    Exercise.objects.create(
        agenda_item=agenda[3], kind="feedback_triads", settings={"max_length": 60}
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    for _item in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def roles_now(run, group) -> dict[str, str]:
    view = group_context(run, group)
    return {m.attendee.display_name: role for m, role, _label in view["members"]}


def test_seven_people_make_a_trio_and_a_group_of_four_and_four_rounds(room, workshop):
    run, _phones = room
    assert sorted(g.members.count() for g in run.groups.all()) == [3, 4]
    keys = [p.key for p in run.phases()]
    assert keys[:3] == ["prepare-1", "practise-1", "debrief-1"] and len(keys) == 12
    workshop.refresh_from_db()
    assert workshop.timer_duration.total_seconds() == 2 * 60
    four = max(run.groups.all(), key=lambda g: g.members.count())
    assert Counter(roles_now(run, four).values()) == {GIVER: 1, RECEIVER: 1, OBSERVER: 2}


def test_each_phone_shows_its_role_and_what_it_does(room, workshop, alice):
    run, phones = room
    group = run.groups.first()
    for name, role in roles_now(run, group).items():
        page = phones[name].get(reverse("live:phone", args=[workshop.join_code])).text
        assert f"This round you are {role}" in page
        if role == OBSERVER:
            assert "Strength-based" in page and 'name="checks"' in page
        else:
            assert 'name="checks"' not in page
    run = step(run, alice)
    run = step(run, alice)
    run = step(run, alice)  # round 2: the roles have moved on
    for name, role in roles_now(run, group).items():
        page = phones[name].get(reverse("live:phone", args=[workshop.join_code])).text
        assert f"This round you are {role}" in page


def test_the_observer_saves_the_checklist_and_the_triad_sees_it_in_the_debrief(
    room, workshop, alice, alice_client, bob_client
):
    run, phones = room
    group = run.groups.first()
    other = run.groups.exclude(pk=group.pk).get()
    roles = roles_now(run, group)
    observer = next(n for n, r in roles.items() if r == OBSERVER)
    giver = next(n for n, r in roles.items() if r == GIVER)
    refused = send(phones[giver], workshop, run, round=1, checks=["direct"])
    assert "The checklist is the observer&#x27;s this round." in refused.text
    empty = send(phones[observer], workshop, run, round=1)
    assert "Tick something or write a note first." in empty.text
    too_long = send(phones[observer], workshop, run, round=1, went_well="x" * 61)
    assert "Keep it to 60 characters (this has 61)." in too_long.text
    run = step(run, alice)  # practise
    send(phones[observer], workshop, run, round=1, checks=["direct"], went_well="Utkast")
    saved = send(
        phones[observer],
        workshop,
        run,
        round=1,
        checks=["direct", "behaviour"],
        went_well="<i>Konkret</i> og varm",
        practise="Mer pause",
    )
    assert "Saved. Your group sees it in the debrief." in saved.text
    assert run.submissions.filter(key="observation-1").count() == 1  # the second replaced it
    # Not before the debrief, and never outside the triad or on the facilitator's screens.
    assert "Konkret" not in groupcast.render(run, group, "en")
    run = step(run, alice)  # debrief
    mine = groupcast.render(run, group, "en")
    assert "&lt;i&gt;Konkret&lt;/i&gt; og varm" in mine and "About behaviour" in mine
    assert "Konkret" not in groupcast.render(run, other, "en")
    for client, page in ((alice_client, "console"), (bob_client, "presenter")):
        response = client.get(reverse(f"live:{page}", args=[workshop.pk]))
        assert response.status_code == 200
        text = response.text
        assert "Konkret" not in text
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "1 of 3 observers have saved their checklist this round." in console
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert "Konkret" not in export.content.decode("utf-8-sig")
    # Notes finished just after the facilitator moved on still land in their round.
    run = step(run, alice)  # round 2
    late = send(phones[observer], workshop, run, round=1, practise="Etterpå")
    assert late.status_code == 200 and "errorlist" not in late.text
    assert run.submissions.get(key="observation-1").data["practise"] == "Etterpå"
    ahead = send(phones[observer], workshop, run, round=3, practise="x")
    assert "That round has not begun." in ahead.text


def test_a_latecomer_joins_the_smallest_triad_and_gets_a_round_to_give(room, workshop):
    run, _phones = room
    trio = min(run.groups.all(), key=lambda g: g.members.count())
    phone_for(workshop, "Hanne")
    late = Member.objects.get(run=run, attendee__display_name="Hanne")
    assert late.group == trio and late.joined_late
    assert len(run.phases()) == 12  # the largest group is still four
    givers = set()
    members = _members(trio)
    for number in range(4):
        roles = roles_in_round(members, number)
        givers.add(next(m for m, r in roles.items() if r == GIVER))
    assert late in givers


def test_erasing_an_observers_notes_keeps_how_many_were_saved(room, workshop, alice):
    from exercises.privacy import erase_submissions

    run, phones = room
    group = run.groups.first()
    observer = next(n for n, r in roles_now(run, group).items() if r == OBSERVER)
    send(phones[observer], workshop, run, round=1, checks=["direct"], went_well="Konkret")
    before = (triads.room_context(run)["observed"], triads.export(run))
    assert before[0] == 1

    person = run.submissions.get(key="observation-1").author
    assert erase_submissions(run.submissions.filter(author=person)) == 1
    run.refresh_from_db()
    assert not run.submissions.exclude(author=None, text="").exists()
    assert (triads.room_context(run)["observed"], triads.export(run)) == before
    assert "Konkret" not in str(run.state)
