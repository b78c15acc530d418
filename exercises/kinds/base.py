"""What an exercise kind is: the contract every kind keeps, and the defaults of its optional hooks.

A kind is a module (exercises/kinds/word_cloud.py, …) listed in the registry
(exercises/kinds/__init__.py). `Kind` below names what the rest of Samling may ask of it. The
required part every kind defines itself. An optional hook a kind leaves out is the default of
the same name in this module, filled in when the registry lists the kind, so core code calls
`run.module.anonymised(submission)` on any kind without asking first whether it has one. A few
hooks may be None, where None itself says something (no group view, nothing a later exercise
can build on); core code checks those for None, as the hook's docstring says.

The system check in exercises/checks.py (exercises.E001–E004) holds every registered kind to
this contract when Django starts.

Core code never names a kind: what one kind does differently is a hook here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from django import forms
    from django.db.models import QuerySet

    from exercises.models import Group, Run, Submission
    from exercises.phases import Phase
    from exercises.promote import Offer
    from workshops.models import Participant


class Kind(Protocol):
    """An exercise kind. Each hook is a function of the kind's module (no `self`)."""

    # Required: every kind defines these itself.

    NAME: str
    """The kind's code name, stored on each exercise (Exercise.kind)."""
    LABEL: str
    """Its name in the UI."""
    SUMMARY: str
    """A line on what it does, for the exercise library."""
    EXAMPLE: str
    """An example of it, for the exercise library."""
    MINUTES: tuple[str, ...]
    """The settings that time the phases: they fill the agenda item's minutes unless set
    (common.fit), in the library, the set-up and at run time."""
    TEMPLATE: str
    """A template with the partials phone, mine, presenter and console (and group, for a kind
    with a group view; personal, for a kind on the person's own page)."""
    SettingsForm: type[forms.Form]
    """A form that validates the kind's settings and holds their defaults."""
    ACTIONS: dict[str, Callable[[Run, Any], str | None]]
    """The facilitator's actions on a run, name -> function(run, data) returning the detail
    the run's log keeps."""

    def phases(self, settings: dict) -> list[Phase]:
        """The timed phases, as Phase(key, label, minutes)."""

    def settings_of(self, run: Run) -> dict:
        """The run's settings with the form's defaults filled in."""

    def room_context(self, run: Run) -> dict:
        """What the TEMPLATE's partials need as `kind` when drawn for the room: the projector,
        the console, the phones' shared fragment, a group's view, the day's results. Worked
        out once per redraw and shared by every screen of that audience, so nothing in it is
        any one person's (`form`, where there is one, is the empty entry form). An aggregate
        only some partials show may be a function the template calls, worked out at most once
        within this one call (see word_cloud)."""

    def submit(self, run: Run, attendee, data, token) -> forms.Form:
        """Validate and save what a phone sends; return the form (with errors when refused),
        which the `mine` partial shows again."""

    def export(self, run: Run) -> tuple[list, list[list]]:
        """Header and rows for the CSV export."""

    # Optional: a kind that leaves one out has the default below.

    LENGTH_FROM_ROOM: bool
    """True when the number of phases comes from the room (visits per group, rounds per
    person); then only the set-up fits them to the item. Default False."""
    STEP_LABELS: dict[str, str]
    """A label for phases that repeat (a triad's "prepare-1", "prepare-2", …), so the library
    shows each once with how many times. Default none."""
    GROUP_RESULTS: frozenset[str]
    """The submission keys that are a group's result though one member typed them (the
    secretary's list): they stay with the group, text and all, when that person is erased
    (retention takes them as it takes every row, see `anonymised`). Default none."""
    CLOSING: bool
    """True when the room's result is a highlight of the day, shown on the projector's closing
    screen (the cloud, the room's diamond); a run that ended in a decision is shown there
    whatever its kind. Default False."""
    DOWNLOADS: list[tuple[str, str]]
    """Downloads of a run's result beyond its table (CSV and XLSX, which every kind has), as
    (label, URL name taking the run's pk). Default none."""

    def phone_context(self, run: Run, attendee) -> dict:
        """What one phone shows of its own person, laid over room_context for that phone's
        `kind`: their own entries, how many they have left, their form as they left it, their
        group and role. Only that person's part, never the room's again. Default: nothing of
        its own (every phone shows the room's part)."""

    def planned_settings(self, settings: dict) -> dict:
        """The settings as planned, before there is a room to group (a gallery walk plans four
        stations): the library and the set-up time `phases(planned_settings(settings))`.
        Default: the settings as they are."""

    def anonymised(self, submission: Submission) -> dict | None:
        """What stays of one of the kind's submissions when erasure or retention takes its
        author away (exercises/privacy.py), so that the room's results, read from the rows,
        stay as they were: {"data": ..., "group_id": ...}, the data without anything the person
        wrote and the group only where results count per group (a left out key means empty
        data, no group). The author and the text always go. None: the row is deleted, as
        nothing counts it (a draft, a text no number counts). Default None."""

    def forget(self, run: Run, leaving: QuerySet) -> None:
        """Take the texts of `leaving` out of the run's state where the facilitator's choices
        quote them (hidden and merged words, a decision's alternatives); the run's log is
        cleaned by exercises/privacy.py. Default: nothing to take out."""

    def promotable(self, run: Run) -> list[Offer]:
        """The results the lederplattform can promote (a group's list, the room's diamond,
        the chosen proposal), each naming the platform parts it may go to. Default none."""

    def export_sheets(self, run: Run) -> list[tuple[str, list, list[list]]]:
        """The spreadsheet export as (title, header, rows) per sheet. Default: the CSV export
        as one sheet."""

    def picture(self, run: Run, image_format: str) -> tuple[str, bytes | str] | None:
        """The run's result drawn as an image ("svg" or "png") for download, as (a file name
        without its extension, the image); None when the kind draws none, the default."""

    def own_page(self, participant: Participant) -> dict | None:
        """What the person's own page shows of this kind (their own answers over the days), as
        the context of the TEMPLATE's `personal` partial; None when it shows nothing, the
        default."""

    # Optional, None unless the kind has one.

    grouping: Callable[[dict], dict | None] | None
    """grouping(settings): how the room is grouped when the run starts, e.g. {"mode": "pairs",
    "roles": [...], "rule": "fair"} (see exercises/grouping.py), or None when these settings
    make it a whole-room exercise (a diamond each places alone). None: the kind is always a
    whole-room exercise, and a run of it never looks for groups."""
    group_context: Callable[[Run, Group], dict] | None
    """group_context(run, group): what one group's phones see, pushed over that group's own
    stream (the `group` partial; see live/groupcast.py). It is redrawn whenever anyone in
    the group acts: what a person fills in belongs in their own `mine` partial, never here, or
    another person's send would wipe it. None: the kind has no group view."""
    group_output: Callable[[Run, Group], list[str]] | None
    """group_output(run, group): the group's result as a list of lines, for a later exercise
    that builds on it (a gallery walk's stations). None: its groups hand nothing over."""
    group_progress: Callable[[Run, list[Group]], dict[int, tuple[int, int]]] | None
    """group_progress(run, groups): how far each group has come in the current phase, as
    {group id: (done, of)}, shown as ticks on the projector; a phase with nothing to count
    leaves its groups out. None: the projector shows no ticks for this kind."""
    participants: Callable[[Run], int] | None
    """participants(run): how many people took part, where that is not the number of people
    who sent something (a check-in is saved on the personal pages). None: those who sent."""
    people_leaving: Callable[[Run, QuerySet, QuerySet], dict] | None
    """people_leaving(run, answers, attendances): for a kind whose results count people's
    personal-page answers and the day's attendances rather than its own submissions (the
    check-in): what deleting these (of any day) takes from the run's counts, which the run
    then keeps in run.state["kept"]: these rows name their person, so they can't stay
    anonymised. None: the kind counts only its own submissions."""


