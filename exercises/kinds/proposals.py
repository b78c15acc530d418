"""Proposals and prioritisation: everyone proposes (e.g. a vision for the leader group), the
room merges duplicates in plenum, everyone prioritises, and the facilitator records the decision.

Phases: collect (each person, or each group through its secretary, sends between a minimum and
a maximum of proposals), merge (the facilitator merges proposals that say the same, keeping one
of the wordings, and hides any that are off-topic; participants' text is never edited),
prioritise (a fixed number of dots to spread, or a ranking of each person's top few: never yes/no
voting) and reveal (totals, places and ties on the projector; the facilitator chooses, the rest
are kept as alternatives).

A proposal is known by its submission's id. Merges map a proposal onto the one that stands for
it, so votes cast on either count for the merged proposal. A person has one vote, which a new one
replaces. Who proposed or voted what is never shown: screens show texts and totals only (the
export names the group behind a group's proposal: that is the group's output, not a person's).

When groups propose, the room is grouped as the run starts (network groups or random groups, a
secretary and a chair in each). The secretary writes the group's proposals; the group sees its
own list live over its own stream (live/groupcast.py), and no group sees another's before
the merge phase puts every proposal before the room. Prioritising stays one vote per person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.aggregate import borda_points, dot_totals, dots_problem, follow, standings
from exercises.kinds import common
from exercises.models import Group, Member
from exercises.phases import Phase
from exercises.roles import RULES
from workshops import push
from workshops.models import TransitionRefused

NAME = "proposals"
LABEL = _("Proposals and prioritisation")
SUMMARY = _(
    "Everyone, or each group, proposes; the room merges duplicates and prioritises with dots "
    "or a ranking. No voting."
)
EXAMPLE = _(
    "A vision for the leader group: at least three proposals per group, then three dots each."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("collect_minutes", "merge_minutes", "prioritise_minutes", "reveal_minutes")
TEMPLATE = "exercises/kinds/proposals.html"
PROPOSAL = "proposal"
VOTE = "vote"
# A group's proposal is the group's, though its secretary typed it (personal.services.erase);
# a person's own proposal (no group) and every dot are the person's.
GROUP_RESULTS = frozenset({PROPOSAL})
DOTS, RANKING = "dots", "ranking"
EDITABLE_PHASES = ("collect", "merge")  # after that the list is what people vote on
PERSONS, GROUPS = "person", "group"


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Question"),
        max_length=300,
        initial=_("What should be the vision for our leader group?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    who_proposes = forms.ChoiceField(
        label=_("Who proposes"),
        required=False,
        choices=[
            (PERSONS, _("Each person")),
            (GROUPS, _("Each group: the group's secretary writes the group's proposals")),
        ],
        initial=PERSONS,
    )
    min_per_person = forms.IntegerField(
        label=_("Fewest proposals per person"), min_value=0, max_value=10, initial=1
    )
    max_per_person = forms.IntegerField(
        label=_("Most proposals per person"), min_value=1, max_value=10, initial=3
    )
    grouping = forms.ChoiceField(
        label=_("Groups (when each group proposes)"),
        required=False,
        choices=common.GROUPINGS,
        initial=groups.NETWORK_GROUPS,
    )
    group_size = forms.IntegerField(
        label=_("Group size (for random groups)"),
        min_value=2,
        max_value=12,
        initial=4,
        required=False,
    )
    secretary_rule = forms.ChoiceField(
        label=_("Who is secretary"), choices=list(RULES.items()), initial="fair", required=False
    )
    min_per_group = forms.IntegerField(
        label=_("Fewest proposals per group"), min_value=0, max_value=20, initial=3, required=False
    )
    max_per_group = forms.IntegerField(
        label=_("Most proposals per group"), min_value=1, max_value=20, initial=5, required=False
    )
    max_length = forms.IntegerField(
        label=_("Longest proposal (characters)"), min_value=20, max_value=300, initial=150
    )
    method = forms.ChoiceField(
        label=_("How everyone prioritises"),
        choices=[
            (DOTS, _("Dots: a fixed number of dots to spread over the proposals")),
            (RANKING, _("Ranking: each person ranks their top proposals")),
        ],
        initial=DOTS,
    )
    dots = forms.IntegerField(label=_("Dots per person"), min_value=1, max_value=10, initial=3)
    stack_dots = forms.BooleanField(
        label=_("Allow several dots on one proposal"), required=False, initial=True
    )
    top_k = forms.IntegerField(
        label=_("Proposals each person ranks"), min_value=1, max_value=10, initial=3
    )
    collect_minutes = forms.IntegerField(
        label=_("Minutes to collect proposals"), min_value=1, max_value=120, initial=5
    )
    merge_minutes = forms.IntegerField(
        label=_("Minutes to merge duplicates"), min_value=1, max_value=120, initial=10
    )
    prioritise_minutes = forms.IntegerField(
        label=_("Minutes to prioritise"), min_value=1, max_value=120, initial=5
    )
    reveal_minutes = forms.IntegerField(
        label=_("Minutes to reveal and decide"), min_value=1, max_value=120, initial=5
    )

    # Only used when each group proposes: left empty, they keep their defaults.
    OPTIONAL = (
        "who_proposes",
        "grouping",
        "group_size",
        "secretary_rule",
        "min_per_group",
        "max_per_group",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            self.fields[name].optional_mark = False  # left empty, it keeps its default

    def clean(self):
        cleaned = super().clean()
        for name in self.OPTIONAL:
            if name in cleaned and cleaned[name] in (None, ""):
                cleaned[name] = self.fields[name].initial
        fewest, most = cleaned.get("min_per_person"), cleaned.get("max_per_person")
        if fewest is not None and most is not None and fewest > most:
            self.add_error(
                "min_per_person",
                gettext("The fewest per person can't be more than the most per person (%(most)s).")
                % {"most": most},
            )
        fewest, most = cleaned.get("min_per_group"), cleaned.get("max_per_group")
        if fewest is not None and most is not None and fewest > most:
            self.add_error(
                "min_per_group",
                gettext("The fewest per group can't be more than the most per group (%(most)s).")
                % {"most": most},
            )
        return cleaned


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def by_groups(settings: dict) -> bool:
    return settings.get("who_proposes", PERSONS) == GROUPS


def grouping(settings: dict) -> dict | None:
    """Groups only when each group proposes; otherwise a whole-room exercise (None)."""
    if not by_groups(settings):
        return None
    return common.group_plan(
        settings, ["secretary", "chair"], settings.get("secretary_rule", "fair")
    )


def phases(settings: dict) -> list[Phase]:
    return [
        Phase("collect", _("Collect proposals"), settings.get("collect_minutes", 5)),
        Phase("merge", _("Merge duplicates"), settings.get("merge_minutes", 10)),
        Phase("prioritise", _("Prioritise"), settings.get("prioritise_minutes", 5)),
        Phase("reveal", _("Reveal and decide"), settings.get("reveal_minutes", 5)),
    ]


def phase_key(run) -> str:
    return run.current_phase().key


@dataclass(frozen=True)
class Proposal:
    id: str
    text: str  # the wording kept: participants' text is shown as written, never edited
    merged_from: tuple[str, ...]  # the wordings merged into this one, in the order they came
    hidden: bool
    # The groups that proposed it (its own wording's first, then the merged ones'); empty when
    # each person proposes.
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    proposal: Proposal
    score: int
    rank: int
    tied: bool
    bar: int  # 0..10, the bar's length relative to the top score


def proposals_of(run) -> list[Proposal]:
    """Every proposal that stands for itself (merged ones inside it), in the order they came.

    A proposal erasure anonymised is its writer's text and has left the list (see
    `anonymised`); the points it had go with it, the points its writer gave others stay.
    """
    rows = [
        (pk, text, group or "")
        for pk, text, group in run.submissions.filter(key=PROPOSAL)
        .exclude(text="")
        .values_list("pk", "text", "group__name")
    ]
    rows.sort()  # ids grow as proposals come
    merges = run.state.get("merges", {})
    hidden = set(run.state.get("hidden", []))
    members: dict[str, list[str]] = {}
    proposers = {str(pk): [group] if group else [] for pk, text, group in rows}
    for pk, text, group in rows:
        root = follow(str(pk), merges)
        if root != str(pk):
            members.setdefault(root, []).append(text)
            if group:
                proposers.setdefault(root, []).append(group)
    return [
        Proposal(
            id=str(pk),
            text=text,
            merged_from=tuple(members.get(str(pk), ())),
            hidden=str(pk) in hidden,
            groups=tuple(dict.fromkeys(proposers[str(pk)])),
        )
        for pk, text, _group in rows
        if follow(str(pk), merges) == str(pk)
    ]


def _ballot(vote: dict, method: str):
    """The dots (proposal id -> dots) or the ranking (ids, best first) in a stored vote."""
    if method == DOTS:
        return {str(key): int(dots) for key, dots in (vote.get(DOTS) or {}).items()}
    return [str(key) for key in vote.get(RANKING) or []]


def _scores(settings: dict, merges: dict, votes) -> Counter[str]:
    method = settings["method"]
    ballots = [_ballot(vote, method) for vote in votes if method in vote]
    if method == DOTS:
        return dot_totals(ballots, merges, stack=settings["stack_dots"])
    return borda_points(ballots, settings["top_k"], merges)


def results(
    settings: dict,
    visible: list[Proposal],
    merges: dict,
    votes: list[dict],
):
    """Every visible proposal with its total and place, best first, ties marked."""
    scores = _scores(settings, merges, votes)
    by_id = {proposal.id: proposal for proposal in visible}
    ranked = standings(scores, by_id)
    top = max((standing.score for standing in ranked), default=0)
    return [
        Result(
            proposal=by_id[standing.key],
            score=standing.score,
            rank=standing.rank,
            tied=standing.tied,
            bar=round(10 * standing.score / top) if top else 0,
        )
        for standing in ranked
    ]


class ProposalForm(forms.Form):
    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(
            label=_("Your proposal"),
            max_length=max_length,
            error_messages={
                "required": _("Write a proposal first."),
                "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d)."),
            },
        )


@dataclass(frozen=True)
class DotRow:
    proposal: Proposal
    name: str
    value: int
    errors: list


@dataclass(frozen=True)
class Place:
    number: int
    name: str
    value: str
    errors: list


class VoteForm(forms.Form):
    """One person's dots or ranking over the visible proposals. Its rows (dots) or places
    (ranking) hold what the phone shows: what was sent when refused, else the saved vote."""

    def __init__(self, *args, settings: dict, proposals: list[Proposal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.proposals = proposals
        self.method = settings["method"]
        if self.method == DOTS:
            most = settings["dots"] if settings["stack_dots"] else 1
            for proposal in proposals:
                self.fields[f"dots-{proposal.id}"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=most,
                    error_messages={
                        "invalid": _("Dots are whole numbers."),
                        "min_value": _("Dots are whole numbers."),
                        "max_value": ngettext(
                            "One dot at most on each proposal.",
                            "%(limit_value)s dots at most on one proposal.",
                            most,
                        ),
                    },
                )
        else:
            choices = [("", "")] + [(proposal.id, proposal.text) for proposal in proposals]
            for number in range(1, self.places_to_rank + 1):
                self.fields[f"rank-{number}"] = forms.ChoiceField(
                    required=False,
                    choices=choices,
                    error_messages={
                        "invalid_choice": _("That proposal is no longer on the list. Choose again.")
                    },
                )

    @property
    def places_to_rank(self) -> int:
        return min(self.settings["top_k"], len(self.proposals))

    def _shown(self, name: str):
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, "")

    @property
    def rows(self) -> list[DotRow]:
        rows = []
        for proposal in self.proposals:
            name = f"dots-{proposal.id}"
            try:
                value = int(self._shown(name) or 0)
            except (TypeError, ValueError):
                value = 0
            errors = self.errors.get(name, []) if self.is_bound else []
            rows.append(DotRow(proposal, name, value, errors))
        return rows

    @property
    def places(self) -> list[Place]:
        return [
            Place(
                number,
                f"rank-{number}",
                str(self._shown(f"rank-{number}") or ""),
                self.errors.get(f"rank-{number}", []) if self.is_bound else [],
            )
            for number in range(1, self.places_to_rank + 1)
        ]

    @property
    def dots_used(self) -> int:
        return sum(row.value for row in self.rows) if self.method == DOTS else 0

    def clean(self):
        cleaned = super().clean()
        if not self.proposals:
            raise forms.ValidationError(gettext("There are no proposals to prioritise."))
        if self.errors:
            return cleaned  # a field's own message says what to fix; totals would mislead
        if self.method == DOTS:
            allocation = {
                proposal.id: cleaned.get(f"dots-{proposal.id}") or 0 for proposal in self.proposals
            }
            budget = self.settings["dots"]
            problem = dots_problem(allocation, budget, stack=self.settings["stack_dots"])
            used = sum(allocation.values())
            if problem == "over_budget":
                raise forms.ValidationError(
                    ngettext(
                        "You have %(budget)s dot and placed %(used)s. Take %(extra)s away.",
                        "You have %(budget)s dots and placed %(used)s. Take %(extra)s away.",
                        budget,
                    )
                    % {"budget": budget, "used": used, "extra": used - budget}
                )
            if problem == "none":
                raise forms.ValidationError(gettext("Place at least one dot."))
            if problem is not None:  # caught field by field above; kept as a last guard
                raise forms.ValidationError(gettext("Dots are whole numbers."))
            cleaned["vote"] = {DOTS: {key: dots for key, dots in allocation.items() if dots}}
        else:
            places = range(1, self.places_to_rank + 1)
            chosen = [cleaned.get(f"rank-{number}") or "" for number in places]
            filled = [value for value in chosen if value]
            if not filled:
                raise forms.ValidationError(gettext("Choose your first place at least."))
            if "" in chosen[: len(filled)]:
                raise forms.ValidationError(gettext("Fill the places from the top, without gaps."))
            if len(set(filled)) != len(filled):
                raise forms.ValidationError(gettext("Each proposal can have one place only."))
            cleaned["vote"] = {RANKING: filled}
        return cleaned


def _vote_form(run, settings, visible, attendee=None, data=None) -> VoteForm:
    initial = {}
    if attendee is not None and data is None:
        vote = run.submissions.filter(key=VOTE, author=attendee).values_list("data", flat=True)
        vote = next(iter(vote), None)
        merges = run.state.get("merges", {})
        if vote and settings["method"] in vote:
            ballot = _ballot(vote, settings["method"])
            if settings["method"] == DOTS:
                dots = Counter()
                for key, count in ballot.items():
                    dots[follow(key, merges)] += count
                initial = {f"dots-{key}": count for key, count in dots.items()}
            else:
                ranked = list(dict.fromkeys(follow(key, merges) for key in ballot))
                initial = {f"rank-{number}": key for number, key in enumerate(ranked, start=1)}
    return VoteForm(data, initial=initial, settings=settings, proposals=visible)


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    settings = settings_of(run)
    phase = phase_key(run)
    step = data.get("step", "propose")
    visible = [proposal for proposal in proposals_of(run) if not proposal.hidden]
    if phase == "collect" and by_groups(settings):
        return _submit_for_group(run, attendee, data, token, settings, step)
    if phase == "collect":
        form = ProposalForm(data if step == "propose" else None, max_length=settings["max_length"])
        if step != "propose":
            return common.refuse(form, gettext("Prioritising has not started yet."))
        if not form.is_valid():
            return form
        try:
            save(
                run,
                attendee,
                key=PROPOSAL,
                text=" ".join(form.cleaned_data["text"].split()),
                token=token,
                limit=settings["max_per_person"],
            )
        except TransitionRefused:
            form.add_error(
                "text",
                ngettext(
                    "You have sent %(count)s proposal, as many as each person can send.",
                    "You have sent %(count)s proposals, as many as each person can send.",
                    settings["max_per_person"],
                )
                % {"count": settings["max_per_person"]},
            )
        return form
    if phase == "prioritise":
        if step != "prioritise":
            return common.refuse(
                _vote_form(run, settings, visible, attendee),
                gettext("Proposals are closed; now everyone prioritises. Nothing was saved."),
            )
        form = _vote_form(run, settings, visible, data=data)
        if form.is_valid():
            save(
                run,
                attendee,
                key=VOTE,
                text=settings["method"],
                token=token,
                data=form.cleaned_data["vote"],
                replace=True,
            )
        return form
    message = (
        gettext("Proposals are closed. Nothing was saved.")
        if step == "propose"
        else gettext("Prioritising is closed. Nothing was saved.")
    )
    return common.refuse(forms.Form(), message)


def _submit_for_group(run, attendee, data, token, settings, step) -> ProposalForm:
    """The secretary sends one of the group's proposals; the group sees it on its stream."""
    from exercises.runs import submit as save

    form = ProposalForm(data if step == "propose" else None, max_length=settings["max_length"])
    if step != "propose":
        return common.refuse(form, gettext("Prioritising has not started yet."))
    not_secretary = gettext(
        "Only your group's secretary writes the group's proposals. Tell the secretary yours."
    )
    member = Member.objects.filter(run=run, attendee=attendee).first()
    if member is None or member.role != "secretary":
        form.is_valid()  # what was typed stays on the phone, with the message
        return common.refuse(form, not_secretary)
    if not form.is_valid():
        return form
    most = settings["max_per_group"]
    with transaction.atomic():
        # The group's row is the lock: two sends at once can't both take the group's last
        # place, and a role handed on (decide_role takes the same lock) is seen here.
        group = Group.objects.select_for_update().get(pk=member.group_id)
        member = Member.objects.filter(run=run, attendee=attendee, group=group).first()
        if member is None or member.role != "secretary":
            return common.refuse(form, not_secretary)
        if run.submissions.filter(token=token).exists():
            return form  # a retry of a send that was saved
        if _group_counts(run)[group.pk] >= most:
            form.add_error(
                "text",
                ngettext(
                    "Your group has sent %(count)s proposal, as many as each group can send.",
                    "Your group has sent %(count)s proposals, as many as each group can send.",
                    most,
                )
                % {"count": most},
            )
            return form
        save(
            run,
            attendee,
            key=PROPOSAL,
            text=" ".join(form.cleaned_data["text"].split()),
            token=token,
            group=group,
        )
        push.group_changed(run.pk, [group.pk])
    return form


