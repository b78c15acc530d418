"""Plans: a day or a programme as data, without anything that happened on it.

A copy carries a plan from one day to the next, a template keeps one, a built-in template's
data file holds one, and one function makes a day from it. So a copy and a template hold the
same things, and what they leave behind is left behind everywhere.

A day's plan:
    {"start_time": "08:30", "end_time": "15:00" | None, "venue": "", "theme": "",
     "between_work": "", "agenda": [{"kind", "title", "description", "minutes", "notes",
     and for an exercise "exercise": {"kind", "settings"}}]}
A programme's plan:
    {"description", "retention_days", "groups": [the network groups' names],
     "days": [{"number", "offset_days" (from the first day), and a day's plan}]}

A plan never holds the live state of a day (its status, join code, timer, the item on now,
when items ran, its live events), exercise runs and anything sent in them, who came, answers
and check-ins, reminders, participants and who is in which group, or the lederplattform.

Each function that makes something is one transaction; with the form's token, a submit sent
twice (a double click, a retry) makes one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils import translation

from exercises import catalogue, kinds
from exercises.models import Exercise
from library.models import PlanTemplate
from workshops.models import AgendaItem, NetworkGroup, Organisation, Programme, Workshop

# What a copy of a programme takes along and leaves behind, as the confirmation page says it.
DAY_FIELDS = ("start_time", "end_time", "venue", "theme", "between_work")


class PlanError(ValueError):
    """A plan that can't make a day (a built-in template's file with a mistake in it)."""


class NumberTaken(Exception):
    """The programme already has a day of that number."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _clock(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


# From days to plans


def day_plan(workshop: Workshop) -> dict:
    exercises = {
        exercise.agenda_item_id: exercise
        for exercise in Exercise.objects.filter(agenda_item__workshop=workshop)
    }
    agenda = []
    for item in workshop.agenda_items.all():
        entry = {
            "kind": item.kind,
            "title": item.title,
            "description": item.description,
            "minutes": item.duration_minutes,
            "notes": item.facilitator_notes,
        }
        exercise = exercises.get(item.pk)
        if exercise is not None:
            entry["exercise"] = {"kind": exercise.kind, "settings": exercise.settings}
        agenda.append(entry)
    return {
        "start_time": _clock(workshop.start_time),
        "end_time": _clock(workshop.end_time),
        "venue": workshop.venue,
        "theme": workshop.theme,
        "between_work": workshop.between_work,
        "agenda": agenda,
    }


def programme_plan(programme: Programme) -> dict:
    days = list(programme.workshops.order_by("number"))
    first = days[0].date if days else None
    return {
        "description": programme.description,
        "retention_days": programme.retention_days,
        "groups": list(programme.groups.values_list("name", flat=True)),
        "days": [
            {**day_plan(day), "number": day.number, "offset_days": (day.date - first).days}
            for day in days
        ],
    }


def without_venue(plan: dict) -> dict:
    """A template's plan: the venue belongs to the day it was saved from, not to the next."""
    if "days" in plan:
        return {**plan, "days": [without_venue(day) for day in plan["days"]]}
    return {**plan, "venue": ""}


# From plans to days


def _build_day(
    programme: Programme,
    plan: dict,
    *,
    number: int,
    date: dt.date,
    venue: str | None = None,
    token: uuid.UUID | None = None,
) -> Workshop:
    workshop = Workshop.objects.create(
        programme=programme,
        number=number,
        date=date,
        start_time=_time(plan.get("start_time")) or dt.time(8, 30),
        end_time=_time(plan.get("end_time")),
        venue=plan.get("venue", "") if venue is None else venue,
        theme=plan.get("theme", ""),
        between_work=plan.get("between_work", ""),
        client_token=token,
    )
    agenda = plan.get("agenda", [])
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            workshop=workshop,
            position=position,
            kind=entry["kind"],
            title=entry["title"],
            description=entry.get("description", ""),
            facilitator_notes=entry.get("notes", ""),
            duration_minutes=entry["minutes"],
        )
        for position, entry in enumerate(agenda)
    )
    Exercise.objects.bulk_create(
        Exercise(
            agenda_item=item,
            kind=entry["exercise"]["kind"],
            settings=entry["exercise"].get("settings", {}),
        )
        for item, entry in zip(items, agenda, strict=True)
        if entry.get("exercise")
    )
    return workshop


