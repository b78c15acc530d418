"""The group decides and taps who: roles a playful rule can't give (the group decides, or the
people it points at tie) are chosen on the group's phones."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from exercises.grouping import take_role
from exercises.models import Exercise, Member, Run, RunEvent
from live import day as live_day
from live import groupcast

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_first_tap_gives_the_role_and_the_chosen_hands_on_their_own():
    given = take_role({"a": "chair"}, ["a", "b", "c"], "secretary", "a")
    assert given == {"a": "secretary", "b": "chair"}


def test_a_later_tap_swaps_with_the_one_who_had_it():
    given = take_role({"a": "secretary", "b": "chair"}, ["a", "b", "c"], "secretary", "b")
    assert given == {"b": "secretary", "a": "chair"}
    assert take_role(given, ["a", "b", "c"], "secretary", "c") == {"c": "secretary", "a": "chair"}


def test_tapping_the_one_who_has_it_changes_nothing_and_nobody_holds_two():
    given = {"a": "secretary", "b": "chair"}
    assert take_role(given, ["a", "b"], "secretary", "a") == given
    # Everyone has a role already: the chosen's old role stays open rather than doubling up.
    assert take_role({"a": "chair", "b": "timekeeper"}, ["a", "b"], "secretary", "a") == {
        "a": "secretary",
        "b": "timekeeper",
    }


NAMES = ["Ane", "Bo", "Cato", "Dina"]


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    return phone


def start_igp(workshop, agenda, alice, rule: str, names=NAMES):
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="igp",
        settings={"grouping": "size", "group_size": 2, "secretary_rule": rule},
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in names}
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def tap(phone, workshop, run, member: Member):
    return phone.post(
        reverse("live:decide_role", args=[workshop.join_code, run.pk]),
        {"member": member.pk},
        **HTMX,
    )


def member(name: str) -> Member:
    return Member.objects.select_related("group", "attendee").get(attendee__display_name=name)


def mates(name: str) -> list[Member]:
    return list(Member.objects.filter(group=member(name).group).select_related("attendee"))


def test_the_group_decides_and_taps_who(workshop, agenda, alice, alice_client, bob_client):
    run, phones = start_igp(workshop, agenda, alice, "group_decides")
    assert not run.members.filter(role="secretary").exists()
    ane_group = member("Ane").group
    other = run.groups.exclude(pk=ane_group.pk).get()
    view = groupcast.render(run, ane_group, "en")
    assert "Your group decides who is secretary" in view
    for mate in mates("Ane"):
        assert f'value="{mate.pk}"' in view
    stranger = other.members.first()
    assert f'value="{stranger.pk}"' not in view
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "Secretary: The group decides" in presenter
    assert f"{ane_group.name} decides who is secretary" in presenter

    chosen = next(m for m in mates("Ane") if m.attendee.display_name != "Ane")
    response = tap(phones["Ane"], workshop, run, chosen)
    assert response.status_code == 200
    assert f"{chosen.attendee.display_name} is secretary, chosen by your group" in response.text
    assert member(chosen.attendee.display_name).role == "secretary"
    assert "Your group decides who is secretary" in groupcast.render(run, other, "en")
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert f"{ane_group.name}: {chosen.attendee.display_name} (the group's choice)" in presenter
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert f"{chosen.attendee.display_name} (secretary)" in console

    # The same tap again changes nothing; a later tap by someone else moves the role.
    tap(phones[chosen.attendee.display_name], workshop, run, chosen)
    assert RunEvent.objects.filter(run=run, action="decide_role").count() == 1
    tap(phones[chosen.attendee.display_name], workshop, run, member("Ane"))
    assert member("Ane").role == "secretary" and member(chosen.attendee.display_name).role != (
        "secretary"
    )
    # The new secretary's own part now offers the group's list.
    page = phones["Ane"].get(reverse("live:phone", args=[workshop.join_code])).text
    assert "You are secretary" in page


def test_a_tap_outside_ones_group_or_without_a_choice_is_refused(workshop, agenda, alice):
    run, phones = start_igp(workshop, agenda, alice, "group_decides")
    stranger = next(m for m in run.members.all() if m.group_id != member("Ane").group_id)
    refused = tap(phones["Ane"], workshop, run, stranger)
    assert refused.status_code == 409
    assert "Choose someone in your group." in refused.text
    assert not run.members.filter(role="secretary").exists()


def test_fair_roles_leave_nothing_to_choose(workshop, agenda, alice):
    run, phones = start_igp(workshop, agenda, alice, "fair")
    view = groupcast.render(run, member("Ane").group, "en")
    assert "decides who" not in view
    refused = tap(phones["Ane"], workshop, run, member("Ane"))
    assert refused.status_code == 409
    assert "Your group has no role to choose." in refused.text


def test_a_tie_in_the_playful_rule_is_for_the_group_to_decide(workshop, agenda, alice):
    # Two names of three letters each: the shortest first name is a tie in every pair.
    run, phones = start_igp(
        workshop, agenda, alice, "shortest_first_name", names=["Ane", "Liv", "Per", "Kai"]
    )
    assert not run.members.filter(role="secretary").exists()
    view = groupcast.render(run, member("Ane").group, "en")
    assert "is a tie in your group" in view
    tap(phones["Ane"], workshop, run, member("Ane"))
    assert member("Ane").role == "secretary"


def test_a_rule_the_app_can_compute_is_shown_but_not_chosen(workshop, agenda, alice):
    run, _phones = start_igp(
        workshop, agenda, alice, "longest_first_name", names=["Al", "Bea", "Cato", "Dagny"]
    )
    assert run.members.filter(role="secretary").count() == 2
    assert member("Dagny").role == "secretary"
    view = groupcast.render(run, member("Cato").group, "en")
    assert "Secretary: The one with the longest first name" in view
    assert "decides who" not in view


def test_a_phone_of_another_day_cannot_tap(workshop, agenda, alice, client):
    run, _phones = start_igp(workshop, agenda, alice, "group_decides")
    response = client.post(
        reverse("live:decide_role", args=[workshop.join_code, run.pk]),
        {"member": member("Ane").pk},
    )
    assert response.status_code == 403
    assert "This phone is not on the day." in response.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_taps_at_once_leave_one_secretary(workshop, agenda, alice):
    run, phones = start_igp(workshop, agenda, alice, "group_decides")
    group = mates("Ane")

    def press(pair) -> int:
        name, chosen = pair
        try:
            return tap(phones[name], workshop, run, chosen).status_code
        finally:
            connection.close()

    presses = [(m.attendee.display_name, other) for m in group for other in group] * 5
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(press, presses)) == {200}
    roles = [m.role for m in Member.objects.filter(group=group[0].group)]
    assert roles.count("secretary") == 1
