from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises.kinds.round_robin import group_context, round_order, turns
from exercises.models import Exercise, Member, Run
from live import day as live_day
from live import groupcast

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_order_is_fixed_unless_the_start_rotates():
    assert round_order(["a", "b", "c"], 1) == ["a", "b", "c"]
    assert round_order(["a", "b", "c"], 0, rotate=True) == ["a", "b", "c"]
    assert round_order(["a", "b", "c"], 1, rotate=True) == ["b", "c", "a"]
    assert round_order(["a", "b", "c"], 3, rotate=True) == ["a", "b", "c"]


def test_turns_go_round_in_a_fixed_order_and_a_round_completes():
    members = ["a", "b", "c"]
    assert turns(members, []).whose == "a"
    state = turns(members, [("a", True), ("b", True)])
    assert (state.whose, state.complete_rounds) == ("c", 0)
    state = turns(members, [("a", True), ("b", False), ("c", True)])
    assert (state.round, state.whose, state.complete_rounds) == (1, "a", 1)
    assert state.order == ("a", "b", "c")


def test_with_rotation_the_next_round_starts_with_the_next_person():
    state = turns(["a", "b", "c"], [("a", True), ("b", False), ("c", True)], rotate=True)
    assert (state.round, state.whose, state.order) == (1, "b", ("b", "c", "a"))


def test_with_two_points_per_turn_a_turn_ends_after_two_points_or_a_pass():
    members = ["a", "b"]
    state = turns(members, [("a", True)], per_turn=2)
    assert (state.whose, state.added) == ("a", 1)
    state = turns(members, [("a", True), ("a", True)], per_turn=2)
    assert (state.whose, state.added) == ("b", 0)
    state = turns(members, [("a", True), ("a", True), ("b", True), ("b", False)], per_turn=2)
    assert (state.round, state.whose, state.finished) == (1, "a", False)
    # A round of passes ends the rounds, however many points a turn may take.
    state = turns(
        members,
        [("a", True), ("a", True), ("b", False), ("a", False), ("b", False)],
        per_turn=2,
    )
    assert state.finished and state.whose is None


def test_a_round_of_passes_ends_the_rounds():
    members = ["a", "b"]
    state = turns(members, [("a", True), ("b", True), ("b", False), ("a", False)])
    assert state.finished and state.whose is None


@pytest.fixture
def setup(workshop, agenda, alice, programme):
    group = programme.groups.create(name="Nettverk 1")
    other = programme.groups.create(name="Nettverk 2")
    people = [
        programme.participants.create(name=n, network_group=group) for n in ("Ane", "Bo", "Cato")
    ]
    people.append(programme.participants.create(name="Dina", network_group=other))
    Exercise.objects.create(agenda_item=agenda[1], kind="round_robin", settings={"keep": 2})
    live_day.start(workshop, by=alice)
    phones = {}
    for person in people:
        phone = Client(headers={"accept-language": "en"})
        phone.post(reverse("live:join_day", args=[workshop.join_code]), {"participant": person.pk})
        phones[person.name] = phone
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def send(phone, workshop, run, **data):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"token": uuid.uuid4(), **data},
        **HTMX,
    )


def whose(run, name="Nettverk 1") -> str:
    group = run.groups.get(name=name)
    return group_context(run, group)["whose"].attendee.display_name


def test_only_the_person_whose_turn_it_is_may_add_a_point(workshop, setup):
    run, phones = setup
    first = whose(run)
    someone_else = next(n for n in ("Ane", "Bo", "Cato") if n != first)
    refused = send(phones[someone_else], workshop, run, step="point", text="Tidlig")
    assert "It is not your turn. Wait for it, please." in refused.text
    send(phones[first], workshop, run, step="point", text="Lytte")
    assert whose(run) != first
    send(phones[whose(run)], workshop, run, step="pass")
    assert run.submissions.filter(key="point").count() == 1
    assert run.submissions.filter(key="pass").count() == 1