def _group_counts(run) -> Counter[int]:
    """How many proposals each group has sent, those whose text retention took included."""
    return Counter(
        run.submissions.filter(key=PROPOSAL, group__isnull=False).values_list("group_id", flat=True)
    )


def group_context(run, group) -> dict:
    """What the group's own phones see while collecting: its own list and how far it has come."""
    settings = settings_of(run)
    rows = list(
        run.submissions.filter(key=PROPOSAL, group=group).exclude(text="").values_list("pk", "text")
    )
    proposals = [text for _pk, text in sorted(rows)]
    count = _group_counts(run)[group.pk]
    return {
        "members": list(group.members.select_related("attendee")),
        "proposals": proposals,
        "count": count,
        "short": max(0, settings["min_per_group"] - count),
        "left": max(0, settings["max_per_group"] - count),
    }


def room_context(run) -> dict:
    settings = settings_of(run)
    phase = phase_key(run)
    state = run.state
    proposals = proposals_of(run)
    visible = [proposal for proposal in proposals if not proposal.hidden]
    # Per person: a person erasure anonymised is known by the alias of their rows.
    submitted = Counter(
        author if author is not None else alias
        for author, alias in run.submissions.filter(key=PROPOSAL).values_list("author_id", "alias")
    )
    votes = list(run.submissions.filter(key=VOTE).values_list("data", flat=True))
    grouped = by_groups(settings)
    group_counts = _group_counts(run) if grouped else Counter()
    groups_list = (
        [
            {
                "group": group,
                "count": group_counts[group.pk],
                "enough": group_counts[group.pk] >= settings["min_per_group"],
            }
            for group in run.groups.all()
        ]
        if grouped
        else []
    )
    if phase == "collect":
        form = ProposalForm(max_length=settings["max_length"])
    elif phase == "prioritise":
        form = _vote_form(run, settings, visible)
    else:
        form = None
    return {
        "settings": settings,
        "phase_key": phase,
        "method": settings["method"],
        "editable": phase in EDITABLE_PHASES,
        "proposals": proposals,
        "visible": visible,
        "proposal_count": sum(submitted.values()),
        "people": len(submitted),
        "enough": sum(1 for count in submitted.values() if count >= settings["min_per_person"]),
        "by_groups": grouped,
        # Counts only, never a group's wording, until the merge phase shows the room's list.
        "groups": groups_list,
        "groups_enough": sum(1 for entry in groups_list if entry["enough"]),
        "groups_sent": sum(1 for entry in groups_list if entry["count"]),
        "joined": run.workshop.attendees.count(),
        "voters": len(votes),
        "results": results(settings, visible, state.get("merges", {}), votes),
        "decision": state.get("decision"),
        # A phone that comes back to a phase it has sent something in fetches its own copy:
        # the fragment drawn for the whole room can't show it (see the template).
        "fetch_mine": (phase == "collect" and (grouped or bool(submitted)))
        or (phase == "prioritise" and bool(votes)),
        "form": form,
    }


