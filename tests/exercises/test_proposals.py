from __future__ import annotations

import csv
import html
import io
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from exercises.aggregate import borda_points, dot_totals, dots_problem, standings
from exercises.kinds import proposals
from exercises.models import Exercise, Member, Run, RunEvent, Submission
from exercises.privacy import erase_submissions
from exercises.runs import change, plan_of
from live import broadcast, groupcast
from live import day as live_day
from workshops.identity import DEVICE_COOKIE
from workshops.models import AgendaItem, TransitionRefused

HTMX = {"HTTP_HX_REQUEST": "true"}
SETTINGS = {
    "prompt": "Hva skal være visjonen for ledergruppen?",
    "min_per_person": 1,
    "max_per_person": 2,
    "max_length": 40,
    "method": "dots",
    "dots": 3,
    "stack_dots": True,
    "top_k": 3,
    "collect_minutes": 3,
    "merge_minutes": 15,
    "prioritise_minutes": 4,
    "reveal_minutes": 5,
}


# Aggregation: pure functions.


def test_dots_within_the_budget_are_fine_and_more_are_refused():
    assert dots_problem({"a": 2, "b": 1}, 3, stack=True) is None
    assert dots_problem({"a": 1}, 3, stack=True) is None  # not every dot must be used
    assert dots_problem({"a": 2, "b": 2}, 3, stack=True) == "over_budget"
    assert dots_problem({"a": 2}, 3, stack=False) == "stacked"
    assert dots_problem({"a": 0}, 3, stack=True) == "none"
    assert dots_problem({"a": -1, "b": 2}, 3, stack=True) == "negative"


def test_dot_totals_follow_merges():
    ballots = [{"1": 2, "2": 1}, {"2": 3}, {"3": 1}]
    assert dot_totals(ballots) == {"1": 2, "2": 4, "3": 1}
    assert dot_totals(ballots, {"1": "2"}) == {"2": 6, "3": 1}
    # One dot per proposal: a person who dotted both halves of a merge gives it one.
    assert dot_totals([{"1": 1, "2": 1}], {"1": "2"}, stack=False) == {"2": 1}


def test_borda_gives_the_top_place_the_most_points():
    assert borda_points([["a", "b", "c"], ["b", "a"], ["c"]], 3) == {"a": 5, "b": 5, "c": 4}
    # Places beyond the top K are not counted.
    assert borda_points([["a", "b", "c", "d"]], 2) == {"a": 2, "b": 1}


def test_borda_counts_merged_proposals_once_at_the_better_place():
    assert borda_points([["a", "c", "b"]], 3, merges={"b": "a"}) == {"a": 3, "c": 2}


def test_standings_show_ties_as_ties():
    result = standings({"a": 3, "b": 5, "c": 3}, ["a", "b", "c", "d"])
    assert [(s.key, s.score, s.rank, s.tied) for s in result] == [
        ("b", 5, 1, False),
        ("a", 3, 2, True),
        ("c", 3, 2, True),
        ("d", 0, 4, False),
    ]
    assert [s.rank for s in standings({}, ["x", "y"])] == [1, 1]


# The exercise on a live day.


@pytest.fixture
def item(workshop, agenda) -> AgendaItem:
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="proposals", settings=dict(SETTINGS))
    return item


@pytest.fixture
def run(workshop, item, alice) -> Run:
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    assert phone.cookies[DEVICE_COOKIE].value
    return phone


def post(phone: Client, workshop, run, data: dict, token=None):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {**data, "token": token or uuid.uuid4()},
        **HTMX,
    )


def propose(phone, workshop, run, text: str, token=None):
    return post(phone, workshop, run, {"step": "propose", "text": text}, token)


def dots(phone, workshop, run, allocation: dict, token=None):
    data = {f"dots-{pk}": count for pk, count in allocation.items()}
    return post(phone, workshop, run, {"step": "prioritise", **data}, token)


def rank(phone, workshop, run, ranking: list, token=None):
    data = {f"rank-{place}": pk for place, pk in enumerate(ranking, start=1)}
    return post(phone, workshop, run, {"step": "prioritise", **data}, token)


def step(run, alice, action: str = "next_phase") -> Run:
    offset = +1 if action == "next_phase" else -1
    return live_day.step_phase(run, offset, by=alice, expected_version=None)


def act(run, alice, action: str, **data) -> Run:
    return change(run, action, by=alice, expected_version=None, data=data)


def ids(run) -> dict[str, str]:
    return {text: str(pk) for pk, text in run.submissions.values_list("pk", "text")}