def next_number(programme: Programme) -> int:
    last = programme.workshops.aggregate(last=models.Max("number"))["last"]
    return (last or 0) + 1


def _once[T](model, token: uuid.UUID | None, make: Callable[[], T]) -> T:
    """`make()` in a transaction, unless the token made one already: then that one. Two
    requests with one token at once: the second's insert fails on the token, and it answers
    with what the first made."""
    if token is not None:
        existing = model.objects.filter(client_token=token).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        existing = model.objects.filter(client_token=token).first() if token else None
        if existing is None:
            raise
        return existing


def make_day(
    programme: Programme,
    plan: dict,
    *,
    date: dt.date,
    number: int | None = None,
    venue: str | None = None,
    token: uuid.UUID | None = None,
) -> Workshop:
    """A new day of the programme from a plan: numbered next unless a number is given."""

    def make() -> Workshop:
        # The programme's row lock: two days made at once get different numbers.
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if token is not None and Workshop.objects.filter(client_token=token).exists():
            return Workshop.objects.get(client_token=token)
        chosen = number or next_number(locked)
        if locked.workshops.filter(number=chosen).exists():
            raise NumberTaken(chosen)
        return _build_day(locked, plan, number=chosen, date=date, venue=venue, token=token)

    return _once(Workshop, token, make)


def copy_day(
    source: Workshop,
    programme: Programme,
    *,
    date: dt.date,
    number: int | None = None,
    token: uuid.UUID | None = None,
) -> Workshop:
    """Copy a day into a programme of the same organisation: its times, venue, theme,
    assignment and agenda, with the exercises' settings and the facilitator's notes."""
    if programme.organisation_id != source.programme.organisation_id:
        # The views answer 404 before this; it guards every other way in.
        raise PermissionError("A day is copied only within its organisation.")
    return make_day(programme, day_plan(source), date=date, number=number, token=token)


def day_from_template(
    template: PlanTemplate,
    programme: Programme,
    *,
    date: dt.date,
    number: int | None = None,
    venue: str = "",
    token: uuid.UUID | None = None,
) -> Workshop:
    if template.scope != PlanTemplate.Scope.DAY:
        raise PlanError("A day is made from a day's template.")
    if template.organisation_id not in (None, programme.organisation_id):
        raise PermissionError("Another organisation's template.")
    return make_day(programme, template.plan, date=date, number=number, venue=venue, token=token)


def make_programme(
    organisation: Organisation,
    plan: dict,
    *,
    title: str,
    first_date: dt.date,
    by,
    token: uuid.UUID | None = None,
) -> Programme:
    """A new programme from a plan: its days moved to start on `first_date`, keeping their
    spacing, and its network groups, empty."""

    def make() -> Programme:
        programme = Programme.objects.create(
            organisation=organisation,
            title=title,
            description=plan.get("description", ""),
            retention_days=plan.get("retention_days") or 365,
            created_by=by,
            client_token=token,
        )
        NetworkGroup.objects.bulk_create(
            NetworkGroup(programme=programme, name=name) for name in plan.get("groups", [])
        )
        for number, day in enumerate(plan.get("days", []), start=1):
            _build_day(
                programme,
                day,
                number=day.get("number", number),
                date=first_date + dt.timedelta(days=day.get("offset_days", 0)),
            )
        return programme

    return _once(Programme, token, make)


