from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from exercises.kinds import duo
from exercises.models import Exercise, Member, Run
from exercises.runs import form_groups
from live import day as live_day
from workshops.identity import DEVICE_COOKIE
from workshops.models import Attendee, Participant, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    assert phone.cookies[DEVICE_COOKIE].value
    return phone


@pytest.fixture
def day(workshop, agenda, alice) -> Workshop:
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="duo",
        settings={"prompt": "Hva har du vært opptatt av?", "minutes": 8, "note": True},
    )
    live_day.start(workshop, by=alice)
    return workshop


def reach_duo(day, alice) -> Run:
    live_day.advance(day, +1, by=alice, expected_version=None)
    return Run.objects.get()


def test_pairs_with_a_trio_when_the_room_is_odd(day, alice):
    phones = {name: phone_for(day, name) for name in ["Ane", "Bo", "Cato", "Dina", "Eli"]}
    run = reach_duo(day, alice)
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 3]
    page = phones["Ane"].get(reverse("live:phone", args=[day.join_code]))
    assert "You talk with" in page.text
    partners = {
        m.attendee.display_name
        for m in Member.objects.get(attendee__display_name="Ane").group.members.all()
    } - {"Ane"}
    for name in partners:
        assert name in page.text
    day.refresh_from_db()
    assert day.timer_duration == dt.timedelta(minutes=8)


def test_late_joiner_goes_to_the_smallest_group(day, alice):
    for name in ["Ane", "Bo", "Cato"]:
        phone_for(day, name)
    run = reach_duo(day, alice)
    assert sorted(g.members.count() for g in run.groups.all()) == [3]
    dina = phone_for(day, "Dina")  # one group of three: she joins it (the only one)
    late = Member.objects.get(attendee__display_name="Dina")
    assert late.joined_late
    assert Member.objects.filter(run=run).count() == 4
    dina.post(reverse("live:join_day", args=[day.join_code]), {"display_name": "Dina H"})
    # Joining again from her phone (a new name) does not place her twice.
    assert Member.objects.filter(run=run).count() == 4


def test_facilitator_moves_someone(day, alice, alice_client):
    for name in ["Ane", "Bo", "Cato", "Dina"]:
        phone_for(day, name)
    run = reach_duo(day, alice)
    ane = Member.objects.get(attendee__display_name="Ane")
    other = run.groups.exclude(pk=ane.group_id).get()
    response = alice_client.post(
        reverse("live:act", args=[run.pk, "move"]),
        {"version": run.version, "member": ane.pk, "group": other.pk},
        **HTMX,
    )
    assert response.status_code == 200
    ane.refresh_from_db()
    assert ane.group == other
    bad = alice_client.post(
        reverse("live:act", args=[run.pk, "move"]),
        {"version": run.version + 1, "member": 999999, "group": other.pk},
        **HTMX,
    )
    assert "That person or group is not in this exercise." in bad.text


def test_private_note_replaces_itself_and_stays_private(day, alice, bob_client):
    phones = {name: phone_for(day, name) for name in ["Ane", "Bo"]}
    run = reach_duo(day, alice)
    url = reverse("live:submit", args=[day.join_code, run.pk])
    early = phones["Ane"].post(url, {"text": "for tidlig", "token": uuid.uuid4()}, **HTMX)
    assert "Notes open after the talk." in early.text
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    phones["Ane"].post(url, {"text": "Første utkast", "token": uuid.uuid4()}, **HTMX)
    saved = phones["Ane"].post(url, {"text": "<b>Lytte mer</b>", "token": uuid.uuid4()}, **HTMX)
    assert "Saved. Only you can see it." in saved.text
    assert list(run.submissions.values_list("text", flat=True)) == ["<b>Lytte mer</b>"]
    assert "Lytte mer" not in phones["Bo"].get(reverse("live:phone", args=[day.join_code])).text
    console = bob_client.get(reverse("live:presenter", args=[day.pk]))
    assert "Lytte mer" not in console.text
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert "Lytte mer" not in export.content.decode("utf-8-sig")
    assert "Ane" in export.content.decode("utf-8-sig")


