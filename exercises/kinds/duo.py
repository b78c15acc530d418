"""Duo: the room talks in pairs (a trio when the room is odd), on one timer with a signal to
switch who talks: at half time, or after as many minutes as the facilitator set. Each phone says
who talks first. Afterwards, optionally, a private note."""

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
SUMMARY = _("Pairs talk on one timer, with a signal at half time to switch who talks.")
EXAMPLE = _(
    "“What have you been busy with since last time?” Seven minutes, shared between the two."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes", "note_minutes")
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
    switch_minutes = forms.IntegerField(
        label=_("Switch who talks after (minutes)"),
        min_value=1,
        max_value=59,
        required=False,
        help_text=_("Leave it empty to switch at half time."),
    )
    note = forms.BooleanField(label=_("A private note afterwards"), required=False, initial=False)
    note_minutes = forms.IntegerField(
        label=_("Minutes for the note"), min_value=1, max_value=30, initial=2
    )
    note_length = forms.IntegerField(
        label=_("Longest note (characters)"), min_value=50, max_value=5000, initial=1000
    )

    def clean(self):
        cleaned = super().clean()
        minutes, switch = cleaned.get("minutes"), cleaned.get("switch_minutes")
        if minutes and switch and switch >= minutes:
            self.add_error(
                "switch_minutes",
                gettext("Switch before the time is up: at most %(most)s minutes.")
                % {"most": minutes - 1},
            )
        return cleaned


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


def switch_after(settings: dict) -> dt.timedelta:
    """How long the first person talks: as set, else half the time (within the time there is,
    should the settings have been shortened since)."""
    total = dt.timedelta(minutes=settings["minutes"])
    switch = settings.get("switch_minutes")
    if switch and dt.timedelta(minutes=switch) < total:
        return dt.timedelta(minutes=switch)
    return total / 2


def room_context(run) -> dict:
    settings = settings_of(run)
    workshop = run.workshop
    switch_at = None
    if workshop.timer_ends_at and workshop.timer_duration and run.phase == 0:
        # From when the talk started (paused time moves it on, as it moves the deadline).
        started = workshop.timer_ends_at - workshop.timer_duration
        switch_at = started + switch_after(settings)
    pairs = [
        {"group": group, "names": [m.attendee.display_name for m in group.members.all()]}
        for group in run.groups.prefetch_related("members__attendee")
    ]
    return {
        "settings": settings,
        "pairs": pairs,
        "switch_at_ms": int(switch_at.timestamp() * 1000) if switch_at else None,
        "switch_minutes": settings.get("switch_minutes"),
        "notes_written": common.people(run.submissions.filter(key=KEY)),
    }


def phone_context(run, attendee) -> dict:
    """Who the phone's person talks with and in what order, and their own note."""
    mine = Member.objects.filter(run=run, attendee=attendee).first()
    # The pair's own order, random as the pairs were drawn: the first talks first.
    talk_order = [m.attendee for m in mine.group.members.select_related("attendee")] if mine else []
    note = (
        run.submissions.filter(key=KEY, author=attendee).values_list("text", flat=True).last() or ""
    )
    return {
        "partners": [a.display_name for a in talk_order if a != attendee],
        "me_first": bool(talk_order) and talk_order[0] == attendee,
        "talks_first": talk_order[0].display_name if talk_order else "",
        # A trio (the odd room) shares the time three ways, in this order.
        "trio_order": [gettext("you") if a == attendee else a.display_name for a in talk_order]
        if len(talk_order) > 2
        else [],
        "note": note,
        "form": NoteForm(initial={"text": note}, max_length=settings_of(run)["note_length"]),
    }


ACTIONS: dict = {}


def anonymised(submission) -> dict:
    """Notes are private: the row stays, empty, so how many wrote one stays."""
    return {}


def export(run) -> tuple[list[str], list[list]]:
    # The notes are private: the export lists who talked with whom, never what anyone wrote.
    header = [gettext("Pair"), gettext("Talks first"), gettext("People")]
    rows = [
        [pair["group"].name, pair["names"][0] if pair["names"] else "", ", ".join(pair["names"])]
        for pair in room_context(run)["pairs"]
    ]
    return header, rows