def phone_context(run, attendee) -> dict:
    """The phone's own part: its group and role, what it (or its group's secretary) has sent
    and how many more it may send, and its vote as its form shows it."""
    from exercises.runs import own_texts

    settings = settings_of(run)
    phase = phase_key(run)
    grouped = by_groups(settings)
    member = (
        Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
        if grouped
        else None
    )
    group_view = group_context(run, member.group) if member else None
    if grouped:
        # The phone's part is its group's: what the secretary has sent for it.
        mine = group_view["proposals"] if group_view else []
        fewest, most = settings["min_per_group"], settings["max_per_group"]
    else:
        mine = own_texts(run, attendee, PROPOSAL)
        fewest, most = settings["min_per_person"], settings["max_per_person"]
    counted = group_view["count"] if group_view else len(mine)
    own = {
        "member": member,
        "role_label": member.get_role_display() if member and member.role else "",
        "is_secretary": member is not None and member.role == "secretary",
        "group_view": group_view,
        "mine": mine,
        "left": max(0, most - counted),
        "short": max(0, fewest - counted),
        "voted": run.submissions.filter(key=VOTE, author=attendee).exists(),
    }
    if phase == "prioritise":
        visible = [proposal for proposal in proposals_of(run) if not proposal.hidden]
        own["form"] = _vote_form(run, settings, visible, attendee)
    return own