def test_roles_by_a_playful_rule_and_fairly_over_a_programme_of_three_days(
    programme, alice, monkeypatch
):
    monkeypatch.setattr(
        duo,
        "grouping",
        lambda settings: {
            "mode": "size",
            "size": 4,
            "roles": ["secretary", "chair"],
            "rule": "shortest_first_name",
        },
    )
    names = ["Bo Lie", "Anette Dahl", "Kristoffer Ruud", "Margrethe Vik"]
    # Roles follow the roster person from day to day, whatever phone they use.
    people = {name: Participant.objects.create(programme=programme, name=name) for name in names}
    runs = []
    for number in (1, 2, 3):
        day = Workshop.objects.create(
            programme=programme, number=number, date=dt.date(2026, 10, number)
        )
        item = day.add_item(kind="exercise", title="Duo", duration_minutes=10)
        exercise = Exercise.objects.create(agenda_item=item, kind="duo", settings={})
        for name in names:
            Attendee.objects.create(
                workshop=day,
                participant=people[name],
                display_name=name,
                device_hash=f"{number}{name}",
            )
        run = Run.objects.create(exercise=exercise, workshop=day)
        form_groups(run, random.Random(number))
        runs.append(run)
    # The rule is computed where the app knows the answer: Bo has the shortest first name.
    secretaries = [
        Member.objects.get(run=run, role="secretary").attendee.display_name for run in runs
    ]
    assert secretaries == ["Bo Lie"] * 3
    # Chair is handed out fairly over the three days: three different people.
    chairs = Counter(
        Member.objects.get(run=run, role="chair").attendee.display_name for run in runs
    )
    assert max(chairs.values()) == 1


def test_each_phone_says_who_talks_first_and_the_console_calls_them_pairs(day, alice, alice_client):
    phones = {name: phone_for(day, name) for name in ["Ane", "Bo", "Cato", "Dina"]}
    run = reach_duo(day, alice)
    assert sorted(run.groups.values_list("name", flat=True)) == ["Pair 1", "Pair 2"]
    for group in run.groups.all():
        first, second = [m.attendee.display_name for m in group.members.order_by("pk")]
        page = phones[first].get(reverse("live:phone", args=[day.join_code])).text
        assert f"You talk first. At the signal, it is {second}'s turn." in page
        page = phones[second].get(reverse("live:phone", args=[day.join_code])).text
        assert f"{first} talks first. At the signal, it is your turn." in page
    console = alice_client.get(reverse("live:console", args=[day.pk])).text
    assert "<strong>Pair 1</strong>" in console and "Group 1" not in console
    export = alice_client.get(reverse("exercises:export_csv", args=[run.pk]))
    rows = export.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Pair;Talks first;People"


def test_the_switch_comes_at_half_time_or_as_set(day, alice, bob_client):
    phone_for(day, "Ane")
    phone_for(day, "Bo")
    run = reach_duo(day, alice)
    day.refresh_from_db()
    started = day.timer_ends_at - day.timer_duration
    half = duo.room_context(run)["switch_at_ms"]
    assert half == int((started + dt.timedelta(minutes=4)).timestamp() * 1000)
    run.exercise.settings = {**run.exercise.settings, "switch_minutes": 3}
    run.exercise.save()
    set_at = duo.room_context(run)["switch_at_ms"]
    assert set_at == int((started + dt.timedelta(minutes=3)).timestamp() * 1000)
    shown = bob_client.get(reverse("live:presenter", args=[day.pk])).text
    assert "Switch after 3 minutes" in shown and f'data-switch-at="{set_at}"' in shown
    # Paused, there is no time to switch at; resumed, it moves on with the deadline.
    live_day.change_timer(day, "pause", by=alice, expected_version=None)
    run = Run.objects.get()
    assert duo.room_context(run)["switch_at_ms"] is None


def test_the_switch_must_come_before_the_time_is_up():
    form = duo.SettingsForm(
        {
            "prompt": "Hva nå?",
            "minutes": 6,
            "switch_minutes": 6,
            "note_minutes": 2,
            "note_length": 500,
        }
    )
    assert form.errors["switch_minutes"] == ["Switch before the time is up: at most 5 minutes."]
    form = duo.SettingsForm(
        {
            "prompt": "Hva nå?",
            "minutes": 6,
            "switch_minutes": 2,
            "note_minutes": 2,
            "note_length": 500,
        }
    )
    assert form.is_valid(), form.errors
    assert duo.switch_after(form.cleaned_data) == dt.timedelta(minutes=2)
    assert duo.switch_after({"minutes": 6, "switch_minutes": None}) == dt.timedelta(minutes=3)
