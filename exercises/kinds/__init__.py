"""The registry of exercise kinds: each is one module of the same shape, listed here.

What a kind defines, and what it may leave out, is written down once, in the `Kind` protocol
of exercises/kinds/base.py:

required   NAME, LABEL, SUMMARY, EXAMPLE, MINUTES, TEMPLATE, SettingsForm, ACTIONS,
           phases(settings), settings_of(run), room_context(run),
           submit(run, attendee, data, token), export(run)
optional   LENGTH_FROM_ROOM, STEP_LABELS, GROUP_RESULTS, CLOSING, DOWNLOADS,
           phone_context(run, attendee), planned_settings(settings),
           anonymised(submission), forget(run, leaving), promotable(run), export_sheets(run),
           picture(run, image_format), own_page(participant)
None or    grouping(settings), group_context(run, group), group_output(run, group),
a hook     group_progress(run, groups), participants(run),
           people_leaving(run, answers, attendances)

`register` gives a kind base's default for each optional hook it leaves out, so core code
calls any hook on any kind. The system check exercises.E001–E004 (exercises/checks.py) tells
at start-up when a registered kind breaks the contract.

After the day (exercises/results.py) a run is drawn by its `presenter` partial at its last
phase, with run.state["revealed"] set: a kind that holds results back until they are revealed
keeps that flag there.

Adding a kind means adding a module and listing it here; no other kind changes, and no core
code names it.
"""

from __future__ import annotations

from types import ModuleType

from exercises.kinds import (
    base,
    checkin,
    diamond,
    duo,
    gallery,
    igp,
    proposals,
    reflection,
    round_robin,
    survey,
    triads,
    word_cloud,
)
from exercises.kinds.base import Kind


def register(module: ModuleType) -> Kind:
    """The module as a kind: each optional hook it leaves out is base's default."""
    for name in base.OPTIONAL:
        if name not in vars(module):
            setattr(module, name, getattr(base, name))
    return module


KINDS: dict[str, Kind] = {
    module.NAME: register(module)
    for module in (
        word_cloud,
        survey,
        proposals,
        diamond,
        duo,
        igp,
        reflection,
        round_robin,
        gallery,
        triads,
        checkin,
    )
}


def get(name: str) -> Kind:
    return KINDS[name]


def choices() -> list[tuple[str, str]]:
    return [(name, module.LABEL) for name, module in KINDS.items()]


def own_page_parts(participant) -> list[dict]:
    """What the kinds show on the person's own page (registered with workshops.personal)."""
    return [
        {"template": f"{kind.TEMPLATE}#personal", "context": shown}
        for kind in KINDS.values()
        if (shown := kind.own_page(participant)) is not None
    ]