def _ids(data) -> list[str]:
    values = data.getlist("ids") if hasattr(data, "getlist") else data.get("ids", [])
    return list(dict.fromkeys(str(value) for value in values))


def _require_editable(run) -> None:
    if phase_key(run) not in EDITABLE_PHASES:
        raise TransitionRefused(
            gettext("Merge and hide before prioritising starts: go back to the merge phase.")
        )


def _roots(run) -> set[str]:
    return {proposal.id for proposal in proposals_of(run)}


def _merge(run, data) -> str:
    """Merge the chosen proposals into the one whose wording is kept."""
    _require_editable(run)
    ids, keep = _ids(data), str(data.get("keep", ""))
    roots = _roots(run)
    if len(ids) < 2 or not set(ids) <= roots:
        raise TransitionRefused(gettext("Tick at least two proposals to merge."))
    if keep not in ids:
        raise TransitionRefused(gettext("Choose which of the ticked wordings to keep."))
    merges = dict(run.state.get("merges", {}))
    merged = set(ids) - {keep}
    for source, target in list(merges.items()):
        if target in merged:
            merges[source] = keep  # kept flat: everything points at the proposal that stands
    for source in merged:
        merges[source] = keep
    run.state["merges"] = merges
    hidden = [key for key in run.state.get("hidden", []) if key not in merged]
    run.state["hidden"] = hidden
    return f"{','.join(sorted(merged))} -> {keep}"[:200]