def collect(workshop, run, entries: dict[str, list[str]]) -> dict[str, Client]:
    phones = {}
    for name, texts in entries.items():
        phones[name] = phone_for(workshop, name)
        for text in texts:
            assert propose(phones[name], workshop, run, text).status_code == 200
    return phones


def set_settings(item, **changes) -> None:
    exercise = item.exercise
    exercise.settings = {**exercise.settings, **changes}
    exercise.save()


def test_four_phases_timed_from_the_settings(workshop, run):
    assert [p.key for p in run.phases()] == ["collect", "merge", "prioritise", "reveal"]
    workshop.refresh_from_db()
    assert workshop.timer_duration.total_seconds() == 3 * 60


def test_phone_shows_the_rule_per_person_and_sends_up_to_the_most(workshop, run):
    phone = phone_for(workshop, "Kari")
    page = phone.get(reverse("live:phone", args=[workshop.join_code]))
    assert "Hva skal være visjonen for ledergruppen?" in page.text
    assert "Send at least 1 and at most 2 proposals per person." in page.text
    assert "Send at least 1 more." in page.text
    first = propose(phone, workshop, run, "  Sammen   for Seljord ")
    assert "Send at least" not in first.text  # the minimum is reached
    assert "You can send 1 more." in first.text
    assert "<li>Sammen for Seljord</li>" in first.text
    assert "You have sent as many as each person can send." in (
        propose(phone, workshop, run, "Mot i leiarskap").text
    )
    refused = propose(phone, workshop, run, "Viser vei")
    assert "You have sent 2 proposals, as many as each person can send." in refused.text
    assert 'value="Viser vei"' in refused.text
    assert list(run.submissions.values_list("text", flat=True)) == [
        "Sammen for Seljord",
        "Mot i leiarskap",
    ]


def test_too_long_and_empty_proposals_get_a_message(workshop, run):
    phone = phone_for(workshop, "Kari")
    assert "Keep it to 40 characters (this has 41)." in propose(phone, workshop, run, "x" * 41).text
    assert "Write a proposal first." in propose(phone, workshop, run, "   ").text
    assert not Submission.objects.exists()


def test_console_counts_who_reached_the_minimum_without_names(workshop, run, item, alice_client):
    set_settings(item, min_per_person=2)
    collect(workshop, run, {"Kari": ["Sammen for Seljord", "Viser vei"], "Ola": ["Gode med folk"]})
    phone_for(workshop, "Per")
    page = alice_client.get(reverse("live:console", args=[workshop.pk]))
    assert "3 proposals from 2 people." in page.text
    assert "1 of 3 people have sent at least 2." in page.text


def test_settings_refuse_a_minimum_above_the_maximum():
    form = proposals.SettingsForm({**SETTINGS, "min_per_person": 4, "max_per_person": 3})
    assert not form.is_valid()
    assert form.errors["min_per_person"] == [
        "The fewest per person can't be more than the most per person (3)."
    ]
    assert proposals.SettingsForm(SETTINGS).is_valid()


def test_setup_page_offers_the_kind(alice_client, agenda):
    url = reverse("exercises:setup", args=[agenda[3].pk])
    page = alice_client.get(url + "?kind=proposals")
    assert "Most proposals per person" in page.text
    assert "What should be the vision for our leader group?" in page.text
    alice_client.post(url, {"kind": "proposals", **SETTINGS, "stack_dots": ""})
    exercise = Exercise.objects.get()
    assert exercise.kind == "proposals"
    assert exercise.settings["stack_dots"] is False


def test_a_retried_proposal_is_saved_once(workshop, run):
    phone = phone_for(workshop, "Kari")
    token = uuid.uuid4()
    for _ in range(3):
        propose(phone, workshop, run, "Sammen for Seljord", token)
    assert Submission.objects.count() == 1


def test_phases_step_through_the_console(workshop, run, alice_client):
    url = reverse("live:act", args=[run.pk, "next_phase"])
    response = alice_client.post(url, {"version": 0}, **HTMX)
    assert response.status_code == 200
    assert "Phase 2 of 4: Merge duplicates" in response.text
    run.refresh_from_db()
    workshop.refresh_from_db()
    assert run.phase == 1
    assert workshop.timer_duration.total_seconds() == 15 * 60
    stale = alice_client.post(url, {"version": 0}, **HTMX)
    assert stale.status_code == 409
    for version in (1, 2):
        alice_client.post(url, {"version": version}, **HTMX)
    run.refresh_from_db()
    assert run.phase == 3
    last = alice_client.post(url, {"version": 3}, **HTMX)
    assert "This is the last phase." in last.text
    back = reverse("live:act", args=[run.pk, "previous_phase"])
    alice_client.post(back, {"version": 3}, **HTMX)
    run.refresh_from_db()
    assert run.phase == 2


