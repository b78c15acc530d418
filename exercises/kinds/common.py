"""Small pieces every kind uses the same way."""

from __future__ import annotations

from functools import partial

from django.db import transaction


def settings_of(form_class, run, **extra) -> dict:
    """The run's settings with the settings form's defaults filled in (settings saved before a
    field was added still read right)."""
    defaults = {name: field.initial for name, field in form_class.base_fields.items()}
    return {**defaults, **extra, **run.exercise.settings}


def publish_group(run, group_id: int) -> None:
    """Redraw one group's view for its phones once the change is committed."""
    from exercises import groupcast

    transaction.on_commit(partial(groupcast.groups_changed, run.pk, [group_id]), robust=True)
