"""Small pieces every kind uses the same way."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _lazy


def settings_of(form_class, run, **extra) -> dict:
    """The run's settings with the settings form's defaults filled in (settings saved before a
    field was added still read right). Phase lengths left unset fill the agenda item's time,
    as the set-up suggests them (see fitted_minutes)."""
    defaults = {name: field.initial for name, field in form_class.base_fields.items()}
    defaults.update(fitted_minutes(form_class, run.exercise.agenda_item.duration_minutes))
    return {**defaults, **extra, **run.exercise.settings}


def fitted_minutes(form_class, total: int | None) -> dict[str, int]:
    """The lengths of a kind's phases (its settings form's PHASE_MINUTES, the fields that
    time them) as the form suggests them, scaled to fill `total` minutes: the agenda item's.
    A word cloud on a ten-minute item runs ten minutes; an IGP's I, G and P keep their
    proportions. Each stays within its field's limits; the rounding's rest goes to the
    longest phase. A kind whose length depends on the room (a gallery walk's visits, the
    triads' rounds) names no fields, and its phases keep the lengths the form suggests."""
    fields = {name: form_class.base_fields[name] for name in form_class.PHASE_MINUTES}
    suggested = {name: field.initial for name, field in fields.items()}
    planned = sum(suggested.values())
    if not total or not planned:
        return suggested

    def within(name: str, minutes: int) -> int:
        field = fields[name]
        return max(field.min_value or 1, min(field.max_value or minutes, minutes))

    fitted = {name: within(name, round(m * total / planned)) for name, m in suggested.items()}
    longest = max(fitted, key=fitted.__getitem__)
    fitted[longest] = within(longest, fitted[longest] + total - sum(fitted.values()))
    return fitted


def publish_group(run, group_id: int) -> None:
    """Redraw one group's view for its phones once the change is committed."""
    from exercises import groupcast

    transaction.on_commit(partial(groupcast.groups_changed, run.pk, [group_id]), robust=True)


def kept(run) -> dict:
    """What submissions deleted for privacy added to the run's results, as aggregates only
    (see exercises/privacy.py): a kind adds it to what its remaining rows give."""
    return run.state.get("kept", {})


def add_counts(run, **counts: int) -> dict:
    """The run's kept aggregates with these counts added to the ones kept before."""
    before = kept(run)
    return {**before, **{name: before.get(name, 0) + count for name, count in counts.items()}}


def group_sources() -> list[tuple[str, object]]:
    """The kinds whose groups hand over a result (`group_output`), as choices for a later
    exercise that builds on it: a gallery walk's stations, a group's diamond."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    from exercises import kinds

    return [
        (name, format_lazy(_("The groups' results from the {kind} before it"), kind=module.LABEL))
        for name, module in kinds.KINDS.items()
        if hasattr(module, "group_output")
    ]


def source_run(run, kind: str):
    """The run of the nearest exercise of `kind` before this one on the day's agenda, started
    before this run; None when there is none. Cached on the run: every view asks."""
    from exercises.models import Run

    cache = run.__dict__.setdefault("_source_runs", {})
    if kind not in cache:
        item = run.exercise.agenda_item
        cache[kind] = (
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
    return cache[kind]


# How a grouped kind's settings form offers the room's groups.
GROUPINGS = [
    ("network", _lazy("The network groups")),
    ("size", _lazy("Random groups of a size")),
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
    if source is None or not hasattr(source.module, "group_output"):
        return []
    source_group = source.groups.filter(number=group.number).first()
    return source.module.group_output(source, source_group) if source_group else []