def test_proposals_close_when_the_collect_phase_ends(workshop, run, alice):
    phone = phone_for(workshop, "Kari")
    step(run, alice)
    response = propose(phone, workshop, run, "For sent")
    assert "Proposals are closed. Nothing was saved." in response.text
    step(Run.objects.get(), alice)
    response = propose(phone, workshop, run, "For sent")
    assert "Proposals are closed; now everyone prioritises. Nothing was saved." in response.text
    assert not Submission.objects.exists()


def test_facilitator_merges_keeping_one_wording_and_hides_off_topic(
    workshop, run, alice, alice_client
):
    collect(
        workshop,
        run,
        {
            "Kari": ["Sammen for Seljord"],
            "Ola": ["Sammen for fellesskapet"],
            "Per": ["Styrke gjennom fellesskap"],
            "Liv": ["Kaffe i lunsjen"],
        },
    )
    run = step(run, alice)
    pk = ids(run)
    url = reverse("live:act", args=[run.pk, "merge"])
    response = alice_client.post(
        url,
        {
            "version": run.version,
            "ids": [pk["Sammen for Seljord"], pk["Sammen for fellesskapet"]],
            "keep": pk["Sammen for Seljord"],
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Merged from" in response.text
    run.refresh_from_db()
    run = act(
        run,
        alice,
        "merge",
        ids=[pk["Styrke gjennom fellesskap"], pk["Sammen for Seljord"]],
        keep=pk["Styrke gjennom fellesskap"],
    )
    run = act(run, alice, "hide", id=pk["Kaffe i lunsjen"])
    listed = proposals.proposals_of(run)
    assert [(p.text, p.merged_from, p.hidden) for p in listed] == [
        ("Styrke gjennom fellesskap", ("Sammen for Seljord", "Sammen for fellesskapet"), False),
        ("Kaffe i lunsjen", (), True),
    ]
    # Participants' text is never edited.
    assert set(Submission.objects.values_list("text", flat=True)) == set(pk)
    phone_page = phone_for(workshop, "Anne").get(reverse("live:phone", args=[workshop.join_code]))
    assert "Styrke gjennom fellesskap" in phone_page.text
    assert "Kaffe i lunsjen" not in phone_page.text
    assert list(RunEvent.objects.values_list("action", flat=True)) == [
        "next_phase",
        "merge",
        "merge",
        "hide",
    ]
    # Splitting gives each wording back its own line.
    run = act(run, alice, "split", id=pk["Styrke gjennom fellesskap"])
    assert len(proposals.proposals_of(run)) == 4


def test_merge_needs_two_ticked_and_a_wording_and_stops_when_prioritising(workshop, run, alice):
    collect(workshop, run, {"Kari": ["A"], "Ola": ["B"]})
    pk = ids(run)
    with pytest.raises(TransitionRefused, match="Tick at least two proposals"):
        act(run, alice, "merge", ids=[pk["A"]], keep=pk["A"])
    with pytest.raises(TransitionRefused, match="Choose which of the ticked wordings"):
        act(run, alice, "merge", ids=[pk["A"], pk["B"]])
    run = step(step(run, alice), alice)
    with pytest.raises(TransitionRefused, match="go back to the merge phase"):
        act(run, alice, "merge", ids=[pk["A"], pk["B"]], keep=pk["A"])
    with pytest.raises(TransitionRefused):
        act(run, alice, "hide", id=pk["A"])


def to_prioritise(run, alice) -> Run:
    return step(step(run, alice), alice)


def test_merge_then_prioritise_counts_merged_proposals_as_one(workshop, run, alice):
    phones = collect(
        workshop,
        run,
        {"Kari": ["Sammen for Seljord"], "Ola": ["Sammen i Seljord"], "Per": ["Viser vei"]},
    )
    pk = ids(run)
    run = step(run, alice)
    run = act(
        run,
        alice,
        "merge",
        ids=[pk["Sammen for Seljord"], pk["Sammen i Seljord"]],
        keep=pk["Sammen i Seljord"],
    )
    run = step(run, alice)
    page = phones["Kari"].get(reverse("live:phone", args=[workshop.join_code]))
    assert f'name="dots-{pk["Sammen i Seljord"]}"' in page.text
    assert f'name="dots-{pk["Sammen for Seljord"]}"' not in page.text
    assert "Spread your 3 dots over the proposals you like best." in page.text
    dots(phones["Kari"], workshop, run, {pk["Sammen i Seljord"]: 2, pk["Viser vei"]: 1})
    dots(phones["Ola"], workshop, run, {pk["Sammen i Seljord"]: 3})
    # A dot on the merged-away proposal (a phone that still had the old list) counts for it.
    dots(phones["Per"], workshop, run, {pk["Viser vei"]: 1})
    Submission.objects.filter(key="vote", author__display_name="Per").update(
        data={"dots": {pk["Sammen for Seljord"]: 1, pk["Viser vei"]: 1}}
    )
    result = proposals.room_context(run)["results"]
    assert [(r.proposal.text, r.score, r.rank) for r in result] == [
        ("Sammen i Seljord", 6, 1),
        ("Viser vei", 2, 2),
    ]


def test_a_changed_vote_replaces_the_old_one(workshop, run, alice):
    phones = collect(workshop, run, {"Kari": ["A", "B"], "Ola": ["C"]})
    pk = ids(run)
    run = to_prioritise(run, alice)
    first = dots(phones["Kari"], workshop, run, {pk["A"]: 2, pk["B"]: 1})
    assert "Saved. You can change it until this phase ends" in first.text
    assert f'name="dots-{pk["A"]}" id="dots-{run.pk}-{pk["A"]}" value="2"' in first.text
    dots(phones["Kari"], workshop, run, {pk["C"]: 3})
    assert Submission.objects.filter(key="vote").count() == 1
    result = {r.proposal.text: r.score for r in proposals.room_context(run)["results"]}
    assert result == {"C": 3, "A": 0, "B": 0}
    page = phones["Kari"].get(reverse("live:phone", args=[workshop.join_code]))
    assert f'name="dots-{pk["C"]}" id="dots-{run.pk}-{pk["C"]}" value="3"' in page.text


def test_a_retried_vote_is_saved_once(workshop, run, alice):
    phones = collect(workshop, run, {"Kari": ["A"]})
    run = to_prioritise(run, alice)
    token = uuid.uuid4()
    for _ in range(3):
        dots(phones["Kari"], workshop, run, {ids(run)["A"]: 3}, token)
    assert Submission.objects.filter(key="vote").count() == 1


def test_more_dots_than_allowed_are_refused_with_a_message(workshop, run, item, alice):
    phones = collect(workshop, run, {"Kari": ["A", "B"]})
    pk = ids(run)
    run = to_prioritise(run, alice)
    refused = dots(phones["Kari"], workshop, run, {pk["A"]: 3, pk["B"]: 2})
    assert "You have 3 dots and placed 5. Take 2 away." in refused.text
    assert 'value="3"' in refused.text  # what was sent stays, to be fixed
    assert "Place at least one dot." in dots(phones["Kari"], workshop, run, {pk["A"]: 0}).text
    too_many_on_one = dots(phones["Kari"], workshop, run, {pk["A"]: 4}).text
    assert "3 dots at most on one proposal." in too_many_on_one
    assert "Place at least one dot." not in too_many_on_one  # the field's message is the one
    set_settings(item, stack_dots=False)
    page = phones["Kari"].get(reverse("live:phone", args=[workshop.join_code]))
    assert f'type="checkbox" name="dots-{pk["A"]}" value="1"' in page.text
    assert "One dot at most on each proposal." in (
        dots(phones["Kari"], workshop, run, {pk["A"]: 2}).text
    )
    assert not Submission.objects.filter(key="vote").exists()


def test_ranking_counts_borda_points_and_shows_ties(workshop, run, item, alice, bob_client):
    set_settings(item, method="ranking", top_k=2)
    phones = collect(workshop, run, {"Kari": ["A", "B"], "Ola": ["C"]})
    pk = ids(run)
    run = to_prioritise(run, alice)
    page = phones["Kari"].get(reverse("live:phone", args=[workshop.join_code]))
    assert "Rank the 2 proposals you like best, the best first." in page.text
    assert f'id="rank-{run.pk}-2"' in page.text
    assert f'id="rank-{run.pk}-3"' not in page.text
    assert "Each proposal can have one place only." in (
        rank(phones["Kari"], workshop, run, [pk["A"], pk["A"]]).text
    )
    gap = post(phones["Kari"], workshop, run, {"step": "prioritise", "rank-2": pk["A"]})
    assert "Fill the places from the top, without gaps." in gap.text
    rank(phones["Kari"], workshop, run, [pk["A"], pk["B"]])
    rank(phones["Ola"], workshop, run, [pk["B"], pk["A"]])
    result = proposals.room_context(run)["results"]
    assert [(r.proposal.text, r.score, r.rank, r.tied) for r in result] == [
        ("A", 3, 1, True),
        ("B", 3, 1, True),
        ("C", 0, 3, False),
    ]
    run = step(run, alice)
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert presenter.count("shared place") == 2
    assert "3 points" in presenter


def test_votes_close_with_the_phase(workshop, run, alice):
    phones = collect(workshop, run, {"Kari": ["A"]})
    refused = dots(phones["Kari"], workshop, run, {ids(run)["A"]: 1})
    assert "Prioritising has not started yet." in refused.text
    run = step(to_prioritise(run, alice), alice)
    refused = dots(phones["Kari"], workshop, run, {ids(run)["A"]: 1})
    assert "Prioritising is closed. Nothing was saved." in refused.text
    assert not Submission.objects.filter(key="vote").exists()


def test_decision_is_recorded_and_shown(workshop, run, alice, alice_client, bob_client):
    phones = collect(
        workshop, run, {"Kari": ["Sammen for Seljord", "Viser vei"], "Ola": ["Gode med folk"]}
    )
    pk = ids(run)
    run = to_prioritise(run, alice)
    dots(phones["Kari"], workshop, run, {pk["Viser vei"]: 2, pk["Gode med folk"]: 1})
    with pytest.raises(TransitionRefused, match="Decide when the result is revealed"):
        act(run, alice, "decide", id=pk["Viser vei"])
    run = step(run, alice)
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "2 dots" in presenter
    assert "Decided" not in presenter
    url = reverse("live:act", args=[run.pk, "decide"])
    response = alice_client.post(url, {"version": run.version, "id": pk["Gode med folk"]}, **HTMX)
    assert response.status_code == 200
    run.refresh_from_db()
    decision = run.state["decision"]
    assert decision["chosen"] == {
        "id": pk["Gode med folk"],
        "text": "Gode med folk",
        "score": 1,
        "rank": 2,
    }
    assert [a["text"] for a in decision["alternatives"]] == ["Viser vei", "Sammen for Seljord"]
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert 'class="decided__text">Gode med folk</p>' in presenter
    assert "2 other proposals are kept as alternatives." in presenter
    phone = phones["Ola"].get(reverse("live:phone", args=[workshop.join_code])).text
    assert 'class="decided__text">Gode med folk</p>' in phone
    run = act(run, alice, "undo_decision")
    assert "decision" not in run.state


def test_who_voted_what_is_never_shown(workshop, run, alice, alice_client, bob_client):
    phones = collect(workshop, run, {"Kari Nordmann": ["A"], "Ola Hansen": ["B"]})
    pk = ids(run)
    run = to_prioritise(run, alice)
    dots(phones["Kari Nordmann"], workshop, run, {pk["A"]: 3})
    dots(phones["Ola Hansen"], workshop, run, {pk["B"]: 1})
    for phase in ("prioritise", "reveal"):
        presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
        console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
        room = broadcast.render(workshop, "participants", "en")
        for page in (presenter, console, room):
            assert "Kari Nordmann" not in page
            assert "Ola Hansen" not in page
        assert "2 of 2 have prioritised" in presenter
        if phase == "prioritise":
            assert "result__score" not in presenter  # totals wait for the reveal
            assert "Totals so far" in console
            run = step(run, alice)
    assert '<span class="result__score">3 dots</span>' in presenter
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert "Kari" not in export.content.decode("utf-8-sig")


def test_the_room_fragment_is_drawn_without_anyones_own_things(workshop, run, alice):
    phones = collect(workshop, run, {"Kari": ["Sammen for Seljord"]})
    room = broadcast.render(workshop, "participants", "en")
    assert f'id="mine-{run.pk}-collect" hx-preserve="true"' in room
    assert "You sent" not in room
    assert 'name="csrfmiddlewaretoken"' not in room
    run = to_prioritise(run, alice)
    room = broadcast.render(workshop, "participants", "en")
    assert f'id="mine-{run.pk}-prioritise" hx-preserve="true"' in room
    assert 'hx-trigger="load"' not in room  # nobody has voted yet: nothing to fetch
    dots(phones["Kari"], workshop, run, {ids(run)["Sammen for Seljord"]: 3})
    run = step(step(run, alice, "previous_phase"), alice)
    room = broadcast.render(workshop, "participants", "en")
    # Back in the phase: each phone fetches its own vote into the new element once.
    assert 'hx-trigger="load"' in room
    assert f'hx-select="#mine-{run.pk}-prioritise > *"' in room
    assert 'value="3"' not in room


def test_participant_text_is_escaped(workshop, run, alice, bob_client):
    collect(workshop, run, {"Kari": ["<script>alert(1)</script>"]})
    run = step(run, alice)
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in presenter
    assert "<script>alert(1)" not in presenter


def test_csv_export(workshop, run, alice, bob_client):
    phones = collect(
        workshop, run, {"Kari": ["Sammen for Seljord", "=SUM(A1)"], "Ola": ["Sammen i Seljord"]}
    )
    pk = ids(run)
    run = step(run, alice)
    run = act(
        run,
        alice,
        "merge",
        ids=[pk["Sammen for Seljord"], pk["Sammen i Seljord"]],
        keep=pk["Sammen for Seljord"],
    )
    run = act(run, alice, "hide", id=pk["=SUM(A1)"])
    run = step(run, alice)
    dots(phones["Ola"], workshop, run, {pk["Sammen for Seljord"]: 3})
    run = step(run, alice)
    act(run, alice, "decide", id=pk["Sammen for Seljord"])
    response = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Proposal", "Merged from", "Dots", "Place", "Chosen", "Hidden"],
        ["Sammen for Seljord", "Sammen i Seljord", "3", "1", "yes", ""],
        ["'=SUM(A1)", "", "", "", "", "yes"],
    ]


# When each group proposes: the secretary writes, the group watches its own list.

GROUP_SETTINGS = {
    "who_proposes": "group",
    "grouping": "size",
    "group_size": 2,
    "secretary_rule": "fair",
    "min_per_group": 2,
    "max_per_group": 3,
}
NAMES = ["Ane", "Bo", "Cato", "Dina"]


@pytest.fixture
def grouped(workshop, item, alice) -> tuple[Run, dict[str, Client]]:
    set_settings(item, **GROUP_SETTINGS)
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def seen(response) -> str:
    return html.unescape(response.text if hasattr(response, "text") else response)


def secretary_of(group) -> str:
    return group.members.select_related("attendee").get(role="secretary").attendee.display_name


def other_in(group) -> str:
    return (
        group.members.select_related("attendee").exclude(role="secretary")[0].attendee.display_name
    )


def phone_page(phone, workshop) -> str:
    return seen(phone.get(reverse("live:phone", args=[workshop.join_code])))


def test_person_mode_is_a_whole_room_exercise(workshop, run):
    assert proposals.grouping(proposals.settings_of(run)) is None
    assert plan_of(run) is None
    assert not run.groups.exists()
    phone = phone_for(workshop, "Kari")
    assert Member.objects.count() == 0  # joining during the run places nobody in a group
    stream = phone.get(reverse("live:group_stream", args=[workshop.join_code, run.pk]))
    assert stream.status_code == 404
    page = phone_page(phone, workshop)
    assert "group_stream" not in page and f"proposals-group-{run.pk}" not in page
    context = broadcast.exercise_context(workshop)
    assert context["run_groups"] == [] and context["run_roles"] is None


def test_groups_are_formed_each_with_a_secretary_and_a_chair(workshop, grouped):
    run, phones = grouped
    groups = list(run.groups.all())
    assert [g.members.count() for g in groups] == [2, 2]
    for group in groups:
        assert sorted(group.members.values_list("role", flat=True)) == ["chair", "secretary"]
    page = phone_page(phones[secretary_of(groups[0])], workshop)
    assert "Each group sends at least 2 and at most 3 proposals. The secretary writes them." in page
    assert f"{groups[0].name} · You are secretary" in page
    assert 'name="step" value="propose"' in page
    member_page = phone_page(phones[other_in(groups[0])], workshop)
    assert "You are chair" in member_page
    assert 'name="step" value="propose"' not in member_page  # no form for the others
    assert "The secretary writes the group's proposals on their phone." in member_page
    assert "The group needs at least 2 more." in member_page


def test_only_the_secretary_writes_and_the_group_sees_it(workshop, grouped):
    run, phones = grouped
    group = run.groups.first()
    writer, member = secretary_of(group), other_in(group)
    refused = propose(phones[member], workshop, run, "Sammen for Seljord")
    assert refused.status_code == 200
    assert (
        "Only your group's secretary writes the group's proposals. Tell the secretary yours."
        in seen(refused)
    )
    assert not Submission.objects.exists()
    propose(phones[writer], workshop, run, "  Sammen   for Seljord ")
    saved = Submission.objects.get()
    assert (saved.text, saved.group, saved.author.display_name) == (
        "Sammen for Seljord",
        group,
        writer,
    )
    # The group's stream and the member's own page show the list and what is still needed.
    view = seen(groupcast.render(run, group, "en"))
    assert "<li>Sammen for Seljord</li>" in view
    assert "The group's proposals (1)" in view
    assert "The group needs at least 1 more." in view
    assert "It can send 2 more." in view
    assert "<li>Sammen for Seljord</li>" in phone_page(phones[member], workshop)


def test_the_most_per_group_is_kept_and_the_role_can_pass_on(workshop, grouped):
    run, phones = grouped
    group = run.groups.first()
    writer, member = secretary_of(group), other_in(group)
    for text in ("A", "B"):
        propose(phones[writer], workshop, run, text)
    assert "The group needs" not in seen(groupcast.render(run, group, "en"))
    # The secretary's role passes to the other member: the new one writes on the same list.
    Member.objects.filter(group=group).update(role="chair")
    Member.objects.filter(group=group, attendee__display_name=member).update(role="secretary")
    assert "Only your group's secretary" in seen(propose(phones[writer], workshop, run, "X"))
    token = uuid.uuid4()
    last = seen(propose(phones[member], workshop, run, "C", token))
    assert "Your group has sent as many as each group can send." in last
    full = seen(propose(phones[member], workshop, run, "D"))
    assert "Your group has sent 3 proposals, as many as each group can send." in full
    assert 'value="D"' in full  # what was typed stays
    propose(phones[member], workshop, run, "C", token)  # a retry of the last one is no error
    assert list(run.submissions.filter(group=group).values_list("text", flat=True)) == [
        "A",
        "B",
        "C",
    ]
    assert "The group has sent as many as each group can send." in seen(
        groupcast.render(run, group, "en")
    )


def test_one_group_never_sees_another_groups_list_before_the_merge(
    workshop, grouped, alice, alice_client, bob_client
):
    run, phones = grouped
    first, second = run.groups.all()
    propose(phones[secretary_of(first)], workshop, run, "Sammen for Seljord")
    propose(phones[secretary_of(second)], workshop, run, "Mot i leiarskap")
    propose(phones[secretary_of(second)], workshop, run, "Gode med folk")
    assert "Sammen for Seljord" in seen(groupcast.render(run, first, "en"))
    assert "Mot i leiarskap" not in seen(groupcast.render(run, first, "en"))
    assert "Sammen for Seljord" not in seen(groupcast.render(run, second, "en"))
    for name in (secretary_of(first), other_in(first)):
        page = phone_page(phones[name], workshop)
        assert "Sammen for Seljord" in page
        assert "Mot i leiarskap" not in page and "Gode med folk" not in page
    room = broadcast.render(workshop, "participants", "en")
    presenter = seen(bob_client.get(reverse("live:presenter", args=[workshop.pk])))
    for page in (room, presenter):
        assert "Sammen for Seljord" not in page and "Mot i leiarskap" not in page
    # Counts against the minimum, per group, on the projector and the console.
    assert f"{first.name}: 1 of at least 2" in presenter
    assert f"{second.name}: 2 of at least 2" in presenter
    console = seen(alice_client.get(reverse("live:console", args=[workshop.pk])))
    assert "3 proposals from 2 groups." in console
    assert "1 of 2 groups have sent at least 2." in console
    assert f"{first.name}: 1 of at least 2" in console
    # The merge phase puts every group's proposals before the room.
    step(run, alice)
    room = broadcast.render(workshop, "participants", "en")
    assert "Sammen for Seljord" in room and "Mot i leiarskap" in room


def test_group_proposals_are_merged_prioritised_revealed_and_exported(
    workshop, grouped, alice, bob_client
):
    run, phones = grouped
    first, second = run.groups.all()
    propose(phones[secretary_of(first)], workshop, run, "Sammen for Seljord")
    propose(phones[secretary_of(first)], workshop, run, "Viser vei")
    propose(phones[secretary_of(second)], workshop, run, "Sammen i Seljord")
    propose(phones[secretary_of(second)], workshop, run, "Gode med folk")
    pk = ids(run)
    run = step(run, alice)
    run = act(
        run,
        alice,
        "merge",
        ids=[pk["Sammen for Seljord"], pk["Sammen i Seljord"]],
        keep=pk["Sammen i Seljord"],
    )
    run = step(run, alice)
    # Everyone prioritises, each person once: the secretaries and the others alike.
    for name in NAMES:
        page = phone_page(phones[name], workshop)
        assert f'name="dots-{pk["Sammen i Seljord"]}"' in page
        assert f'name="dots-{pk["Sammen for Seljord"]}"' not in page
    dots(phones["Ane"], workshop, run, {pk["Sammen i Seljord"]: 3})
    dots(phones["Bo"], workshop, run, {pk["Viser vei"]: 2, pk["Sammen i Seljord"]: 1})
    dots(phones["Cato"], workshop, run, {pk["Gode med folk"]: 1})
    dots(phones["Dina"], workshop, run, {pk["Viser vei"]: 1})
    assert Submission.objects.filter(key="vote").count() == 4
    run = step(run, alice)
    presenter = seen(bob_client.get(reverse("live:presenter", args=[workshop.pk])))
    assert "4 of 4 have prioritised" in presenter
    assert '<span class="result__score">4 dots</span>' in presenter
    run = act(run, alice, "decide", id=pk["Sammen i Seljord"])
    assert run.state["decision"]["chosen"]["text"] == "Sammen i Seljord"
    assert [a["text"] for a in run.state["decision"]["alternatives"]] == [
        "Viser vei",
        "Gode med folk",
    ]
    [offer] = proposals.promotable(run)
    assert offer.items == ("Sammen i Seljord",)
    response = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Proposal", "Group", "Merged from", "Dots", "Place", "Chosen", "Hidden"],
        [
            "Sammen i Seljord",
            f"{second.name} | {first.name}",
            "Sammen for Seljord",
            "4",
            "1",
            "yes",
            "",
        ],
        ["Viser vei", first.name, "", "3", "2", "", ""],
        ["Gode med folk", second.name, "", "1", "3", "", ""],
    ]