def test_replies_are_locked_until_the_rounds_are_over_and_for_comes_before_against(
    workshop, setup, alice
):
    run, phones = setup
    send(phones[whose(run)], workshop, run, step="point", text="Lytte")
    point = run.submissions.get(key="point")
    early = send(phones["Ane"], workshop, run, step="argument", point=point.pk, text="Ja")
    assert "Replies open when the rounds are over." in early.text
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    # Whatever a phone says, an argument counts as the group stands: for, until the chair
    # moves the group on.
    send(phones["Bo"], workshop, run, step="argument", side="against", point=point.pk, text="Ja")
    chair = Member.objects.get(
        run=run, group__name="Nettverk 1", role="chair"
    ).attendee.display_name
    not_chair = next(n for n in ("Ane", "Bo", "Cato") if n != chair)
    assert (
        "The chair moves the group on."
        in send(phones[not_chair], workshop, run, step="against").text
    )
    send(phones[chair], workshop, run, step="against")
    send(phones["Cato"], workshop, run, step="argument", side="for", point=point.pk, text="Nei")
    missing = send(phones["Cato"], workshop, run, step="argument", point=point.pk, text=" ")
    assert "Choose a point and write the argument." in missing.text
    view = group_context(run, run.groups.get(name="Nettverk 1"))
    assert view["points"][0]["for"] == ["Ja"]
    assert view["points"][0]["against"] == ["Nei"]


def test_a_refused_argument_keeps_what_was_typed_and_the_point_chosen(workshop, setup, alice):
    run, phones = setup
    for text in ["Lytte", "Tillit"]:
        send(phones[whose(run)], workshop, run, step="point", text=text)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    second = run.submissions.filter(key="point").order_by("pk").last()
    refused = send(phones["Ane"], workshop, run, step="argument", point=second.pk, text="x" * 201)
    assert "Keep it to 200 characters" in refused.text
    assert 'value="' + "x" * 201 + '"' in refused.text
    assert f'<option value="{second.pk}" selected>' in refused.text
    assert not run.submissions.filter(key="argument").exists()


def test_two_points_per_turn_and_who_starts(workshop, setup, alice):
    run, phones = setup
    run.exercise.settings = {"keep": 2, "points_per_turn": 2}
    run.exercise.save()
    group = run.groups.get(name="Nettverk 1")
    first = whose(run)
    page = phones[first].get(reverse("live:phone", args=[workshop.join_code]))
    assert f"{first} starts, and the turn goes round in this order every round:" in (
        groupcast.render(run, group, "en")
    )
    assert "One or two points per person per turn, or pass." in page.text
    send(phones[first], workshop, run, step="point", text="Lytte")
    assert whose(run) == first  # one more, or "that was all"
    assert "That was all: next person" in groupcast.render(run, group, "en")
    send(phones[first], workshop, run, step="point", text="Tillit")
    second = whose(run)
    assert second != first
    send(phones[second], workshop, run, step="point", text="Mot")
    send(phones[second], workshop, run, step="pass")
    assert whose(run) not in (first, second)
    assert run.submissions.filter(key="point").count() == 3


def test_ranking_by_borda_keeps_the_top_and_shows_ties(workshop, setup, alice):
    run, phones = setup
    for text in ["Lytte", "Tillit", "Mot"]:
        send(phones[whose(run)], workshop, run, step="point", text=text)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    ids = {p.text: p.pk for p in run.submissions.filter(key="point")}
    bad = send(
        phones["Ane"],
        workshop,
        run,
        step="ranking",
        **{f"place-{ids['Lytte']}": "1", f"place-{ids['Tillit']}": "1", f"place-{ids['Mot']}": "2"},
    )
    assert "Give every point its own place, 1 to 3." in bad.text
    for name, order in [("Ane", ["Lytte", "Tillit", "Mot"]), ("Bo", ["Tillit", "Lytte", "Mot"])]:
        places = {f"place-{ids[text]}": str(i) for i, text in enumerate(order, start=1)}
        send(phones[name], workshop, run, step="ranking", **places)
    send(
        phones["Ane"],
        workshop,
        run,
        step="ranking",
        **{f"place-{ids[t]}": str(i) for i, t in enumerate(["Lytte", "Tillit", "Mot"], start=1)},
    )
    view = group_context(run, run.groups.get(name="Nettverk 1"))
    assert view["ranked"] == 2  # Ane's second ranking replaced her first
    table = [(p.text, s.score, s.rank, s.tied) for p, s in view["standings"]]
    assert table[:2] == [("Lytte", 5, 1, True), ("Tillit", 5, 1, True)]
    assert [p.text for p in view["kept"]] == ["Lytte", "Tillit"]


