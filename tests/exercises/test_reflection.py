from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Member, Run
from live import day as live_day
from live import groupcast

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(workshop, agenda, alice, programme):
    groups = [programme.groups.create(name=f"Nettverk {n}") for n in (1, 2)]
    people = {}
    for index, name in enumerate(["Ane", "Bo", "Cato", "Dina"]):
        people[name] = programme.participants.create(name=name, network_group=groups[index % 2])
    Exercise.objects.create(agenda_item=agenda[1], kind="reflection", settings={"prompt": "Tenk"})
    live_day.start(workshop, by=alice)
    phones = {}
    for name, person in people.items():
        phone = Client(headers={"accept-language": "en"})
        phone.post(reverse("live:join_day", args=[workshop.join_code]), {"participant": person.pk})
        phones[name] = phone
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def answer(phone, workshop, run, text, shared=False):
    data = {"text-0": text, "token": uuid.uuid4()}
    if shared:
        data["shared-0"] = "on"
    return phone.post(reverse("live:submit", args=[workshop.join_code, run.pk]), data, **HTMX)


def test_network_groups_and_private_by_default(workshop, setup, bob_client):
    run, phones = setup
    assert sorted(g.name for g in run.groups.all()) == ["Nettverk 1", "Nettverk 2"]
    saved = answer(phones["Ane"], workshop, run, "Hun lyttet")
    assert "Saved. Only you can see it." in saved.text
    ane = Member.objects.get(run=run, attendee__display_name="Ane")
    assert "Hun lyttet" not in groupcast.render(run, ane.group, "en")
    assert "Hun lyttet" not in bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
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
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"participant": late.pk})
    member = Member.objects.get(run=run, attendee__participant=late)
    assert member.group.name == "Nettverk 2"
    assert member.joined_late


QUESTIONS = "Hva gjorde lederen?\nHvordan påvirket det deg?\nHva tar du med deg?"


def several(run):
    run.exercise.settings = {"prompt": QUESTIONS}
    run.exercise.save()


def test_several_questions_each_with_its_own_answer_and_its_own_choice_to_share(
    workshop, setup, alice_client, bob_client
):
    run, phones = setup
    several(run)
    page = phones["Ane"].get(reverse("live:phone", args=[workshop.join_code])).text
    for index, question in enumerate(QUESTIONS.splitlines()):
        assert f'<label for="reflection-text-{run.pk}-{index}">{question}</label>' in page
    url = reverse("live:submit", args=[workshop.join_code, run.pk])
    saved = phones["Ane"].post(
        url,
        {
            "token": uuid.uuid4(),
            "text-0": "Hun lyttet",
            "text-1": "Privat svar",
            "shared-0": "on",
            "shared-2": "on",  # an empty answer is never shared
        },
        **HTMX,
    )
    assert "Saved. Your group sees the answers you chose to share; only you see the rest." in (
        saved.text
    )
    assert run.submissions.get().data["answers"] == [
        ["Hva gjorde lederen?", "Hun lyttet", True],
        ["Hvordan påvirket det deg?", "Privat svar", False],
        ["Hva tar du med deg?", "", False],
    ]
    # What she wrote is in her form again, with her choices.
    assert "Privat svar</textarea>" in saved.text
    ane = Member.objects.get(run=run, attendee__display_name="Ane")
    group = groupcast.render(run, ane.group, "en")
    assert "Hva gjorde lederen?" in group and "Hun lyttet" in group
    assert "Privat svar" not in group
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "Privat svar" not in console and "Hun lyttet" not in console
    assert '<th scope="row">Hvordan påvirket det deg?</th><td>1</td><td>0</td>' in console
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    rows = export.content.decode("utf-8-sig").splitlines()
    assert rows == [
        "Question;Answers;Shared with the group",
        "Hva gjorde lederen?;1;1",
        "Hvordan påvirket det deg?;1;0",
        "Hva tar du med deg?;0;0",
    ]


def test_an_answer_too_long_keeps_everything_typed(workshop, setup):
    run, phones = setup
    several(run)
    url = reverse("live:submit", args=[workshop.join_code, run.pk])
    refused = phones["Bo"].post(
        url, {"token": uuid.uuid4(), "text-0": "Kort", "text-1": "x" * 1501}, **HTMX
    )
    assert "Keep it to 1500 characters" in refused.text
    assert ">Kort</textarea>" in refused.text
    assert not run.submissions.exists()


def test_an_answer_saved_before_several_questions_reads_as_the_first(workshop, setup):
    from exercises.kinds import reflection

    run, phones = setup
    ane = Member.objects.get(run=run, attendee__display_name="Ane")
    run.submissions.create(
        author=ane.attendee,
        group=ane.group,
        key="reflection",
        text="Gammelt svar",
        data={"shared": True},
        token=uuid.uuid4(),
    )
    assert "Gammelt svar" in groupcast.render(run, ane.group, "en")
    several(run)
    # The answer to the first question, in her form and (shared) in the group's view.
    form = reflection.phone_context(run, ane.attendee)["form"]
    assert form["text-0"].value() == "Gammelt svar"
    assert form["shared-0"].value() is True
    assert form["text-1"].value() is None
    assert "Hva gjorde lederen?" in groupcast.render(run, ane.group, "en")


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("  \n ", "This field is required."),
        ("\n".join(f"Spørsmål {n}?" for n in range(11)), "Ask at most 10 questions"),
        ("Samme?\nSamme?", "A question is there twice"),
        ("x" * 301, "Keep each question to 300 characters"),
    ],
)
def test_the_questions_are_checked(prompt, message):
    from exercises.kinds import reflection

    form = reflection.SettingsForm({"prompt": prompt, "minutes": 3, "max_length": 500})
    assert message in " ".join(form.errors["prompt"])
