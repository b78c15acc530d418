"""Feedback triads (tilbakemeldingstrening): groups of three practise feedback in rounds of
prepare, practise and debrief. In each round one person gives feedback on a situation of their
own, one receives it (playing the person it is meant for), and the rest observe with a
checklist of what marks good feedback. The roles move on each round, so over the rounds everyone
gives once and receives once; in a triad everyone also observes once.

A room that doesn't divide by three gets a group of four with two observers (see
grouping.triads). There are as many rounds as people in the largest group, so in a group of
four everyone gives once too (and observes twice); a trio in the same room starts over in its
fourth round. The roles of a round are computed from the group's members in the order they
joined, never stored, so a latecomer (placed in the smallest group) joins the rotation at its
end and the rounds already held stay as they were.

The observer's checklist and notes are saved at once and shown to the triad in the debrief;
they never leave it. The facilitator sees how many were saved, not what.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django import forms
from django.db import transaction
from django.db.models import Count, Max
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.kinds import common
from exercises.models import Member
from exercises.phases import Phase
from workshops import push

NAME = "feedback_triads"
LABEL = _("Feedback triads")
SUMMARY = _(
    "Groups of three practise feedback in rounds. Giver, receiver and observer change each round."
)
EXAMPLE = _(
    "Prepare for 2 minutes, practise for 5, debrief for 5, three rounds. The observer ticks "
    "what good feedback is."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes_prepare", "minutes_practise", "minutes_debrief")
LENGTH_FROM_ROOM = True  # its phases repeat per group or person (common.settings_of)
TEMPLATE = "exercises/kinds/triads.html"
GIVER, RECEIVER, OBSERVER = "giver", "receiver", "observer"
STEPS = ("prepare", "practise", "debrief")

TRIAD_ROLES = {
    GIVER: (
        _("Giver"),
        _("Gives feedback on a situation of your own: what the person does, and its effect."),
    ),
    RECEIVER: (
        _("Receiver"),
        _(
            "Plays the person the feedback is meant for, and receives it: listens, checks "
            "understanding, asks for specifics and says thank you."
        ),
    ),
    OBSERVER: (
        _("Observer"),
        _(
            "Watches, ticks what marks good feedback, and notes what went well and what to "
            "practise."
        ),
    ),
}

CHECKLIST = [
    ("strength_based", _("Strength-based")),
    ("direct", _("Direct")),
    ("honest", _("Honest")),
    ("precise", _("Precise")),
    ("behaviour", _("About behaviour")),
    ("room_to_grow", _("Gives room to grow")),
]


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Task"),
        max_length=500,
        initial=_(
            "Think of a situation where you want to give feedback on behaviour that does not "
            "work well. One of you plays the person it is meant for."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes_prepare = forms.IntegerField(
        label=_("Minutes to prepare, per round"), min_value=1, max_value=30, initial=2
    )
    minutes_practise = forms.IntegerField(
        label=_("Minutes to practise, per round"), min_value=1, max_value=30, initial=5
    )
    minutes_debrief = forms.IntegerField(
        label=_("Minutes to debrief, per round"), min_value=1, max_value=30, initial=5
    )
    max_length = forms.IntegerField(
        label=_("Longest note (characters)"), min_value=50, max_value=2000, initial=500
    )

    # As many rounds as people in the largest triad, known once the groups are formed: the
    # phases keep the lengths set here, whatever the agenda item says.


def rounds_for(largest_group: int) -> int:
    """One round per person in the largest group, and at least three (one per role)."""
    return max(3, largest_group)


def settings_of(run) -> dict:
    settings = common.settings_of(SettingsForm, run)
    largest = run.groups.annotate(size=Count("members")).aggregate(most=Max("size"))["most"]
    settings["rounds"] = rounds_for(largest or 0)
    return settings


def grouping(settings: dict) -> dict:
    return {"mode": groups.TRIADS, "roles": []}


# Each round's steps, as the exercise library shows them once for all the rounds.
STEP_LABELS = {
    "prepare": _("Prepare"),
    "practise": _("Practise"),
    "debrief": _("Give feedback and discuss"),
}


def phases(settings: dict) -> list[Phase]:
    rounds = settings.get("rounds", 3)
    minutes = {
        "prepare": settings.get("minutes_prepare", 2),
        "practise": settings.get("minutes_practise", 5),
        "debrief": settings.get("minutes_debrief", 5),
    }
    labels = {
        "prepare": _("Round {number} of {total}: prepare"),
        "practise": _("Round {number} of {total}: practise"),
        "debrief": _("Round {number} of {total}: debrief"),
    }
    return [
        Phase(
            f"{step}-{number}",
            format_lazy(labels[step], number=number, total=rounds),
            minutes[step],
        )
        for number in range(1, rounds + 1)
        for step in STEPS
    ]


def step_of(phase_key: str) -> tuple[str, int]:
    """("practise", 2) from "practise-2"."""
    step, _dash, number = phase_key.rpartition("-")
    return step, int(number)


# The rotation, as a pure function.


def roles_in_round[T](members: Sequence[T], round_index: int) -> dict[T, str]:
    """Who holds which role in round `round_index` (0-based): the round's person gives, the
    next one receives, everyone else observes. Over len(members) rounds everyone gives once
    and receives once."""
    n = len(members)
    if n == 0:
        return {}
    roles = dict.fromkeys(members, OBSERVER)
    giver = round_index % n
    roles[members[giver]] = GIVER
    if n > 1:
        roles[members[(giver + 1) % n]] = RECEIVER
    return roles


# Reading a triad.


def _members(group) -> list[Member]:
    # In the order they joined: a latecomer goes to the end of the rotation.
    return list(group.members.select_related("attendee").order_by("pk"))


def _key(number: int) -> str:
    return f"observation-{number}"


def _label(code: str) -> str:
    return dict(CHECKLIST).get(code, code)


def _observations(run, group, number: int) -> list[dict]:
    return [
        {
            "observer": s.author,
            "checks": [_label(code) for code in s.data.get("checks", [])],
            "went_well": s.data.get("went_well", ""),
            "practise": s.data.get("practise", ""),
        }
        for s in run.submissions.filter(key=_key(number), group=group)
        .exclude(text="")  # erasure emptied it: it only counts
        .select_related("author")
    ]


def group_context(run, group) -> dict:
    """What the triad's phones see: who holds which role this round, and in the debrief what
    the observers noted."""
    step, number = step_of(run.current_phase().key)
    members = _members(group)
    roles = roles_in_round(members, number - 1)
    giver = next((m for m in members if roles[m] == GIVER), None)
    return {
        "members": [(m, roles[m], TRIAD_ROLES[roles[m]][0]) for m in members],
        "giver": giver,
        "round": number,
        "step": step,
        "observations": _observations(run, group, number) if step == "debrief" else [],
    }


# What phones send.


class ObservationForm(forms.Form):
    checks = forms.MultipleChoiceField(
        label=_("What marked the feedback?"),
        choices=CHECKLIST,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        messages = {
            "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d).")
        }
        self.fields["went_well"] = forms.CharField(
            label=_("What went well"),
            max_length=max_length,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages=messages,
        )
        self.fields["practise"] = forms.CharField(
            label=_("What to practise"),
            max_length=max_length,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages=messages,
        )

    def clean(self):
        data = super().clean()
        if not (data.get("checks") or data.get("went_well") or data.get("practise")):
            raise forms.ValidationError(_("Tick something or write a note first."))
        return data


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    settings = settings_of(run)
    form = ObservationForm(data, max_length=settings["max_length"])
    member = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
    if member is None:
        return common.refuse(form, gettext("You are not in a group in this exercise."))
    _step, current = step_of(run.current_phase().key)
    # The round the form was drawn for: notes finished just after the facilitator moved on
    # still land in their round.
    try:
        number = int(data.get("round", current))
    except ValueError:
        number = 0
    if not 1 <= number <= current:
        return common.refuse(form, gettext("That round has not begun."))
    roles = roles_in_round([m.pk for m in _members(member.group)], number - 1)
    if roles.get(member.pk) != OBSERVER:
        return common.refuse(form, gettext("The checklist is the observer's this round."))
    if not form.is_valid():
        return form
    with transaction.atomic():
        submission, created = save(
            run,
            attendee,
            key=_key(number),
            text=form.cleaned_data["went_well"] or form.cleaned_data["practise"] or "–",
            token=token,
            replace=True,  # one observation per observer per round: saving again replaces it
            data={
                "checks": form.cleaned_data["checks"],
                "went_well": form.cleaned_data["went_well"],
                "practise": form.cleaned_data["practise"],
            },
        )
        if created:
            submission.group = member.group
            submission.save(update_fields=["group"])
            push.group_changed(run.pk, [member.group_id])
    return form


def room_context(run) -> dict:
    settings = settings_of(run)
    step, number = step_of(run.current_phase(settings).key)
    triads = list(run.groups.order_by("number").prefetch_related("members__attendee"))
    observers = sum(
        sum(
            1
            for role in roles_in_round(list(g.members.all()), number - 1).values()
            if role == OBSERVER
        )
        for g in triads
    )
    return {
        "settings": settings,
        "step": step,
        "round": number,
        "rounds": settings["rounds"],
        "triads": triads,
        "checklist": [label for _code, label in CHECKLIST],
        "observers": observers,
        "observed": run.submissions.filter(key=_key(number)).count(),
    }


def phone_context(run, attendee) -> dict:
    """The phone's role in this round's triad, who gives and who receives, and as observer
    its own checklist."""
    settings = settings_of(run)
    member = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
    if member is None:
        return {"member": None, "form": ObservationForm(max_length=settings["max_length"])}
    _step, number = step_of(run.current_phase(settings).key)
    members = _members(member.group)
    roles = roles_in_round([m.pk for m in members], number - 1)
    role = roles.get(member.pk, OBSERVER)
    saved = run.submissions.filter(key=_key(number), author=attendee).order_by("pk").last()
    by_pk = {m.pk: m for m in members}
    return {
        "member": member,
        "role": role,
        "role_label": TRIAD_ROLES[role][0],
        "role_text": TRIAD_ROLES[role][1],
        "giver": next((by_pk[pk] for pk, r in roles.items() if r == GIVER), None),
        "receiver": next((by_pk[pk] for pk, r in roles.items() if r == RECEIVER), None),
        "saved": saved,
        "form": ObservationForm(
            initial=saved.data if saved else None, max_length=settings["max_length"]
        ),
    }


ACTIONS: dict = {}


def anonymised(submission) -> dict:
    """Observations are the triad's: the row stays, empty, with its triad, so how many were
    saved per round and triad stays; the ticks and notes go."""
    return {"group_id": submission.group_id}


def export(run) -> tuple[list[str], list[list]]:
    # Who held which role in each round, and how many checklists were saved; the notes are the
    # triad's and are not exported.
    header = [
        gettext("Triad"),
        gettext("Round"),
        gettext("Giver"),
        gettext("Receiver"),
        gettext("Observers"),
        gettext("Checklists saved"),
    ]
    saved = Counter(run.submissions.values_list("group_id", "key"))
    rows = []
    for group in run.groups.order_by("number"):
        members = _members(group)
        for number in range(1, settings_of(run)["rounds"] + 1):
            roles = roles_in_round(members, number - 1)
            names = {
                role: [m.attendee.display_name for m in members if roles[m] == role]
                for role in (GIVER, RECEIVER, OBSERVER)
            }
            rows.append(
                [
                    group.name,
                    number,
                    ", ".join(names[GIVER]),
                    ", ".join(names[RECEIVER]),
                    ", ".join(names[OBSERVER]),
                    saved.get((group.pk, _key(number)), 0),
                ]
            )
    return header, rows