# The defaults of the optional hooks, in the order of Kind.

LENGTH_FROM_ROOM = False
STEP_LABELS: dict[str, str] = {}
GROUP_RESULTS: frozenset[str] = frozenset()
CLOSING = False
DOWNLOADS: list[tuple[str, str]] = []


def phone_context(run: Run, attendee) -> dict:
    return {}


def planned_settings(settings: dict) -> dict:
    return settings


def anonymised(submission: Submission) -> dict | None:
    return None


def forget(run: Run, leaving: QuerySet) -> None:
    return None


def promotable(run: Run) -> list[Offer]:
    return []


def export_sheets(run: Run) -> list[tuple[str, list, list[list]]]:
    return [(run.exercise.agenda_item.title, *run.module.export(run))]


def picture(run: Run, image_format: str) -> tuple[str, bytes | str] | None:
    return None


def own_page(participant: Participant) -> dict | None:
    return None


grouping = None
group_context = None
group_output = None
group_progress = None
participants = None
people_leaving = None

OPTIONAL = (
    "LENGTH_FROM_ROOM",
    "STEP_LABELS",
    "GROUP_RESULTS",
    "CLOSING",
    "DOWNLOADS",
    "phone_context",
    "planned_settings",
    "grouping",
    "anonymised",
    "forget",
    "promotable",
    "export_sheets",
    "picture",
    "own_page",
    "group_context",
    "group_output",
    "group_progress",
    "participants",
    "people_leaving",
)
# The optional hooks that may stay None (see their docstrings in Kind).
MAY_BE_NONE = frozenset(
    {
        "grouping",
        "group_context",
        "group_output",
        "group_progress",
        "participants",
        "people_leaving",
    }
)
