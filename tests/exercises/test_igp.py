from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Member, Run
from exercises.runs import change
from live import day as live_day
from tests.support import run_async
from tests.workshops.test_live_views import Stream
from workshops.identity import DEVICE_COOKIE

HTMX = {"HTTP_HX_REQUEST": "true"}
NAMES = ["Ane", "Bo", "Cato", "Dina", "Eli", "Frode", "Gro", "Hans"]


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    return phone


def start(workshop, agenda, alice, **settings):
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="igp",
        settings={
            "prompt": "Hvilke verdier?",
            "target": 3,
            "grouping": "size",
            "group_size": 4,
            **settings,
        },
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def note(phone, workshop, run, text, **extra):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"text": text, "token": uuid.uuid4(), **extra},
        **HTMX,
    )


def group_of(name: str) -> Member:
    return Member.objects.select_related("group").get(attendee__display_name=name)


def test_two_groups_of_four_each_with_a_secretary(workshop, agenda, alice):
    run, _phones = start(workshop, agenda, alice)
    assert sorted(g.members.count() for g in run.groups.all()) == [4, 4]
    for group in run.groups.all():
        roles = sorted(m.role for m in group.members.all())
        assert roles == ["", "chair", "secretary", "timekeeper"]
    workshop.refresh_from_db()
    # Phase I: its share of the 30-minute item (4, 23 and 3 minutes, as suggested 4, 20, 3).
    assert workshop.timer_duration.total_seconds() == 4 * 60


def test_private_notes_then_shared_within_the_group_only(workshop, agenda, alice, bob_client):
    run, phones = start(workshop, agenda, alice)
    note(phones["Ane"], workshop, run, "Tillit")
    ane = group_of("Ane")
    other = next(n for n in NAMES if group_of(n).group_id != ane.group_id)
    mate = next(n for n in NAMES if n != "Ane" and group_of(n).group_id == ane.group_id)
    from live import groupcast

    # Phase I: nobody else sees it, not even the group; the console shows a count.
    assert "Tillit" not in groupcast.render(run, ane.group, "en")
    console = bob_client.get(reverse("live:presenter", args=[workshop.pk]))
    assert "Tillit" not in console.text
    assert "1 note from 1 people" in console.text
    # Phase G: the group sees it; the other group never does.
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    assert "Tillit" in groupcast.render(run, ane.group, "en")
    assert "Tillit" not in groupcast.render(run, group_of(other).group, "en")
    assert "Tillit" not in phones[mate].get(reverse("live:phone", args=[workshop.join_code])).text
    workshop.refresh_from_db()
    assert workshop.timer_duration.total_seconds() == 23 * 60


def test_only_the_secretary_writes_the_list_up_to_the_target(workshop, agenda, alice):
    run, phones = start(workshop, agenda, alice)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    secretary = Member.objects.filter(run=run, role="secretary").select_related("attendee")[0]
    someone = Member.objects.filter(run=run, group=secretary.group).exclude(role="secretary")[0]
    refused = note(phones[someone.attendee.display_name], workshop, run, "Mot", step="output")
    assert "Only the secretary writes the group&#x27;s list." in refused.text
    writer = phones[secretary.attendee.display_name]
    for text in ["Tillit", "Mot", "Raushet"]:
        note(writer, workshop, run, text, step="output")
    full = note(writer, workshop, run, "Humor", step="output")
    assert "The list has 3 points, as many as the task asks for." in full.text
    assert list(run.submissions.filter(key="output").values_list("text", flat=True)) == [
        "Tillit",
        "Mot",
        "Raushet",
    ]
    assert set(run.submissions.filter(key="output").values_list("group", flat=True)) == {
        secretary.group_id
    }


def test_plenary_shows_every_list_and_the_facilitator_highlights(
    workshop, agenda, alice, alice_client, bob_client
):
    run, phones = start(workshop, agenda, alice)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    for secretary in Member.objects.filter(run=run, role="secretary").select_related("attendee"):
        note(
            phones[secretary.attendee.display_name],
            workshop,
            run,
            f"<i>punkt fra {secretary.group.name}</i>",
            step="output",
        )
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    page = bob_client.get(reverse("live:presenter", args=[workshop.pk]))
    assert page.text.count("punkt fra") == 2
    assert "<i>" not in page.text and "&lt;i&gt;" in page.text
    first = run.groups.first()
    alice_client.post(
        reverse("live:act", args=[run.pk, "highlight"]),
        {"version": run.version, "group": first.pk},
        **HTMX,
    )
    run.refresh_from_db()
    assert run.state["highlight"] == first.pk
    assert "is-highlighted" in bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "Ane" not in bob_client.get(reverse("exercises:export_csv", args=[run.pk])).text


@pytest.mark.django_db(transaction=True)
def test_a_group_stream_carries_its_group_only_and_follows_a_move(workshop, agenda, alice):
    run, phones = start(workshop, agenda, alice)
    run = live_day.step_phase(run, +1, by=alice, expected_version=None)
    ane = group_of("Ane")
    other_group = run.groups.exclude(pk=ane.group_id).get()
    stranger = next(n for n in NAMES if group_of(n).group_id == other_group.pk)
    cookies = {DEVICE_COOKIE: phones["Ane"].cookies[DEVICE_COOKIE].value}
    path = reverse("live:group_stream", args=[workshop.join_code, run.pk])

    async def scenario():
        async with Stream(path, cookies) as stream:
            first = await stream.event()
            assert first["event"] == "group"
            assert ane.group.name in first["data"]
            await sync_to_async(note)(phones["Ane"], workshop, run, "Tillit")
            pushed = await stream.event()
            assert "Tillit" in pushed["data"]
            await sync_to_async(note)(phones[stranger], workshop, run, "Hemmelig")
            await sync_to_async(change)(
                run,
                "move",
                by=alice,
                expected_version=None,
                data={"member": ane.pk, "group": other_group.pk},
            )
            # Ane was moved: her stream ends (the browser reconnects), and it never carried
            # the other group's note while she was not in it.
            rest = ""
            while not stream.task.done():
                try:
                    rest += (await stream.event(timeout=2))["data"]
                except TimeoutError:
                    break
            assert "Hemmelig" not in rest
        async with Stream(path, cookies) as stream:
            again = await stream.event()
            assert other_group.name in again["data"]
            assert "Hemmelig" in again["data"]

    run_async(scenario)
