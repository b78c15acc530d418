"""Rekkeframlegg (round robin): in each group, turns go round in a fixed order (or, if the
facilitator chooses, a new person starts each round); each turn a person adds one point (or up
to two, as set) or passes. Replies are locked until the rounds are done; then arguments for the
points come before arguments against; the group ends by each member ranking the points,
combined by Borda count with ties shown, and keeps the top ones. No voting.

Whose turn it is is never stored: it follows from the turns taken so far, so it cannot drift
from what the group actually did.

What the group's phones share (whose turn it is, the points, the arguments, the standings) comes
over the group's stream and is redrawn whenever someone in the group acts. What a person fills
in themselves (an argument, their ranking) is in their own part of the page, which those
redraws never touch: one member saving their ranking can't wipe another's half-chosen one.
Only the turn's form is drawn for the group (shown on the phone whose turn it is), and its
field is kept across redraws while the turn lasts.
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
from workshops import push

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
    grouping = forms.ChoiceField(
        label=_("Groups"), choices=common.GROUPINGS, initial=groups.NETWORK_GROUPS
    )
    group_size = forms.IntegerField(
        label=_("Group size (for random groups)"), min_value=2, max_value=12, initial=4
    )
    points_per_turn = forms.TypedChoiceField(
        label=_("Points per person per turn"),
        choices=[(1, _("One point, or pass")), (2, _("One or two points, or pass"))],
        coerce=int,
        initial=1,
    )
    rotate_start = forms.BooleanField(
        label=_("A new person starts each round"),
        required=False,
        initial=False,
        help_text=_(
            "Without it, the turn goes round in the same order every round, and the same "
            "person starts."
        ),
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
    return common.group_plan(settings, ["chair", "secretary"], "fair")


def phases(settings: dict) -> list[Phase]:
    return [
        Phase("rounds", _("Rounds"), settings.get("minutes_rounds", 15)),
        Phase("arguments", _("Arguments"), settings.get("minutes_arguments", 10)),
        Phase("rank", _("Ranking"), settings.get("minutes_rank", 5)),
    ]


def phase_key(run) -> str:
    return run.current_phase().key


# The rules, as pure functions.


def round_order[T](members: list[T], round_number: int, *, rotate: bool = False) -> list[T]:
    """The turn order of a round: the group's own order every round, or with `rotate`, the
    starting person moving one on each round."""
    if not members:
        return []
    start = round_number % len(members) if rotate else 0
    return members[start:] + members[:start]


@dataclass(frozen=True)
class Turns:
    round: int  # 0-based round in progress
    whose: object | None  # the member whose turn it is; None when the rounds are over
    complete_rounds: int
    finished: bool  # a whole round passed without a new point
    order: tuple = ()  # the round's turn order, the one who starts first
    added: int = 0  # points the person whose turn it is has added in this turn so far
    taken: int = 0  # how many points and passes so far: each one is a new moment of the turn


def turns(
    members: list, taken: list[tuple[object, bool]], *, per_turn: int = 1, rotate: bool = False
) -> Turns:
    """Where the rounds stand, from what was sent: (member, added_a_point) in order.

    A turn ends when the person has added `per_turn` points or passes (after a point, a pass
    means "that was all from me"). The rounds end when a whole round passes without a point.
    """
    n = len(members)
    if n == 0:
        return Turns(0, None, 0, True)
    done, added, round_had_point = 0, 0, False
    for _member, point in taken:
        if point:
            added += 1
            round_had_point = True
        if point and added < per_turn:
            continue
        done, added = done + 1, 0
        if done % n == 0:
            if not round_had_point:
                last = done // n - 1
                order = tuple(round_order(members, last, rotate=rotate))
                return Turns(last, None, last + 1, True, order, 0, len(taken))
            round_had_point = False
    current = done // n
    order = tuple(round_order(members, current, rotate=rotate))
    return Turns(current, order[done % n], current, False, order, added, len(taken))


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


def _turns(run, group: Group, members: list[Member], settings: dict) -> Turns:
    return turns(
        [m.pk for m in members],
        _taken(run, group),
        per_turn=settings["points_per_turn"],
        rotate=settings["rotate_start"],
    )


def _points(run, group: Group):
    """The group's points, but those erasure emptied: they have left the list (and only hold
    their places in the rankings, see group_context)."""
    return run.submissions.filter(group=group, key=POINT).exclude(text="")


def _stage(run, group: Group) -> str:
    """Arguments for come first; once the chair moves the group on, arguments against."""
    return "against" if run.submissions.filter(group=group, key=AGAINST).exists() else "for"


def group_progress(run, groups) -> dict[int, tuple[int, int]]:
    """For the projector's ticks: in the rounds, who has had a turn; at the end, who has
    ranked the points. The replies have nothing to count."""
    keys = {"rounds": (POINT, PASS), "rank": (RANKING,)}.get(phase_key(run))
    if keys is None:
        return {}
    done = set(run.submissions.filter(key__in=keys).values_list("author_id", flat=True))
    return {
        g.pk: (sum(m.attendee_id in done for m in g.members.all()), len(g.members.all()))
        for g in groups
    }


def group_context(run, group) -> dict:
    settings = settings_of(run)
    members = _members(group)
    state = _turns(run, group, members, settings)
    by_pk = {m.pk: m for m in members}
    points = list(_points(run, group).select_related("author"))
    arguments = list(run.submissions.filter(group=group, key=ARGUMENT))
    rankings = [s.data.get("order", []) for s in run.submissions.filter(group=group, key=RANKING)]
    keep = settings["keep"]
    # A point that left with its writer still takes its place in the rankings given, so the
    # others' points stay as they were.
    places = run.submissions.filter(group=group, key=POINT).count()
    scores = borda_points([[str(p) for p in order] for order in rankings], places)
    table = standings(scores, [str(p.pk) for p in points])
    by_id = {str(p.pk): p for p in points}
    whose = by_pk.get(state.whose)
    return {
        "members": members,
        # The round's turn order, the one who starts first.
        "order": [by_pk[pk] for pk in state.order if pk in by_pk],
        "whose": whose,
        "round": state.round + 1,
        "finished": state.finished,
        "added": state.added,
        # More points this turn, or only a pass ("that was all from me")?
        "may_add": whose is not None and state.added < settings["points_per_turn"],
        "turn_key": state.taken,
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
        "stage": _stage(run, group),
        "ranked": len(rankings),
        "standings": [(by_id[s.key], s) for s in table],
        "kept": [by_id[s.key] for s in table if s.rank <= keep and s.score > 0],
    }


def group_output(run, group) -> list[str]:
    """The points the group kept: what a later exercise (a gallery walk) builds on."""
    return [point.text for point in group_context(run, group)["kept"]]


# What phones send.


class PointForm(forms.Form):
    """A point in the rounds, or an argument after them."""

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
        # The point an argument is about; kept when the argument is refused, so it stays chosen.
        self.fields["point"] = forms.CharField(required=False)


class RankingForm(forms.Form):
    """A place for each of the group's points, 1 to N, each place once."""

    def __init__(self, *args, points: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        places = [("", "–")] + [(place, str(place)) for place in range(1, len(points) + 1)]
        for point in points:
            self.fields[f"place-{point.pk}"] = forms.TypedChoiceField(
                label=point.text, choices=places, coerce=int, required=False
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"place-{point.pk}") for point in self.points]
        if sorted(place for place in chosen if place) != list(range(1, len(self.points) + 1)):
            raise forms.ValidationError(
                gettext("Give every point its own place, 1 to %(count)s.")
                % {"count": len(self.points)}
            )
        placed = sorted(zip(chosen, self.points, strict=True), key=lambda pair: pair[0])
        cleaned["order"] = [point.pk for _place, point in placed]
        return cleaned

    # What the template draws: a template can't look a field up by a computed name.
    def rows(self) -> list[dict]:
        return [
            {
                "point": point,
                "name": f"place-{point.pk}",
                "value": str(self[f"place-{point.pk}"].value() or ""),
                "places": range(1, len(self.points) + 1),
            }
            for point in self.points
        ]