def copy_programme(
    source: Programme, *, title: str, first_date: dt.date, by, token: uuid.UUID | None = None
) -> Programme:
    return make_programme(
        source.organisation,
        programme_plan(source),
        title=title,
        first_date=first_date,
        by=by,
        token=token,
    )


def programme_from_template(
    template: PlanTemplate,
    organisation: Organisation,
    *,
    title: str,
    first_date: dt.date,
    by,
    token: uuid.UUID | None = None,
) -> Programme:
    if template.scope != PlanTemplate.Scope.PROGRAMME:
        raise PlanError("A programme is made from a programme's template.")
    if template.organisation_id not in (None, organisation.pk):
        raise PermissionError("Another organisation's template.")
    return make_programme(
        organisation, template.plan, title=title, first_date=first_date, by=by, token=token
    )


def save_template(
    organisation: Organisation,
    *,
    scope: str,
    plan: dict,
    title: str,
    summary: str,
    language: str,
    by,
    token: uuid.UUID | None = None,
) -> PlanTemplate:
    def make() -> PlanTemplate:
        return PlanTemplate.objects.create(
            organisation=organisation,
            scope=scope,
            title=title,
            summary=summary,
            language=language,
            plan=without_venue(plan),
            created_by=by,
            client_token=token,
        )

    return _once(PlanTemplate, token, make)


# Checking a plan written by hand (a built-in template's data file)


def clean_settings(kind: str, settings: dict, language: str) -> dict:
    """An exercise's settings as its kind's settings form reads them, the form's defaults
    filled in, in the plan's language (a default task is written in it too)."""
    if kind not in kinds.KINDS:
        raise PlanError(f"no exercise kind {kind!r}")
    module = kinds.get(kind)
    with translation.override(language):
        data = {**catalogue.defaults(module), **settings}
        form = module.SettingsForm(data)
        valid = form.is_valid()
        if not valid and form.data != data:
            # A form that fills itself in (a survey loading its chosen template) asks to be
            # read again, as the set-up page shows it again.
            form = module.SettingsForm(form.data)
            valid = form.is_valid()
        if not valid:
            problems = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
            )
            raise PlanError(f"{kind}: {problems}")
        return dict(form.cleaned_data)


def clean_day_plan(raw: dict, language: str) -> dict:
    """A day's plan as written in a data file, checked and in the stored form."""

    def clock(value) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.time):
            return _clock(value)
        return _clock(dt.time.fromisoformat(str(value)))

    agenda = []
    for number, entry in enumerate(raw.get("agenda", []), start=1):
        where = f"agenda item {number} ({entry.get('title', '?')})"
        if entry.get("kind") not in AgendaItem.Kind.values:
            raise PlanError(f"{where}: no agenda item kind {entry.get('kind')!r}")
        minutes = entry.get("minutes")
        if not isinstance(minutes, int) or not 1 <= minutes <= 600:
            raise PlanError(f"{where}: minutes must be a whole number from 1 to 600")
        if not entry.get("title"):
            raise PlanError(f"{where}: no title")
        item = {
            "kind": entry["kind"],
            "title": entry["title"],
            "description": entry.get("description", "").strip(),
            "minutes": minutes,
            "notes": entry.get("notes", "").strip(),
        }
        exercise = entry.get("exercise")
        if exercise is not None:
            if entry["kind"] != AgendaItem.Kind.EXERCISE:
                raise PlanError(f"{where}: only an exercise item has an exercise")
            try:
                settings = clean_settings(
                    exercise.get("kind"), exercise.get("settings", {}), language
                )
            except PlanError as error:
                raise PlanError(f"{where}: {error}") from None
            item["exercise"] = {"kind": exercise["kind"], "settings": settings}
        agenda.append(item)
    return {
        "start_time": clock(raw.get("start_time")) or "08:30",
        "end_time": clock(raw.get("end_time")),
        "venue": "",
        "theme": raw.get("theme", ""),
        "between_work": raw.get("between_work", "").strip(),
        "agenda": agenda,
    }
