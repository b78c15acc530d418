from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises import groupcast
from exercises.models import Exercise, Member, Run

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(workshop, agenda, alice, programme):
    groups = [programme.groups.create(name=f"Nettverk {n}") for n in (1, 2)]
    people = {}
    for index, name in enumerate(["Ane", "Bo", "Cato", "Dina"]):
        people[name] = programme.participants.create(name=name, network_group=groups[index % 2])
    Exercise.objects.create(agenda_item=agenda[1], kind="reflection", settings={"prompt": "Tenk"})
    workshop.start_day(by=alice)
    phones = {}
    for name, person in people.items():
        phone = Client(headers={"accept-language": "en"})
        phone.post(
            reverse("workshops:join_day", args=[workshop.join_code]), {"participant": person.pk}
        )
        phones[name] = phone
    workshop.go(+1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def answer(phone, workshop, run, text, shared=False):
    data = {"text": text, "token": uuid.uuid4()}
    if shared:
        data["shared"] = "on"
    return phone.post(reverse("exercises:submit", args=[workshop.join_code, run.pk]), data, **HTMX)


def test_network_groups_and_private_by_default(workshop, setup, bob_client):
    run, phones = setup
    assert sorted(g.name for g in run.groups.all()) == ["Nettverk 1", "Nettverk 2"]
    saved = answer(phones["Ane"], workshop, run, "Hun lyttet")
    assert "Saved. Only you can see it." in saved.text
    ane = Member.objects.get(run=run, attendee__display_name="Ane")
    assert "Hun lyttet" not in groupcast.render(run, ane.group, "en")
    assert (
        "Hun lyttet" not in bob_client.get(reverse("workshops:presenter", args=[workshop.pk])).text
    )
    assert "Hun lyttet" not in bob_client.get(reverse("exercises:export_csv", args=[run.pk])).text


def test_a_shared_answer_reaches_the_group_only_and_replaces_the_old(workshop, setup):
    run, phones = setup
    answer(phones["Ane"], workshop, run, "Første tanke")
    saved = answer(phones["Ane"], workshop, run, "<b>Hun lyttet</b>", shared=True)
    assert "Saved and shared with your group." in saved.text
    assert list(run.submissions.values_list("text", flat=True)) == ["<b>Hun lyttet</b>"]
    ane = Member.objects.get(run=run, attendee__display_name="Ane")
    other = run.groups.exclude(pk=ane.group_id).get()
    mine = groupcast.render(run, ane.group, "en")
    assert "&lt;b&gt;Hun lyttet&lt;/b&gt;" in mine and "<b>Hun" not in mine
    assert "Hun lyttet" not in groupcast.render(run, other, "en")


def test_empty_and_too_long_answers_are_refused(workshop, setup):
    run, phones = setup
    assert "Write something first." in answer(phones["Bo"], workshop, run, "  ").text
    assert "Keep it to 1500 characters" in answer(phones["Bo"], workshop, run, "x" * 1501).text
    assert not run.submissions.exists()


def test_a_late_joiner_goes_to_their_own_network_group(workshop, setup, programme):
    run, _phones = setup
    late = programme.participants.create(
        name="Eli", network_group=programme.groups.get(name="Nettverk 2")
    )
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("workshops:join_day", args=[workshop.join_code]), {"participant": late.pk})
    member = Member.objects.get(run=run, attendee__participant=late)
    assert member.group.name == "Nettverk 2"
    assert member.joined_late