def _split(run, data) -> str:
    """Undo the merges into a proposal: each wording stands for itself again."""
    _require_editable(run)
    root = str(data.get("id", ""))
    merges = run.state.get("merges", {})
    run.state["merges"] = {
        source: target for source, target in merges.items() if follow(source, merges) != root
    }
    return root


def _hide(run, data) -> str:
    """Hide an off-topic proposal from the room; a second press shows it again."""
    _require_editable(run)
    key = str(data.get("id", ""))
    if key not in _roots(run):
        raise TransitionRefused(gettext("That proposal is not on the list."))
    hidden = set(run.state.get("hidden", []))
    hidden.symmetric_difference_update({key})
    run.state["hidden"] = sorted(hidden, key=int)
    return key


def _decide(run, data) -> str:
    """Record the chosen proposal; the rest of the visible ones are kept as alternatives."""
    if phase_key(run) != "reveal":
        raise TransitionRefused(gettext("Decide when the result is revealed."))
    chosen = str(data.get("id", ""))
    ctx = room_context(run)
    standing = [
        {"id": r.proposal.id, "text": r.proposal.text, "score": r.score, "rank": r.rank}
        for r in ctx["results"]
    ]
    picked = next((entry for entry in standing if entry["id"] == chosen), None)
    if picked is None:
        raise TransitionRefused(gettext("That proposal is not on the list."))
    run.state["decision"] = {
        "chosen": picked,
        "alternatives": [entry for entry in standing if entry["id"] != chosen],
        "method": ctx["method"],
        "at": timezone.now().isoformat(),
    }
    return chosen