def _ranking_form(run, group, attendee) -> RankingForm:
    """The person's ranking form with the places they saved (none before they have)."""
    points = list(_points(run, group))
    saved = run.submissions.filter(group=group, key=RANKING, author=attendee).first()
    order = saved.data.get("order", []) if saved else []
    return RankingForm(
        points=points,
        initial={f"place-{pk}": place for place, pk in enumerate(order, start=1)},
    )


def submit(run, attendee, data, token):
    settings = settings_of(run)
    form = PointForm(data, max_length=settings["max_length"])
    sent = common.sent(run, attendee, data, token, settings)
    if sent.member is None:
        return common.refuse(form, gettext("You are not in a group in this exercise."))
    handler = _STEPS.get(data.get("step", ""))
    if handler is None:
        return common.refuse(form, gettext("That is not something this exercise takes."))
    with transaction.atomic():
        # The group's row is the lock: two phones can't both take the same turn.
        Group.objects.select_for_update().get(pk=sent.member.group_id)
        return handler(sent, form)


def _save(sent: common.Sent, key: str, text: str, **options) -> PointForm:
    """Save what was sent for the group, redraw the group's phones, and give back a fresh form."""
    from exercises.runs import submit as save

    submission, created = save(
        sent.run, sent.attendee, key=key, text=text, token=sent.token, **options
    )
    if created:
        submission.group = sent.member.group
        submission.save(update_fields=["group"])
        push.group_changed(sent.run.pk, [sent.member.group_id])
    return PointForm(max_length=sent.settings["max_length"])


