from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import authenticate
from django.core.management import call_command

from workshops.models import AgendaItem, Membership, Participant, Programme, Workshop


def test_demo_data_is_the_seed_day_and_loads_idempotently(db):
    call_command("load_demo", verbosity=0)
    counts = (
        Programme.objects.count(),
        Workshop.objects.count(),
        AgendaItem.objects.count(),
        Participant.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert counts == (
        Programme.objects.count(),
        Workshop.objects.count(),
        AgendaItem.objects.count(),
        Participant.objects.count(),
    )

    programme = Programme.objects.get()
    assert programme.organisation.name == "Seljord kommune"
    day = programme.workshops.get(number=2)
    scheduled = day.scheduled_items()
    assert scheduled[0].starts_at.time() == dt.time(8, 30)
    assert scheduled[0].item.title == "Velkommen!"
    assert scheduled[-1].ends_at.time() == dt.time(15, 0)
    assert [s.item.kind for s in scheduled].count("lunch") == 1
    assert day.summary(scheduled).overrun_minutes == 0

    assert programme.participants.count() == 20
    assert programme.groups.count() == 4
    assert {g.members.count() for g in programme.groups.all()} == {5}

    facilitator = authenticate(username="kursholder", password="samling-demo")
    hr = authenticate(username="hr", password="samling-demo")
    admin = authenticate(username="orgadmin", password="samling-demo")
    assert facilitator.memberships.get().role == Membership.Role.FACILITATOR
    assert hr.memberships.get().role == Membership.Role.HR
    assert admin.memberships.get().role == Membership.Role.ADMIN
    # The organisation's people have no rights in the Django admin; the operator has, alone.
    for user in (facilitator, hr, admin):
        assert not user.is_staff and not user.is_superuser
    operator = authenticate(username="drift", password="samling-demo")
    assert operator.is_staff and operator.is_superuser
    assert not operator.memberships.exists()


def test_an_earlier_demos_superuser_facilitator_loses_the_rights(db):
    from django.contrib.auth.models import User

    User.objects.create_superuser("kursholder", password="samling-demo")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not User.objects.get(username="kursholder").is_superuser
    printed = out.getvalue()
    assert "facilitator  user 'kursholder'" in printed
    assert "operator     user 'drift'" in printed
    assert "Django admin" in printed


def test_demo_does_not_undo_a_facilitators_changes(db):
    call_command("load_demo", verbosity=0)
    day = Workshop.objects.get(number=2)
    day.agenda_items.filter(title="Lunsj").update(duration_minutes=60)
    call_command("load_demo", verbosity=0)
    assert day.agenda_items.get(title="Lunsj").duration_minutes == 60


def test_demo_day_2_is_the_seed_days_template(db):
    from exercises.models import Exercise
    from library.models import PlanTemplate

    call_command("load_demo", verbosity=0)
    day = Workshop.objects.get(number=2)
    template = PlanTemplate.objects.get(key="samling-2")
    assert [i.title for i in day.agenda_items.all()] == [
        entry["title"] for entry in template.plan["agenda"]
    ]
    assert day.venue == "Seljord kulturhus"
    cloud = Exercise.objects.get(kind="word_cloud", agenda_item__workshop=day)
    assert "verdier" in cloud.settings["prompt"]
    assert Exercise.objects.filter(kind="duo", agenda_item__title="Påkobling siden sist").exists()
    triads = Exercise.objects.get(kind="feedback_triads")
    assert triads.agenda_item.title == "Vi trener på tilbakemeldinger i mindre grupper"
    # Samling 1 keeps its own purpose IGP and value diamond.
    assert Exercise.objects.get(kind="igp", agenda_item__workshop__number=1).agenda_item.title == (
        "Ledergruppens formål"
    )
    assert day.agenda_items.exclude(facilitator_notes="").count() >= 20


def test_demo_has_a_diamond_with_results_to_promote(db):
    from exercises.kinds import diamond
    from exercises.models import Run, Submission

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    run = Run.objects.get(exercise__kind="diamond")
    assert run.workshop.number == 1
    assert run.exercise.agenda_item.title == "Verdidiamanten"
    assert Submission.objects.filter(run=run, key="placement").count() == 20
    [offer] = diamond.promotable(run)
    platform = Programme.objects.get().platform
    values = list(platform.values.values_list("name", flat=True))
    assert sorted(offer.items) == sorted(values)
    assert list(offer.items) != values  # the room's order is news to the platform
    assert offer.items[:3] == ("Tillit", "Trygghet", "Omtanke")
    day = run.workshop
    assert day.summary().overrun_minutes == 0
