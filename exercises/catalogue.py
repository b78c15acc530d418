"""The exercise library of the agenda builder: every kind with a line on what it does, its
phases with their default minutes, and an example; adding one puts an agenda item with the
exercise already set up at the end of the day.

An exercise's phases follow its agenda item's minutes: a 30-minute IGP item gets phases that
add up to 30, unless the facilitator times the phases themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import ModuleType

from django import forms
from django.db import transaction

from exercises import kinds
from exercises.kinds.common import defaults, fit, planned_minutes, planned_phases
from exercises.models import Exercise
from exercises.phases import Phase
from workshops.forms import AgendaItemForm
from workshops.models import AgendaItem, Workshop


@dataclass(frozen=True)
class Step:
    """A phase as the library shows it: once, with how many times it comes."""

    label: str
    minutes: int
    times: int = 1


def outline(module: ModuleType, phases: list[Phase]) -> list[Step]:
    """The phases with those that repeat (a triad's rounds, a gallery walk's visits) shown once,
    under the kind's STEP_LABELS."""
    labels = module.STEP_LABELS
    steps: dict[str, Step] = {}
    for phase in phases:
        base, _dash, number = phase.key.rpartition("-")
        if number.isdigit() and base in labels:
            step = steps.get(base)
            steps[base] = (
                Step(labels[base], phase.minutes, step.times + 1)
                if step
                else Step(labels[base], phase.minutes)
            )
        else:
            steps[phase.key] = Step(phase.label, phase.minutes)
    return list(steps.values())


@dataclass(frozen=True)
class Entry:
    """One kind in the library, with its default phases."""

    name: str
    module: ModuleType
    phases: list[Phase]

    @property
    def label(self):
        return self.module.LABEL

    @property
    def summary(self):
        return self.module.SUMMARY

    @property
    def example(self):
        return self.module.EXAMPLE

    @property
    def minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)

    @property
    def steps(self) -> list[Step]:
        return outline(self.module, self.phases)


def entries() -> list[Entry]:
    return [
        Entry(name, module, planned_phases(module, defaults(module)))
        for name, module in kinds.KINDS.items()
    ]


class ItemForm(forms.ModelForm):
    """The agenda item an exercise from the library goes into."""

    class Meta:
        model = AgendaItem
        fields = ["title", "duration_minutes", "description", "facilitator_notes"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "facilitator_notes": forms.Textarea(attrs={"rows": 3}),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 600, "step": 1}),
        }
        error_messages = AgendaItemForm.Meta.error_messages

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs["min"] = 1  # as AgendaItemForm


def library_forms(module: ModuleType, data=None) -> tuple[ItemForm, forms.Form]:
    """The item's form and the kind's settings form, filled in with the kind's defaults."""
    start = defaults(module)
    item = ItemForm(
        data,
        prefix="item",
        initial={"title": str(module.LABEL), "duration_minutes": planned_minutes(module, start)},
    )
    return item, module.SettingsForm(data, prefix="settings")


def settle(module: ModuleType, item: dict, settings: dict) -> tuple[dict, dict]:
    """What to save from the two valid forms. The phases follow the item's minutes when only
    the minutes were changed; the item follows the phases when only the phases were (or a
    setting that adds one, such as a duo's note); when both were changed both stay as given."""
    start = planned_minutes(module, defaults(module))
    item_changed = item["duration_minutes"] != start
    phases_changed = planned_minutes(module, settings) != start
    if item_changed and not phases_changed:
        settings = fit(module, settings, item["duration_minutes"])
    elif phases_changed and not item_changed:
        item = {**item, "duration_minutes": planned_minutes(module, settings)}
    return item, settings


def add_to_agenda(
    workshop: Workshop, module: ModuleType, *, item: dict, settings: dict, token: uuid.UUID | None
) -> AgendaItem:
    """Add an exercise item at the end of the day, with its exercise, in one transaction; the
    same token again (a double click, a retried request) finds the first one."""
    with transaction.atomic():
        agenda_item = workshop.add_item(token=token, kind=AgendaItem.Kind.EXERCISE, **item)
        Exercise.objects.get_or_create(
            agenda_item=agenda_item, defaults={"kind": module.NAME, "settings": settings}
        )
    return agenda_item


def follow_item(item: AgendaItem, minutes_before: int) -> None:
    """After an exercise item's minutes were changed, fit its phases to them, if they filled
    the item before and the exercise has not run (a run keeps the times it was started with)."""
    exercise = Exercise.objects.filter(agenda_item=item).first()
    if exercise is None or item.duration_minutes == minutes_before or exercise.runs.exists():
        return
    module = exercise.module
    settings = {**defaults(module), **exercise.settings}
    if planned_minutes(module, settings) != minutes_before:
        return  # timed apart from the item on purpose: leave it so
    fitted = fit(module, settings, item.duration_minutes)
    exercise.settings = {
        **exercise.settings,
        **{name: fitted[name] for name in module.MINUTES},
    }
    exercise.save(update_fields=["settings"])