def test_a_groups_deleted_proposals_still_count_for_the_group_but_their_texts_go(
    workshop, grouped, alice, alice_client
):
    """Deleted as retention deletes them (erasure leaves a group's proposals with the group):
    the texts go, what the group has sent still counts."""
    run, phones = grouped
    first = run.groups.first()
    writer = secretary_of(first)
    propose(phones[writer], workshop, run, "Sammen for Seljord")
    propose(phones[writer], workshop, run, "Viser vei")
    erase_submissions(Submission.objects.filter(author__display_name=writer))
    run.refresh_from_db()
    assert not Submission.objects.exclude(author=None, text="").exists()
    assert proposals.proposals_of(run) == []
    assert "Viser vei" not in json.dumps(run.state)
    console = seen(alice_client.get(reverse("live:console", args=[workshop.pk])))
    assert f"{first.name}: 2 of at least 2" in console
    assert "1 of 2 groups have sent at least 2." in console
    assert "Viser vei" not in seen(groupcast.render(run, first, "en"))
    # The deleted ones still take their places under the group's most (3).
    mate = other_in(first)
    Member.objects.filter(group=first, attendee__display_name=mate).update(role="secretary")
    propose(phones[mate], workshop, run, "Gode med folk")
    full = seen(propose(phones[mate], workshop, run, "Mot"))
    assert "Your group has sent 3 proposals, as many as each group can send." in full
    assert list(Submission.objects.exclude(text="").values_list("text", flat=True)) == [
        "Gode med folk"
    ]


