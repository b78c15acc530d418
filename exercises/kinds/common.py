"""Small pieces every kind uses the same way."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from exercises.models import Member, Run
from exercises.phases import Phase


def settings_of(form_class, run, **extra) -> dict:
    """The run's settings with the settings form's defaults filled in (settings saved before a
    field was added still read right). Settings saved without phase lengths run as long as
    the agenda item says, as the set-up suggests them (see fit)."""
    settings = {name: field.initial for name, field in form_class.base_fields.items()}
    stored = run.exercise.settings
    module = run.module
    # A kind whose length comes from the room (a gallery walk's visits, the triads' rounds)
    # keeps the lengths its form suggests once it runs.
    if not module.LENGTH_FROM_ROOM and not any(name in stored for name in module.MINUTES):
        settings = fit(module, {**settings, **extra}, run.exercise.agenda_item.duration_minutes)
    return {**settings, **extra, **stored}


# How long an exercise runs. Each kind names the settings that time its phases (MINUTES); its
# phases fill the agenda item's minutes unless the facilitator times them.


def defaults(module: ModuleType) -> dict:
    """The kind's settings as its form starts them, texts in the active language."""
    settings = {}
    for name, field in module.SettingsForm.base_fields.items():
        value = field.initial() if callable(field.initial) else field.initial
        settings[name] = str(value) if isinstance(value, Promise) else value
    return settings


def planned_phases(module: ModuleType, settings: dict) -> list[Phase]:
    """The phases as planned, before there is a room to group (see base.Kind.planned_settings)."""
    return module.phases(module.planned_settings(settings))


def planned_minutes(module: ModuleType, settings: dict) -> int:
    return sum(phase.minutes for phase in planned_phases(module, settings))


def _bounds(module: ModuleType, name: str) -> tuple[int, int]:
    field = module.SettingsForm.base_fields[name]
    return field.min_value or 1, field.max_value or 600


def fit(module: ModuleType, settings: dict, minutes: int) -> dict:
    """The settings with the phase minutes (the kind's MINUTES) changed so the phases fill
    `minutes` as nearly as the kind allows, keeping their proportions.

    A setting counts as often as it times a phase (a triad's three rounds each prepare), so a
    total may be out of reach by a minute or two; a setting that times no phase as planned (a
    duo's note when there is none) stays as it is.
    """
    fitted = dict(settings)
    total = planned_minutes(module, fitted)
    if total <= 0 or total == minutes:
        return fitted
    weights = {
        name: planned_minutes(module, {**fitted, name: fitted[name] + 1}) - total
        for name in module.MINUTES
    }
    timing = [name for name, weight in weights.items() if weight > 0]
    for name in timing:
        low, high = _bounds(module, name)
        fitted[name] = min(high, max(low, round(fitted[name] * minutes / total)))
    # Then a minute at a time, on the longest phase that brings the total nearer.
    for _step in range(1000):
        gap = minutes - planned_minutes(module, fitted)
        if gap == 0:
            break
        step = 1 if gap > 0 else -1
        candidates = []
        for name in timing:
            low, high = _bounds(module, name)
            value = fitted[name] + step
            if low <= value <= high and abs(gap - step * weights[name]) < abs(gap):
                candidates.append((weights[name], fitted[name], name))
        if not candidates:
            break
        _weight, _value, name = max(candidates)
        fitted[name] += step
    return fitted


def people_count():
    """An aggregate of how many people sent the rows: each author once, and each person whose
    rows erasure anonymised once (their rows in a run share an alias, see exercises/privacy.py)."""
    return Count("author", distinct=True) + Count("alias", distinct=True)


def people(submissions) -> int:
    """How many people sent these submissions (see people_count)."""
    return submissions.aggregate(people=people_count())["people"]


def group_sources() -> list[tuple[str, object]]:
    """The kinds whose groups hand over a result (`group_output`), as choices for a later
    exercise that builds on it: a gallery walk's stations, a group's diamond."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    from exercises import kinds

    return [
        (name, format_lazy(_("The groups' results from the {kind} before it"), kind=module.LABEL))
        for name, module in kinds.KINDS.items()
        if module.group_output is not None
    ]


def source_run(run, kind: str):
    """The run of the nearest exercise of `kind` before this one on the day's agenda, started
    before this run; None when there is none. One query each time: a caller that needs it
    more than once looks it up once and passes it on."""
    from exercises.models import Run

    item = run.exercise.agenda_item
    return (
        Run.objects.filter(
            workshop_id=run.workshop_id,
            exercise__kind=kind,
            exercise__agenda_item__workshop_id=item.workshop_id,
            exercise__agenda_item__position__lt=item.position,
            started_at__lte=run.started_at,
        )
        .select_related("exercise__agenda_item")
        .order_by("-exercise__agenda_item__position")
        .first()
    )


# How a grouped kind's settings form offers the room's groups.
GROUPINGS = [
    ("network", gettext_lazy("The network groups")),
    ("size", gettext_lazy("Random groups of a size")),
]


def group_plan(settings: dict, roles: list[str], rule: str, **extra) -> dict:
    """The grouping a kind asks for from its settings: the same groups as the source run's
    (settings["source_run"], see source_run), else network groups or random groups of
    settings["group_size"], with these roles handed out by this rule."""
    from exercises import grouping

    plan = {"roles": roles, "rule": rule, **extra}
    if settings.get("source_run"):
        return {**plan, "mode": grouping.SAME_AS, "source_run": settings["source_run"]}
    return {
        **plan,
        "mode": settings.get("grouping", grouping.NETWORK_GROUPS),
        "size": settings.get("group_size", 4),
    }


def refuse(form, message: str):
    """The form with `message` on top. A bound form is validated first, so its own errors
    show too; an unbound one (the phone's saved state) just carries the message."""
    from django.forms.forms import NON_FIELD_ERRORS

    if form.is_bound:
        form.is_valid()
    form.errors.setdefault(NON_FIELD_ERRORS, form.error_class(error_class="nonfield"))
    form.errors[NON_FIELD_ERRORS].append(message)
    return form


def source_output(source, group) -> list[str]:
    """What the group of the same number in the source run handed over (`group_output`): a
    gallery walk's station, a group diamond's nine. Empty when there is no such group."""
    if source is None or source.module.group_output is None:
        return []
    source_group = source.groups.filter(number=group.number).first()
    return source.module.group_output(source, source_group) if source_group else []


# What a phone sends. A kind that takes several steps (a point, a pass, a ranking …) reads the
# step and hands what was sent to the step's own handler.


@dataclass(frozen=True)
class Sent:
    """What a phone sent to a kind's submit, with who sent it and where the run stands."""

    run: Run
    attendee: object
    member: Member | None  # the sender's place in a group of the run; None outside any group
    phase: str  # the key of the run's current phase
    data: dict
    token: object
    settings: dict


def sent(run, attendee, data, token, settings: dict) -> Sent:
    return Sent(
        run=run,
        attendee=attendee,
        member=Member.objects.filter(run=run, attendee=attendee).select_related("group").first(),
        phase=run.current_phase().key,
        data=data,
        token=token,
        settings=settings,
    )