def test_erasing_a_person_takes_their_point_and_keeps_the_groups_standings(workshop, setup, alice):
    from personal import services
    from workshops.models import ContentDeletion, Participant

    run, phones = setup
    writers = {}
    for text in ["Lytte", "Tillit", "Mot"]:
        writers[text] = whose(run)
        send(phones[writers[text]], workshop, run, step="point", text=text)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    ids = {p.text: p.pk for p in run.submissions.filter(key="point")}
    orders = {name: ["Mot", "Tillit", "Lytte"] for name in ("Ane", "Bo", "Cato")}
    orders[writers["Mot"]] = ["Tillit", "Lytte", "Mot"]
    for name, order in orders.items():
        places = {f"place-{ids[text]}": str(i) for i, text in enumerate(order, start=1)}
        send(phones[name], workshop, run, step="ranking", **places)
    group = run.groups.get(name="Nettverk 1")

    def standing() -> tuple[dict, int]:
        view = group_context(Run.objects.get(pk=run.pk), group)
        return {p.text: (s.score, s.rank) for p, s in view["standings"]}, view["ranked"]

    before = standing()
    assert before == ({"Mot": (7, 1), "Tillit": (7, 1), "Lytte": (4, 3)}, 3)
    services.erase(
        Participant.objects.get(name=writers["Mot"]), reason=ContentDeletion.Reason.PARTICIPANT
    )
    # Her point leaves the list; the others' keep their points from every ranking, hers too.
    assert standing() == ({"Tillit": (7, 1), "Lytte": (4, 2)}, 3)
    assert "Mot" not in groupcast.render(Run.objects.get(pk=run.pk), group, "en")
    assert not run.submissions.filter(text="Mot").exists()


def test_another_group_never_sees_this_groups_points(workshop, setup):
    run, phones = setup
    send(phones[whose(run)], workshop, run, step="point", text="Hemmelig punkt")
    assert "Hemmelig punkt" in groupcast.render(run, run.groups.get(name="Nettverk 1"), "en")
    assert "Hemmelig punkt" not in groupcast.render(run, run.groups.get(name="Nettverk 2"), "en")


def test_the_set_up_chooses_the_grouping_the_order_and_the_points_per_turn(
    alice_client, agenda, workshop, alice
):
    url = reverse("exercises:setup", args=[agenda[1].pk])
    page = alice_client.get(url + "?kind=round_robin").text
    for name in ("grouping", "group_size", "points_per_turn", "rotate_start", "keep"):
        assert f'name="{name}"' in page
    response = alice_client.post(
        url,
        {
            "kind": "round_robin",
            "prompt": "Gode eksempler",
            "grouping": "size",
            "group_size": 2,
            "points_per_turn": 2,
            "keep": 4,
            "minutes_rounds": 10,
            "minutes_arguments": 5,
            "minutes_rank": 5,
            "max_length": 200,
        },
    )
    assert response.status_code == 302
    settings = Exercise.objects.get().settings
    assert (settings["points_per_turn"], settings["rotate_start"], settings["keep"]) == (
        2,
        False,
        4,
    )
    live_day.start(workshop, by=alice)
    for name in ("Ane", "Bo", "Cato", "Dina"):
        Client(headers={"accept-language": "en"}).post(
            reverse("live:join_day", args=[workshop.join_code]), {"display_name": name}
        )
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 2]
    assert sorted(run.groups.values_list("name", flat=True)) == ["Group 1", "Group 2"]


def test_settings_saved_before_these_choices_read_as_network_groups_in_a_fixed_order(
    workshop, setup
):
    from exercises.kinds import round_robin

    run, _phones = setup
    settings = round_robin.settings_of(run)
    assert settings["grouping"] == "network"
    assert (settings["points_per_turn"], settings["rotate_start"]) == (1, False)