def _turn_refused(sent: common.Sent, form: PointForm) -> PointForm | None:
    """A point and a pass alike are taken in the rounds, by the person whose turn it is."""
    if sent.phase != "rounds":
        return common.refuse(form, gettext("The rounds are over."))
    group = sent.member.group
    state = _turns(sent.run, group, _members(group), sent.settings)
    if state.finished or state.whose != sent.member.pk:
        return common.refuse(form, gettext("It is not your turn. Wait for it, please."))
    return None


def _submit_point(sent: common.Sent, form: PointForm) -> forms.Form:
    if (refused := _turn_refused(sent, form)) is not None:
        return refused
    if not form.is_valid():
        return form
    text = form.cleaned_data["text"].strip()
    if not text:
        return common.refuse(form, gettext("Write your point, or pass."))
    return _save(sent, POINT, text)


def _submit_pass(sent: common.Sent, form: PointForm) -> forms.Form:
    if (refused := _turn_refused(sent, form)) is not None:
        return refused
    return _save(sent, PASS, "–")


def _submit_argument(sent: common.Sent, form: PointForm) -> forms.Form:
    if sent.phase != "arguments":
        return common.refuse(form, gettext("Replies open when the rounds are over."))
    group = sent.member.group
    point = _points(sent.run, group).filter(pk=sent.data.get("point")).first()
    if not form.is_valid():
        return form
    text = form.cleaned_data["text"].strip()
    if point is None or not text:
        return common.refuse(form, gettext("Choose a point and write the argument."))
    # For or against is where the group stands when it arrives, not what the phone showed
    # when it was typed: the chair may have moved the group on meanwhile.
    return _save(sent, ARGUMENT, text, data={"point": point.pk, "side": _stage(sent.run, group)})


def _submit_against(sent: common.Sent, form: PointForm) -> forms.Form:
    if sent.member.role != "chair":
        return common.refuse(form, gettext("The chair moves the group on."))
    return _save(sent, AGAINST, "–")


def _submit_ranking(sent: common.Sent, form: PointForm) -> forms.Form:
    points = list(_points(sent.run, sent.member.group))
    ranking = RankingForm(sent.data, points=points)
    if sent.phase != "rank":
        return common.refuse(ranking, gettext("Ranking comes last."))
    if not ranking.is_valid():
        return ranking
    return _save(sent, RANKING, "–", replace=True, data={"order": ranking.cleaned_data["order"]})


# Each step a phone sends, with its handler; each is called holding the group's lock, with the
# point form as it was sent.
_STEPS = {
    POINT: _submit_point,
    PASS: _submit_pass,
    ARGUMENT: _submit_argument,
    AGAINST: _submit_against,
    RANKING: _submit_ranking,
}


def room_context(run) -> dict:
    return {
        "settings": settings_of(run),
        "phase_key": phase_key(run),
        "groups": [{"group": g, **group_context(run, g)} for g in run.groups.all()],
    }


def phone_context(run, attendee) -> dict:
    """The phone's group and role, its group's points to argue about and to rank, and its
    own ranking."""
    member = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
    # The person's own group, for their own part: its points, and whether its chair has moved
    # it on to arguments against (the whole group view is the group's own stream's).
    mine = (
        {
            "group": member.group,
            "points": [{"point": point} for point in _points(run, member.group)],
            "stage": _stage(run, member.group),
        }
        if member
        else None
    )
    if mine is not None and phase_key(run) == "rank":
        form = _ranking_form(run, member.group, attendee)
    else:
        form = PointForm(max_length=settings_of(run)["max_length"])
    return {
        "member": member,
        "role_label": member.get_role_display() if member and member.role else "",
        "mine": mine,
        "ranked": mine is not None
        and run.submissions.filter(key=RANKING, author=attendee, group=member.group).exists(),
        "form": form,
    }


ACTIONS: dict = {}


def anonymised(submission) -> dict | None:
    """A point is its writer's words: it leaves the group's list. Its row stays, empty, with
    the group, as do the person's passes, rankings and the chair's move to arguments against,
    so the group's turns and standings stay. An argument only says something, and goes."""
    if submission.key == RANKING:
        return {"data": submission.data, "group_id": submission.group_id}
    if submission.key == ARGUMENT:
        return None
    return {"group_id": submission.group_id}


def export(run) -> tuple[list[str], list[list]]:
    header = [
        gettext("Group"),
        gettext("Point"),
        gettext("Points (Borda)"),
        gettext("Place"),
        gettext("Kept"),
    ]
    rows = []
    for entry in room_context(run)["groups"]:
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


def promotable(run) -> list:
    """Each group's kept points, best first, for the platform's purpose or values
    (exercises/promote.py)."""
    from exercises.promote import PURPOSE, VALUES, Offer

    return [
        Offer(
            key=f"group-{entry['group'].pk}",
            label=entry["group"].name,
            items=tuple(point.text for point in entry["kept"]),
            targets=(PURPOSE, VALUES),
            group=entry["group"],
        )
        for entry in room_context(run)["groups"]
        if entry["kept"]
    ]