def _undo_decision(run, data) -> str:
    run.state.pop("decision", None)
    return ""


def anonymised(submission) -> dict:
    """A proposal is its writer's text: it leaves the list. Its row stays, empty, with its
    group where a group sent it, so how many were sent stays, and a group's count towards its
    most. A vote stays as it was cast: what the others proposed keeps its standing."""
    if submission.key == VOTE:
        return {"data": submission.data}
    return {"group_id": submission.group_id}


def forget(run, leaving) -> None:
    """The decision quotes the proposals it weighed: deleted ones leave its alternatives. The
    chosen one is the room's decision, recorded by the facilitator, and stays."""
    decision = run.state.get("decision")
    if not decision:
        return
    gone = {str(pk) for pk in leaving.filter(key=PROPOSAL).values_list("pk", flat=True)}
    decision["alternatives"] = [
        entry for entry in decision.get("alternatives", []) if str(entry["id"]) not in gone
    ]


ACTIONS = {
    "merge": _merge,
    "split": _split,
    "hide": _hide,
    "decide": _decide,
    "undo_decision": _undo_decision,
}


def export(run) -> tuple[list[str], list[list]]:
    ctx = room_context(run)
    chosen = (ctx["decision"] or {}).get("chosen", {}).get("id")
    header = [
        gettext("Proposal"),
        gettext("Merged from"),
        gettext("Dots") if ctx["method"] == DOTS else gettext("Points (Borda)"),
        gettext("Place"),
        gettext("Chosen"),
        gettext("Hidden"),
    ]
    listed = [
        (
            result.proposal,
            [result.score, result.rank, gettext("yes") if result.proposal.id == chosen else "", ""],
        )
        for result in ctx["results"]
    ]
    listed += [
        (proposal, ["", "", "", gettext("yes")]) for proposal in ctx["proposals"] if proposal.hidden
    ]
    if ctx["by_groups"]:
        # The groups behind each proposal, next to it: its own wording's group first.
        header.insert(1, gettext("Group"))
        return header, [
            [p.text, " | ".join(p.groups), " | ".join(p.merged_from), *rest] for p, rest in listed
        ]
    return header, [[p.text, " | ".join(p.merged_from), *rest] for p, rest in listed]


def promotable(run) -> list:
    """The decision: the chosen proposal as the vision, the others (best first) kept as its
    alternatives (exercises/promote.py)."""
    from exercises.promote import VISION, Offer

    decision = run.state.get("decision")
    if not decision:
        return []
    return [
        Offer(
            key="decision",
            label=gettext("The chosen proposal"),
            items=(decision["chosen"]["text"],),
            targets=(VISION,),
            alternatives=tuple(entry["text"] for entry in decision.get("alternatives", [])),
        )
    ]