def test_group_settings_are_checked_and_keep_their_defaults_when_left_empty():
    form = proposals.SettingsForm(
        {**SETTINGS, **GROUP_SETTINGS, "min_per_group": 4, "max_per_group": 3}
    )
    assert not form.is_valid()
    assert form.errors["min_per_group"] == [
        "The fewest per group can't be more than the most per group (3)."
    ]
    form = proposals.SettingsForm({**SETTINGS, "who_proposes": "", "min_per_group": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["who_proposes"] == "person"
    assert form.cleaned_data["min_per_group"] == 3
    assert proposals.grouping(form.cleaned_data) is None
    assert proposals.grouping({**form.cleaned_data, **GROUP_SETTINGS}) == {
        "mode": "size",
        "size": 2,
        "roles": ["secretary", "chair"],
        "rule": "fair",
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_secretary_sending_many_at_once_gets_exactly_the_groups_most(workshop, agenda, alice):
    # Ten sends at the same moment (a stuck button): the group's row is locked, so exactly
    # the group's most get in, and every other send hears that the list is full.
    Exercise.objects.create(
        agenda_item=agenda[3], kind="proposals", settings={**SETTINGS, **GROUP_SETTINGS}
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    group = run.groups.first()
    device = phones[secretary_of(group)].cookies[DEVICE_COOKIE].value
    url = reverse("live:submit", args=[workshop.join_code, run.pk])

    def send(number: int) -> str:
        phone = Client(headers={"accept-language": "en"})
        phone.cookies[DEVICE_COOKIE] = device
        try:
            data = {"step": "propose", "text": f"Forslag {number}", "token": uuid.uuid4()}
            return seen(phone.post(url, data, **HTMX))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, range(10)))
    assert run.submissions.filter(group=group).count() == 3
    refused = [a for a in answers if "Your group has sent 3 proposals" in a]
    assert len(refused) == 7
