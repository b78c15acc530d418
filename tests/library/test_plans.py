"""Copies of days and programmes, and days and programmes from templates: everything a plan
holds comes along, nothing of a live day does, and one form sent twice makes one copy."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection

from exercises.models import Exercise, Run, Submission
from library import plans
from library.models import PlanTemplate
from live import day as live_day
from platforms.models import LeadershipPlatform
from workshops.models import (
    ActionLearningAnswer,
    AgendaItem,
    Attendee,
    CheckInReminder,
    LiveEvent,
    NetworkGroup,
    Participant,
    Programme,
    Workshop,
)

IGP = {
    "prompt": "Hvilke verdier skal kjennetegne god ledelse hos oss?",
    "target": 9,
    "minutes_individual": 4,
    "minutes_group": 20,
    "minutes_plenary": 6,
    "grouping": "network",
    "secretary_rule": "shortest_first_name",
}


@pytest.fixture
def planned_day(workshop, agenda) -> Workshop:
    """Day 2 with notes on its items, an exercise on two of them and an assignment."""
    workshop.between_work = "Arbeid videre med utviklingsprosjektet ditt."
    workshop.save()
    for item in agenda:
        item.facilitator_notes = f"Husk: {item.title}"
        item.description = f"Rommet ser: {item.title}"
        item.save()
    Exercise.objects.create(agenda_item=agenda[3], kind="feedback_triads", settings={})
    Exercise.objects.create(agenda_item=agenda[5], kind="igp", settings=IGP)
    return workshop


@pytest.fixture
def lived_day(planned_day, participant, alice) -> Workshop:
    """The same day after it ran: live state, a run with a note, someone who came, a
    check-in, a reminder."""
    live_day.start(planned_day, by=alice)
    live_day.advance(planned_day, +1, by=alice, expected_version=None)
    attendee = Attendee.objects.create(
        workshop=planned_day, participant=participant, display_name="Kari", device_hash="x"
    )
    item = planned_day.agenda_items.get(title="Lederplattform")
    run = Run.objects.create(exercise=item.exercise, workshop=planned_day, state={"kept": 1})
    Submission.objects.create(
        run=run, author=attendee, key="note", text="Tillit", token=uuid.uuid4()
    )
    ActionLearningAnswer.objects.create(
        participant=participant, workshop=planned_day, question="tried", text="Lyttet mer"
    )
    CheckInReminder.objects.create(workshop=planned_day, participant=participant)
    planned_day.refresh_from_db()
    return planned_day


def agenda_of(day: Workshop) -> list[tuple]:
    return [
        (
            item.position,
            item.kind,
            item.title,
            item.description,
            item.duration_minutes,
            item.facilitator_notes,
            *(
                (item.exercise.kind, item.exercise.settings)
                if Exercise.objects.filter(agenda_item=item).exists()
                else ()
            ),
        )
        for item in day.agenda_items.all()
    ]


def test_a_copied_day_has_the_plan_and_nothing_of_the_live_day(lived_day, programme):
    copy = plans.copy_day(lived_day, programme, date=dt.date(2027, 3, 4))

    assert copy.pk != lived_day.pk
    assert copy.number == 3  # the programme's next
    assert copy.date == dt.date(2027, 3, 4)
    for field in ("start_time", "end_time", "venue", "theme", "between_work"):
        assert getattr(copy, field) == getattr(lived_day, field), field
    assert agenda_of(copy) == agenda_of(lived_day)
    assert copy.agenda_items.get(title="Lederplattform").exercise.settings == IGP
    assert set(copy.agenda_items.values_list("pk", flat=True)).isdisjoint(
        lived_day.agenda_items.values_list("pk", flat=True)
    )

    # Nothing live came along.
    assert copy.status == Workshop.Status.PLANNED
    assert (copy.join_code, copy.started_at, copy.ended_at, copy.current_item) == (
        "",
        None,
        None,
        None,
    )
    assert copy.version == 0
    assert (copy.timer_duration, copy.timer_ends_at, copy.timer_paused_remaining) == (None,) * 3
    assert not copy.agenda_items.filter(started_at__isnull=False).exists()
    assert not copy.agenda_items.filter(ended_at__isnull=False).exists()
    for related in (Run, Attendee, LiveEvent, ActionLearningAnswer, CheckInReminder):
        assert not related.objects.filter(workshop=copy).exists(), related.__name__
    assert not Submission.objects.filter(run__workshop=copy).exists()
    # And the day it came from is as it was.
    assert lived_day.status == Workshop.Status.LIVE
    assert Submission.objects.filter(run__workshop=lived_day).count() == 1


def test_a_day_copied_into_another_programme_of_the_organisation(planned_day, seljord, alice):
    other = Programme.objects.create(organisation=seljord, title="Kull 2", created_by=alice)
    copy = plans.copy_day(planned_day, other, date=dt.date(2027, 9, 1))
    assert copy.programme == other
    assert copy.number == 1
    assert agenda_of(copy) == agenda_of(planned_day)


def test_a_day_is_never_copied_into_another_organisation(planned_day, other_org, charlie):
    theirs = Programme.objects.create(organisation=other_org, title="Bø", created_by=charlie)
    with pytest.raises(PermissionError):
        plans.copy_day(planned_day, theirs, date=dt.date(2027, 9, 1))
    assert not theirs.workshops.exists()


def test_the_same_token_makes_one_copy(planned_day, programme):
    token = uuid.uuid4()
    first = plans.copy_day(planned_day, programme, date=dt.date(2027, 3, 4), token=token)
    again = plans.copy_day(planned_day, programme, date=dt.date(2027, 3, 4), token=token)
    assert first == again
    assert programme.workshops.count() == 2
    assert AgendaItem.objects.filter(workshop=first).count() == len(agenda_of(planned_day))


def test_a_chosen_number_that_is_taken_is_refused(planned_day, programme):
    with pytest.raises(plans.NumberTaken):
        plans.copy_day(planned_day, programme, date=dt.date(2027, 3, 4), number=2)
    assert programme.workshops.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_with_one_token_make_one(planned_day, programme):
    """Two requests of one form arrive together (a double click over a slow network)."""
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    made, errors = [], []

    def copy() -> None:
        try:
            barrier.wait()
            made.append(
                plans.copy_day(planned_day, programme, date=dt.date(2027, 3, 4), token=token)
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert made[0].pk == made[1].pk
    assert programme.workshops.count() == 2


def test_a_copied_programme_has_its_days_and_group_names_but_no_people(
    lived_day, programme, group, participant, alice
):
    NetworkGroup.objects.create(programme=programme, name="Nettverksgruppe 2")
    day_1 = Workshop.objects.create(
        programme=programme, number=1, date=lived_day.date - dt.timedelta(days=42), theme="Start"
    )
    AgendaItem.objects.create(
        workshop=day_1, position=0, kind="talk", title="Velkommen", duration_minutes=30
    )
    programme.description = "For alle ledere."
    programme.retention_days = 200
    programme.save()
    LeadershipPlatform.objects.create(programme=programme)

    copy = plans.copy_programme(programme, title="Kull 2", first_date=dt.date(2027, 9, 1), by=alice)

    assert (copy.organisation, copy.title, copy.created_by) == (
        programme.organisation,
        "Kull 2",
        alice,
    )
    assert (copy.description, copy.retention_days) == ("For alle ledere.", 200)
    assert list(copy.workshops.values_list("number", "date", "theme")) == [
        (1, dt.date(2027, 9, 1), "Start"),
        (2, dt.date(2027, 10, 13), lived_day.theme),  # 42 days later, as before
    ]
    assert agenda_of(copy.workshops.get(number=2)) == agenda_of(lived_day)
    assert list(copy.groups.values_list("name", flat=True)) == [
        "Nettverksgruppe 1",
        "Nettverksgruppe 2",
    ]
    # No people, nothing from the live days, no platform.
    assert not Participant.objects.filter(programme=copy).exists()
    assert not copy.groups.filter(members__isnull=False).exists()
    assert not copy.workshops.exclude(status=Workshop.Status.PLANNED).exists()
    assert not Run.objects.filter(workshop__programme=copy).exists()
    assert not Attendee.objects.filter(workshop__programme=copy).exists()
    assert not ActionLearningAnswer.objects.filter(participant__programme=copy).exists()
    assert not LeadershipPlatform.objects.filter(programme=copy).exists()


def test_the_same_token_makes_one_programme(programme, workshop, alice):
    token = uuid.uuid4()
    first = plans.copy_programme(
        programme, title="Kull 2", first_date=dt.date(2027, 9, 1), by=alice, token=token
    )
    again = plans.copy_programme(
        programme, title="Kull 2", first_date=dt.date(2027, 9, 1), by=alice, token=token
    )
    assert first == again
    assert Programme.objects.filter(title="Kull 2").count() == 1


def test_a_saved_template_makes_the_same_day_elsewhere(planned_day, seljord, alice):
    template = plans.save_template(
        seljord,
        scope=PlanTemplate.Scope.DAY,
        plan=plans.day_plan(planned_day),
        title="Relasjonsledelse",
        summary="",
        language="nb",
        by=alice,
    )
    assert template.plan["venue"] == ""  # the venue stays with the day
    other = Programme.objects.create(organisation=seljord, title="Kull 2", created_by=alice)
    day = plans.day_from_template(template, other, date=dt.date(2027, 9, 1), venue="Bø hotell")
    assert agenda_of(day) == agenda_of(planned_day)
    assert (day.venue, day.theme, day.between_work) == (
        "Bø hotell",
        planned_day.theme,
        planned_day.between_work,
    )


def test_another_organisations_template_makes_nothing(
    planned_day, seljord, other_org, alice, charlie
):
    template = plans.save_template(
        seljord,
        scope=PlanTemplate.Scope.DAY,
        plan=plans.day_plan(planned_day),
        title="Seljords dag",
        summary="",
        language="nb",
        by=alice,
    )
    theirs = Programme.objects.create(organisation=other_org, title="Bø", created_by=charlie)
    with pytest.raises(PermissionError):
        plans.day_from_template(template, theirs, date=dt.date(2027, 9, 1))
    assert not theirs.workshops.exists()


def test_a_saved_programme_template_makes_a_programme(
    planned_day, programme, group, seljord, alice
):
    template = plans.save_template(
        seljord,
        scope=PlanTemplate.Scope.PROGRAMME,
        plan=plans.programme_plan(programme),
        title="Vårt program",
        summary="Tre samlinger",
        language="nb",
        by=alice,
    )
    made = plans.programme_from_template(
        template, seljord, title="Kull 3", first_date=dt.date(2028, 1, 10), by=alice
    )
    assert list(made.groups.values_list("name", flat=True)) == ["Nettverksgruppe 1"]
    assert agenda_of(made.workshops.get()) == agenda_of(planned_day)
    assert made.workshops.get().date == dt.date(2028, 1, 10)
