"""The check-in as an agenda item: phones write the day's check-in live, into the same record
the personal page keeps (one answer per question, person and day); the room sees counts only.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises import kinds
from exercises.kinds import checkin
from exercises.models import Exercise, Run, Submission
from live import broadcast
from live import day as live_day
from personal import services
from workshops import personal
from workshops.models import ActionLearningAnswer, Attendee, ContentDeletion, Participant

HTMX = {"HTTP_HX_REQUEST": "true"}
Q = ActionLearningAnswer.Question


@pytest.fixture
def kari(programme, group) -> Participant:
    return Participant.objects.create(programme=programme, name="Kari", network_group=group)


@pytest.fixture
def per(programme, group) -> Participant:
    return Participant.objects.create(programme=programme, name="Per", network_group=group)


@pytest.fixture
def run(workshop, agenda, alice) -> Run:
    """The day has reached the check-in on its agenda."""
    Exercise.objects.create(agenda_item=agenda[1], kind="checkin", settings={"minutes": 7})
    live_day.start(workshop, by=alice)
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


def phone_for(
    workshop, participant: Participant | None = None, name: str = "", *, proven: bool = True
) -> Client:
    """A phone that joined the day; a roster person's phone has shown it is them (with
    their personal code), as it must before it reads or writes their check-in."""
    phone = Client(headers={"accept-language": "en"})
    data = {"participant": participant.pk} if participant else {"display_name": name}
    phone.post(reverse("live:join_day", args=[workshop.join_code]), data)
    if participant and proven:
        code = personal.personal_code(participant)
        url = reverse("live:phone_prove", args=[workshop.join_code])
        assert phone.post(url, {"action": "code", "code": code}).status_code == 302
    return phone


def send(phone: Client, workshop, run, token=None, **answers):
    data = {"token": token or uuid.uuid4()}
    for question, value in answers.items():
        data[question] = value
    return phone.post(reverse("live:submit", args=[workshop.join_code, run.pk]), data, **HTMX)


def answers_of(participant, workshop) -> dict[str, tuple[str, bool]]:
    return {
        a.question: (a.text, a.shared)
        for a in ActionLearningAnswer.objects.filter(participant=participant, workshop=workshop)
    }


def test_the_kind_is_registered_with_one_timed_phase(run):
    assert kinds.get("checkin") is checkin
    assert ("checkin", checkin.LABEL) in kinds.choices()
    assert [(p.key, p.minutes) for p in run.phases()] == [("checkin", 7)]


def test_the_facilitator_sets_it_up_on_the_agenda(alice_client, agenda):
    url = reverse("exercises:setup", args=[agenda[1].pk])
    assert "Check-in" in alice_client.get(url, {"kind": "checkin"}).text
    response = alice_client.post(url, {"kind": "checkin", "intro": "Før vi går", "minutes": 5})
    assert response.status_code == 302
    assert Exercise.objects.get().settings == {"intro": "Før vi går", "minutes": 5}


def test_the_phone_shows_the_four_questions_when_the_day_reaches_the_item(workshop, run, kari):
    page = phone_for(workshop, kari).get(reverse("live:phone", args=[workshop.join_code]))
    for question in (Q.TRIED, Q.LEARNT, Q.TAKE_AWAY, Q.PEER_PROBLEM):
        assert str(question.label) in page.text
        assert f'name="{question.value}"' in page.text
    assert "Save my check-in" in page.text
    # The room's fragment (pushed to every phone) has nobody's answers and no form of its own.
    room = broadcast.render(workshop, "participants", "en")
    assert f'id="checkin-{run.pk}"' in room and "Save my check-in" not in room


def test_what_the_phone_sends_is_the_check_in_on_the_personal_page(workshop, run, kari):
    response = send(
        send_to := phone_for(workshop, kari),
        workshop,
        run,
        tried="Ros i morgenmøtet",
        learnt="",
        take_away="Spør mer",
        peer_problem="Korrigerende tilbakemelding",
        **{"peer_problem-shared": "on"},
    )
    assert response.status_code == 200
    assert "Saved on your personal page" in response.text
    assert answers_of(kari, workshop) == {
        "tried": ("Ros i morgenmøtet", False),
        "take_away": ("Spør mer", False),
        "peer_problem": ("Korrigerende tilbakemelding", True),
    }
    assert not Submission.objects.exists()  # nothing on the run: the person's page holds it
    # The same record on the personal page, opened by the phone's device cookie.
    day = send_to.get(reverse("personal:personal_day", args=[workshop.pk])).text
    assert "Ros i morgenmøtet" in day and "Korrigerende tilbakemelding" in day
    progress = personal.progress(workshop.programme)
    assert [
        p.name for p in next(d for d in progress.days if d.workshop == workshop).checked_in
    ] == ["Kari"]


def test_a_phone_that_only_picked_the_name_neither_reads_nor_writes_the_check_in(
    workshop, run, kari
):
    personal.save_answer(kari, Q.TRIED, "KARI-HOME tried", shared=False, workshop=workshop)
    phone = phone_for(workshop, kari, proven=False)
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    assert "KARI-HOME" not in page
    assert "Show first that this phone is you" in page
    response = send(phone, workshop, run, tried="Overskrevet")
    assert "Show first that this phone is you" in response.text
    assert answers_of(kari, workshop) == {"tried": ("KARI-HOME tried", False)}


def test_one_record_per_person_and_day_editable_from_either_place(workshop, run, kari):
    phone = phone_for(workshop, kari)
    send(phone, workshop, run, tried="Første utkast")
    # Changed on the personal page...
    personal.save_answer(kari, Q.TRIED, "Fra siden", shared=True, workshop=workshop)
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    assert "Fra siden" in page and "Første utkast" not in page
    # ...and again on the phone, which changes the same row.
    send(phone, workshop, run, tried="Fra telefonen", **{"tried-shared": "on"})
    assert ActionLearningAnswer.objects.filter(participant=kari, question="tried").count() == 1
    assert answers_of(kari, workshop) == {"tried": ("Fra telefonen", True)}
    # Emptying an answer keeps the row, now empty: the person took it back.
    send(phone, workshop, run, tried="", learnt="Noe annet")
    assert answers_of(kari, workshop) == {"tried": ("", False), "learnt": ("Noe annet", False)}


def test_a_retried_send_changes_nothing_twice(workshop, run, kari):
    phone = phone_for(workshop, kari)
    token = uuid.uuid4()
    send(phone, workshop, run, token=token, tried="Første")
    send(phone, workshop, run, tried="Andre")
    # The first request arrives again late, over a flaky network: it must not undo "Andre".
    assert send(phone, workshop, run, token=token, tried="Første").status_code == 200
    assert answers_of(kari, workshop) == {"tried": ("Andre", False)}


def test_an_empty_or_too_long_check_in_is_refused_and_kept_on_screen(workshop, run, kari):
    phone = phone_for(workshop, kari)
    assert "Write at least one answer first." in send(phone, workshop, run, tried="  ").text
    long = "x" * (ActionLearningAnswer.MAX_LENGTH + 1)
    response = send(phone, workshop, run, tried="Kort", learnt=long)
    assert "Keep it to 4000 characters (this has 4001)." in response.text
    assert "Kort" in response.text
    assert not ActionLearningAnswer.objects.exists()


def test_a_phone_without_a_roster_person_is_told_and_nothing_is_saved(workshop, run):
    phone = phone_for(workshop, name="Gjest")
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    assert "only people on the list of participants have one" in page
    assert "Save my check-in" not in page
    response = send(phone, workshop, run, tried="Dette finnes ikke")
    assert "only people on the list of participants have one" in response.text
    assert not ActionLearningAnswer.objects.exists()


def test_console_presenter_and_export_count_and_never_quote(
    workshop, run, kari, per, alice_client, bob_client
):
    send(phone_for(workshop, kari), workshop, run, tried="KARI-SECRET")
    phone_for(workshop, per)
    phone_for(workshop, name="Gjest")
    personal.save_answer(per, Q.LEARNT, "PER-SECRET", shared=True, workshop=workshop)
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "2 have checked in for this day; 2 joined from the list of participants." in console
    assert "1 joined under a typed name" in console
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "2 have checked in" in presenter
    assert str(Q.PEER_PROBLEM.label) in presenter
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk])).text
    assert export.splitlines()[1] == "2;2;1"
    for page in (console, presenter, export, broadcast.render(workshop, "participants", "en")):
        assert "SECRET" not in page


@pytest.mark.parametrize("where", ["phone", "personal page"])
def test_a_check_in_redraws_the_console_and_projector(
    workshop, run, kari, where, django_capture_on_commit_callbacks
):
    from unittest import mock

    phone = phone_for(workshop, kari)
    with (
        mock.patch("live.broadcast.day_changed") as pushed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        if where == "phone":
            send(phone, workshop, run, tried="Noe")
        else:
            phone.post(
                reverse("personal:personal_answer"),
                {"question": "tried", "workshop": workshop.pk, "text": "Noe"},
                **HTMX,
            )
    pushed.assert_called_with(workshop.pk, ("presenter", "console"))
    assert checkin.counts(run)["checked_in"] == 1


def test_a_phone_drawn_before_an_edit_on_the_page_does_not_overwrite_it(workshop, run, kari):
    phone = phone_for(workshop, kari)
    send(phone, workshop, run, tried="Fra telefonen", learnt="Lært")
    drawn = checkin.phone_context(run, Attendee.objects.get(participant=kari))["form"]
    seen = {item["seen_name"]: item["seen"] for item in drawn.items()}
    # Meanwhile, on the personal page:
    personal.save_answer(kari, Q.TRIED, "Nyere fra siden", shared=True, workshop=workshop)
    stale = send(phone, workshop, run, tried="Fra telefonen, endret", learnt="Lært mer", **seen)
    assert "changed on your personal page after this form was opened" in stale.text
    assert "Nyere fra siden" in stale.text and "Lært mer" in stale.text
    # All or nothing: nothing of the stale form was saved.
    assert answers_of(kari, workshop) == {
        "tried": ("Nyere fra siden", True),
        "learnt": ("Lært", False),
    }
    # Sent again from the form as it now shows, it saves.
    again = {
        "tried": "Nyere fra siden, og mer",
        "tried-shared": "on",
        "learnt": "Lært mer",
        "tried-seen": checkin._digest("Nyere fra siden"),
        "learnt-seen": seen["learnt-seen"],
    }
    assert "Saved on your personal page" in send(phone, workshop, run, **again).text
    assert answers_of(kari, workshop) == {
        "tried": ("Nyere fra siden, og mer", True),
        "learnt": ("Lært mer", False),
    }


def test_the_counts_stay_when_check_ins_are_erased_or_retention_deletes_them(
    workshop, run, kari, per, programme
):
    # The check-ins and attendances are the personal pages' rows, deleted on erasure and at
    # retention; the day's counts are the room's result and stay, with no one behind them.
    send(phone_for(workshop, kari), workshop, run, tried="Prøvd")
    send(phone_for(workshop, per), workshop, run, learnt="Lært")
    phone_for(workshop, name="Gjest")
    ola = Participant.objects.create(programme=programme, name="Ola")
    ola_phone = phone_for(workshop, ola)  # joined, never checked in
    before = {"checked_in": 2, "on_roster": 3, "without_page": 1}
    assert checkin.counts(run) == before

    services.erase(kari, reason=ContentDeletion.Reason.PARTICIPANT)
    assert not ActionLearningAnswer.objects.filter(participant=kari).exists()
    assert checkin.counts(Run.objects.get()) == before
    # The day goes on: a new check-in after the erasure counts on top of what was kept.
    send(ola_phone, workshop, run, take_away="Tar med")
    assert checkin.counts(Run.objects.get())["checked_in"] == 3

    services.purge_programme(programme)
    assert not Attendee.objects.exists() and not ActionLearningAnswer.objects.exists()
    after = Run.objects.get()
    # Kari counted once: her erasure took her rows, so retention did not count them again.
    assert checkin.counts(after) == {"checked_in": 3, "on_roster": 3, "without_page": 1}
    assert checkin.export(after)[1] == [[3, 3, 1]]
