"""Duo: the room talks in pairs (a trio when the room is odd), on one timer with a signal at
half time to switch who talks; afterwards, optionally, a private note."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.kinds import common
from exercises.models import Member
from exercises.phases import Phase

NAME = "duo"
LABEL = _("Duo")
TEMPLATE = "exercises/kinds/duo.html"
KEY = "note"


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("What the pairs talk about"),
        max_length=300,
        initial=_("What have you been busy with since last time? Share reflections and stories."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.IntegerField(label=_("Minutes in all"), min_value=2, max_value=60, initial=7)
    note = forms.BooleanField(label=_("A private note afterwards"), required=False, initial=False)
    note_minutes = forms.IntegerField(
        label=_("Minutes for the note"), min_value=1, max_value=30, initial=2
    )
    note_length = forms.IntegerField(
        label=_("Longest note (characters)"), min_value=50, max_value=5000, initial=1000
    )

    PHASE_MINUTES = ("minutes",)


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def grouping(settings: dict) -> dict:
    return {"mode": groups.PAIRS, "roles": []}


def phases(settings: dict) -> list[Phase]:
    talk = [Phase("talk", _("Talk in pairs"), settings.get("minutes", 7))]
    if settings.get("note"):
        talk.append(Phase("note", _("Private note"), settings.get("note_minutes", 2)))
    return talk


class NoteForm(forms.Form):
    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(
            label=_("Your note (only you can see it)"),
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "required": _("Write something first."),
                "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d)."),
            },
        )


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    settings = settings_of(run)
    form = NoteForm(data, max_length=settings["note_length"])
    if run.current_phase().key != "note":
        form.is_valid()
        form.add_error(None, gettext("Notes open after the talk."))
        return form
    if form.is_valid():
        # One note per person: a new version replaces the old one.
        save(run, attendee, key=KEY, text=form.cleaned_data["text"], token=token, replace=True)
    return form


def context(run, attendee=None) -> dict:
    settings = settings_of(run)
    workshop = run.workshop
    half_at = None
    if workshop.timer_ends_at and workshop.timer_duration and run.phase == 0:
        half_at = workshop.timer_ends_at - workshop.timer_duration / 2
    pairs = [
        {"group": group, "names": [m.attendee.display_name for m in group.members.all()]}
        for group in run.groups.prefetch_related("members__attendee")
    ]
    partners, note = [], ""
    if attendee is not None:
        mine = Member.objects.filter(run=run, attendee=attendee).first()
        if mine is not None:
            partners = [
                m.attendee.display_name
                for m in mine.group.members.select_related("attendee")
                if m.attendee_id != attendee.pk
            ]
        note = (
            run.submissions.filter(key=KEY, author=attendee).values_list("text", flat=True).last()
            or ""
        )
    return {
        "settings": settings,
        "pairs": pairs,
        "half_at_ms": int(half_at.timestamp() * 1000) if half_at else None,
        "half_minutes": dt.timedelta(minutes=settings["minutes"]) / 2,
        "partners": partners,
        "note": note,
        "notes_written": run.submissions.filter(key=KEY).values("author").distinct().count()
        + common.kept(run).get("notes_written", 0),
        "form": NoteForm(initial={"text": note}, max_length=settings["note_length"]),
    }


ACTIONS: dict = {}


def keep(run, leaving) -> dict:
    """Notes are private: of deleted ones only how many people wrote one stays."""
    writers = leaving.filter(key=KEY).values("author").distinct().count()
    return common.add_counts(run, notes_written=writers)


def export(run) -> tuple[list[str], list[list]]:
    # The notes are private: the export lists who talked with whom, never what anyone wrote.
    header = [gettext("Pair"), gettext("People")]
    rows = [[pair["group"].name, ", ".join(pair["names"])] for pair in context(run)["pairs"]]
    return header, rows
