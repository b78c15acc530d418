"""Rekkeframlegg (round robin): in each group, turns go round in order; each turn a person adds
one point or passes. Replies are locked until the rounds are done; then arguments for each point
come before arguments against; the group ends by each member ranking the points, combined by
Borda count with ties shown, and keeps the top ones. No voting.

Whose turn it is is never stored: it follows from the turns taken so far, so it cannot drift
from what the group actually did.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.aggregate import borda_points, standings
from exercises.kinds import common
from exercises.models import Group, Member
from exercises.phases import Phase

NAME = "round_robin"
LABEL = _("Round robin (rekkeframlegg)")
SUMMARY = _(
    "Turns go round the group, one point each; arguments for come before arguments against, "
    "and the group ranks instead of voting."
)
EXAMPLE = _(
    "Good examples from practice, one at a time with the reason; the group keeps its three best."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes_rounds", "minutes_arguments", "minutes_rank")
TEMPLATE = "exercises/kinds/round_robin.html"
POINT, PASS, ARGUMENT, RANKING, AGAINST = "point", "pass", "argument", "ranking", "against"


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Task"),
        max_length=500,
        initial=_("Share good examples from practice, one at a time, with the reason."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    keep = forms.IntegerField(
        label=_("Points the group keeps"), min_value=1, max_value=20, initial=3
    )
    minutes_rounds = forms.IntegerField(
        label=_("Minutes for the rounds"), min_value=1, max_value=120, initial=15
    )
    minutes_arguments = forms.IntegerField(
        label=_("Minutes for arguments"), min_value=1, max_value=60, initial=10
    )
    minutes_rank = forms.IntegerField(
        label=_("Minutes for ranking"), min_value=1, max_value=30, initial=5
    )
    max_length = forms.IntegerField(
        label=_("Longest point (characters)"), min_value=20, max_value=500, initial=200
    )


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def grouping(settings: dict) -> dict:
    return {"mode": groups.NETWORK_GROUPS, "roles": ["chair", "secretary"], "rule": "fair"}


def phases(settings: dict) -> list[Phase]:
    return [
        Phase("rounds", _("Rounds"), settings.get("minutes_rounds", 15)),
        Phase("arguments", _("Arguments"), settings.get("minutes_arguments", 10)),
        Phase("rank", _("Ranking"), settings.get("minutes_rank", 5)),
    ]


def phase_key(run) -> str:
    return run.current_phase().key


# The rules, as pure functions.


def round_order[T](members: list[T], round_number: int) -> list[T]:
    """The turn order of a round: the starting person moves one on each round."""
    if not members:
        return []
    start = round_number % len(members)
    return members[start:] + members[:start]


@dataclass(frozen=True)
class Turns:
    round: int  # 0-based round in progress
    whose: object | None  # the member whose turn it is; None when the rounds are over
    complete_rounds: int
    finished: bool  # a whole round passed without a new point


def turns(members: list, taken: list[tuple[object, bool]]) -> Turns:
    """Where the rounds stand, from the turns taken: (member, added_a_point) in order."""
    n = len(members)
    if n == 0:
        return Turns(0, None, 0, True)
    complete = len(taken) // n
    for r in range(complete):
        if not any(point for _m, point in taken[r * n : (r + 1) * n]):
            return Turns(r, None, r + 1, True)
    current = len(taken) // n
    order = round_order(members, current)
    return Turns(current, order[len(taken) % n], complete, False)


# Reading a group's state from its submissions.


def _members(group: Group) -> list[Member]:
    return list(group.members.select_related("attendee").order_by("pk"))


def _taken(run, group: Group) -> list[tuple[int, bool]]:
    by_attendee = {m.attendee_id: m.pk for m in group.members.all()}
    return [
        (by_attendee.get(author_id), key == POINT)
        for author_id, key in run.submissions.filter(group=group, key__in=[POINT, PASS])
        .order_by("created_at", "pk")
        .values_list("author_id", "key")
    ]


def group_context(run, group) -> dict:
    members = _members(group)
    state = turns([m.pk for m in members], _taken(run, group))
    whose = next((m for m in members if m.pk == state.whose), None)
    points = list(run.submissions.filter(group=group, key=POINT).select_related("author"))
    arguments = list(run.submissions.filter(group=group, key=ARGUMENT))
    rankings = [s.data.get("order", []) for s in run.submissions.filter(group=group, key=RANKING)]
    keep = settings_of(run)["keep"]
    scores = borda_points([[str(p) for p in order] for order in rankings], len(points))
    table = standings(scores, [str(p.pk) for p in points])
    by_id = {str(p.pk): p for p in points}
    return {
        "members": members,
        "whose": whose,
        "round": state.round + 1,
        "finished": state.finished,
        "points": [
            {
                "point": p,
                "for": [
                    a.text
                    for a in arguments
                    if a.data.get("point") == p.pk and a.data.get("side") == "for"
                ],
                "against": [
                    a.text
                    for a in arguments
                    if a.data.get("point") == p.pk and a.data.get("side") == "against"
                ],
            }
            for p in points
        ],
        "stage": "against" if run.submissions.filter(group=group, key=AGAINST).exists() else "for",
        "ranked": len(rankings),
        "standings": [(by_id[s.key], s) for s in table],
        "kept": [by_id[s.key] for s in table if s.rank <= keep and s.score > 0],
    }


def group_output(run, group) -> list[str]:
    """The points the group kept: what a later exercise (a gallery walk) builds on."""
    return [point.text for point in group_context(run, group)["kept"]]


# What phones send.


class PointForm(forms.Form):
    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(
            label=_("Your point"),
            max_length=max_length,
            required=False,
            error_messages={
                "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d).")
            },
        )


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    settings = settings_of(run)
    form = PointForm(data, max_length=settings["max_length"])
    member = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
    if member is None:
        return common.refuse(form, gettext("You are not in a group in this exercise."))
    step, key = data.get("step", ""), phase_key(run)
    with transaction.atomic():
        # The group's row is the lock: two phones can't both take the same turn.
        group = Group.objects.select_for_update().get(pk=member.group_id)
        if step in (POINT, PASS):
            if key != "rounds":
                return common.refuse(form, gettext("The rounds are over."))
            state = turns([m.pk for m in _members(group)], _taken(run, group))
            if state.finished or state.whose != member.pk:
                return common.refuse(form, gettext("It is not your turn. Wait for it, please."))
            if step == POINT:
                if not form.is_valid():
                    return form
                text = form.cleaned_data["text"].strip()
                if not text:
                    return common.refuse(form, gettext("Write your point, or pass."))
            else:
                text = "–"
            submission, created = save(run, attendee, key=step, text=text, token=token)
        elif step == ARGUMENT:
            side = data.get("side")
            if key != "arguments":
                return common.refuse(form, gettext("Replies open when the rounds are over."))
            if side not in ("for", "against"):
                return common.refuse(form, gettext("Say whether it is an argument for or against."))
            against = run.submissions.filter(group=group, key=AGAINST).exists()
            if side == "against" and not against:
                return common.refuse(
                    form, gettext("Arguments for come first; the chair opens 'against'.")
                )
            if side == "for" and against:
                return common.refuse(form, gettext("The group has moved on to arguments against."))
            point = run.submissions.filter(group=group, key=POINT, pk=data.get("point")).first()
            text = (data.get("text") or "").strip()
            if point is None or not text:
                return common.refuse(form, gettext("Choose a point and write the argument."))
            submission, created = save(
                run,
                attendee,
                key=ARGUMENT,
                text=text[: settings["max_length"]],
                token=token,
                data={"point": point.pk, "side": side},
            )
        elif step == AGAINST:
            if member.role != "chair":
                return common.refuse(form, gettext("The chair moves the group on."))
            submission, created = save(run, attendee, key=AGAINST, text="–", token=token)
        elif step == RANKING:
            if key != "rank":
                return common.refuse(form, gettext("Ranking comes last."))
            points = [
                str(p)
                for p in run.submissions.filter(group=group, key=POINT).values_list("pk", flat=True)
            ]
            places = {p: data.get(f"place-{p}") for p in points}
            chosen = sorted((int(v), p) for p, v in places.items() if v and v.isdigit())
            if len(chosen) != len(points) or sorted(v for v, _p in chosen) != list(
                range(1, len(points) + 1)
            ):
                return common.refuse(
                    form,
                    gettext("Give every point its own place, 1 to %(count)s.")
                    % {"count": len(points)},
                )
            submission, created = save(
                run,
                attendee,
                key=RANKING,
                text="–",
                token=token,
                replace=True,
                data={"order": [int(p) for _v, p in chosen]},
            )
        else:
            return common.refuse(form, gettext("That is not something this exercise takes."))
        if created:
            submission.group = group
            submission.save(update_fields=["group"])
            common.publish_group(run, group.pk)
    return PointForm(max_length=settings["max_length"])


def context(run, attendee=None) -> dict:
    settings = settings_of(run)
    member = (
        Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
        if attendee
        else None
    )
    return {
        "settings": settings,
        "member": member,
        "role_label": member.get_role_display() if member and member.role else "",
        "phase_key": phase_key(run),
        "groups": [{"group": g, **group_context(run, g)} for g in run.groups.all()],
        "form": PointForm(max_length=settings["max_length"]),
    }


ACTIONS: dict = {}


def export(run) -> tuple[list[str], list[list]]:
    header = [
        gettext("Group"),
        gettext("Point"),
        gettext("Points (Borda)"),
        gettext("Place"),
        gettext("Kept"),
    ]
    rows = []
    for entry in context(run)["groups"]:
        kept = {p.pk for p in entry["kept"]}
        for point, standing in entry["standings"]:
            rows.append(
                [
                    entry["group"].name,
                    point.text,
                    standing.score,
                    standing.rank,
                    gettext("yes") if point.pk in kept else "",
                ]
            )
    return header, rows


def onward(run) -> list:
    """Each group's kept points, best first, for the platform's purpose or values
    (exercises/onward.py)."""
    from exercises.onward import PURPOSE, VALUES, Onward

    return [
        Onward(
            key=f"group-{entry['group'].pk}",
            label=entry["group"].name,
            items=tuple(point.text for point in entry["kept"]),
            targets=(PURPOSE, VALUES),
            group=entry["group"],
        )
        for entry in context(run)["groups"]
        if entry["kept"]
    ]
