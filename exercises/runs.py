"""Starting runs, taking submissions and applying the facilitator's changes.

Like the day's own transitions: lock the row, check the version the facilitator's page was drawn
from, change, log, and publish only after commit.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from exercises import grouping
from exercises.models import Exercise, Group, Member, Run, RunEvent, Submission
from exercises.roles import ROLES, RULES, chosen_by_rule
from workshops import push
from workshops.identity import RELEASED
from workshops.models import (
    AgendaItem,
    Attendee,
    StaleVersion,
    TransitionRefused,
    Workshop,
)


def ensure_run(workshop: Workshop, item: AgendaItem | None) -> Run | None:
    """The run of the item's exercise on this day, started the first time the item comes up.

    Called inside the day's transition, so the run exists as soon as the day says the item is
    on. Going back to an item finds the run it had: nothing anyone sent is lost.
    """
    if item is None:
        return None
    exercise = Exercise.objects.filter(agenda_item=item).first()
    if exercise is None:
        return None
    run, created = Run.objects.get_or_create(exercise=exercise, workshop=workshop)
    if created:
        form_groups(run)
    return run


def plan_of(run: Run) -> dict | None:
    """How the run's kind wants the room grouped, or None for a whole-room exercise."""
    kind = run.module
    return None if kind.grouping is None else kind.grouping(kind.settings_of(run))


def _person(attendee: Attendee) -> str:
    # Roles rotate per person over the programme: the roster person where there is one.
    return f"p{attendee.participant_id}" if attendee.participant_id else f"a{attendee.pk}"


def form_groups(run: Run, rng: random.Random | None = None) -> list[Group]:
    """Group the phones in the room when the run starts, and hand out roles."""
    plan = plan_of(run)
    if plan is None:
        return []
    rng = rng or random.Random()
    # Phones that are no one any more (taken off the day, signed out) are left out.
    attendees = list(
        run.workshop.attendees.filter(removed_at__isnull=True)
        .exclude(device_hash__startswith=RELEASED)
        .select_related("participant__network_group")
    )
    by_id = {a.pk: a for a in attendees}
    ids = sorted(by_id)
    mode = plan["mode"]
    planned = _same_as(plan, ids) if mode == grouping.SAME_AS else None
    if planned is None:
        if mode == grouping.NETWORK_GROUPS:
            network = {
                a.pk: a.participant.network_group_id if a.participant else None for a in attendees
            }
            member_lists = grouping.by_network(ids, network)
        elif mode == grouping.PAIRS:
            member_lists = grouping.pairs(ids, rng)
        elif mode == grouping.TRIADS:
            member_lists = grouping.triads(ids, rng)
        elif mode == grouping.BY_SIZE:
            member_lists = grouping.balanced(ids, plan["size"], rng)
        else:
            member_lists = [ids] if ids else []
        planned = [
            (number, _group_name(mode, number, member_ids, by_id), member_ids)
            for number, member_ids in enumerate(member_lists, start=1)
        ]
    history = grouping.role_history(
        (_person(m.attendee), m.role)
        for m in Member.objects.filter(run__workshop__programme_id=run.workshop.programme_id)
        .exclude(run=run)
        .select_related("attendee")
    )
    groups = []
    for number, name, member_ids in planned:
        group = Group.objects.create(run=run, number=number, name=name)
        groups.append(group)
        roles = list(plan.get("roles", []))
        given: dict[int, str] = {}
        rule = plan.get("rule", "fair")
        if roles and rule != "fair":
            names = {i: by_id[i].display_name for i in member_ids}
            picked = chosen_by_rule(rule, member_ids, names)
            if picked is not None:
                given[picked] = roles[0]
            # Where the app can't tell (the group decides, or a tie), the role stays open and
            # the group taps who takes it (decide_role).
            roles = roles[1:]
        rest = [i for i in member_ids if i not in given]
        person_history = {i: history.get(_person(by_id[i]), {}) for i in rest}
        given.update(grouping.assign_roles(rest, roles, person_history, rng))
        Member.objects.bulk_create(
            Member(run=run, group=group, attendee_id=i, role=given.get(i, "")) for i in member_ids
        )
    return groups


def _same_as(plan: dict, ids: list[int]) -> list[tuple[int, str, list[int]]] | None:
    """The groups of an earlier run of the same day, with their numbers and names; None when
    that run has no groups (the caller then groups the room as usual)."""
    source = Run.objects.filter(pk=plan.get("source_run")).first()
    source_groups = list(source.groups.prefetch_related("members")) if source else []
    if not source_groups:
        return None
    group_of = {m.attendee_id: g.number for g in source_groups for m in g.members.all()}
    lists = grouping.follow(ids, group_of, [g.number for g in source_groups])
    return [
        (g.number, g.name, members)
        for g, members in zip(source_groups, lists, strict=True)
        if members
    ]


def _group_name(mode: str, number: int, member_ids: list[int], by_id: dict) -> str:
    # Network groups keep the names people know them by; other groups are numbered, as what
    # they are: a pair, a trio, a group.
    first = by_id[member_ids[0]] if member_ids else None
    if (
        mode == grouping.NETWORK_GROUPS
        and first
        and first.participant
        and (first.participant.network_group)
    ):
        return first.participant.network_group.name
    return numbered(mode, number)


def numbered(mode: str, number: int) -> str:
    if mode == grouping.PAIRS:
        return _("Pair %(number)s") % {"number": number}
    if mode == grouping.TRIADS:
        return _("Trio %(number)s") % {"number": number}
    return _("Group %(number)s") % {"number": number}


def place_late(run: Run | None, attendee: Attendee) -> Member | None:
    """A phone that joins while a grouped run is on: to its own network group when the run
    groups by network (created when its first member arrives), else to the smallest group."""
    if run is None:
        return None
    plan = plan_of(run)
    if plan is None:
        return None
    existing = Member.objects.filter(run=run, attendee=attendee).first()
    if existing is not None:
        return existing
    network = attendee.participant.network_group if attendee.participant_id else None
    with transaction.atomic():
        groups = list(
            Run.objects.select_for_update().get(pk=run.pk).groups.annotate(size=Count("members"))
        )
        group = None
        if plan["mode"] == grouping.NETWORK_GROUPS and network is not None:
            group = next((g for g in groups if g.name == network.name), None)
            # A run whose groups are fixed once it starts (a gallery walk's stations) gets no
            # new group; the newcomer joins the smallest instead.
            if group is None and not plan.get("fixed_groups"):
                number = max((g.number for g in groups), default=0) + 1
                group = Group.objects.create(run=run, number=number, name=network.name)
        if group is None and groups:
            group = min(groups, key=lambda g: (g.size, g.number))
        elif group is None:
            group = Group.objects.create(run=run, number=1, name=numbered(plan["mode"], 1))
        member, _created = Member.objects.get_or_create(
            run=run, attendee=attendee, defaults={"group": group, "joined_late": True}
        )
        # The group's phones see the newcomer (and whose turn it now is).
        push.group_changed(run.pk, [group.pk])
    push.day_changed(run.workshop_id, ("presenter", "console"), burst=True)
    return member


@dataclass(frozen=True)
class Decision:
    """A role the group gives itself, because the rule can't tell who: the rule is "the group
    decides", or the people it points at tie."""

    role: str
    rule: str
    holder: Member | None
    members: list[Member]

    @property
    def label(self) -> str:
        return ROLES[self.role][0]

    @property
    def rule_label(self) -> str:
        return RULES[self.rule]


def role_rule(run: Run) -> tuple[str, str] | None:
    """The run's first role and the playful rule that gives it; None when roles are fair."""
    plan = plan_of(run)
    if not plan or not plan.get("roles") or plan.get("rule", "fair") == "fair":
        return None
    return plan["roles"][0], plan["rule"]


def decision(
    run: Run, group: Group, members: list[Member] | None = None, rule=None
) -> Decision | None:
    """The role this group chooses itself, or None when it has none to choose. `members` and
    `rule` may be passed in by a caller that already has them (with their attendees)."""
    rule = role_rule(run) if rule is None else rule
    if not rule:
        return None
    role, how = rule
    if members is None:
        members = list(group.members.select_related("attendee"))
    if how != "group_decides":
        names = {m.pk: m.attendee.display_name for m in members}
        if chosen_by_rule(how, [m.pk for m in members], names) is not None:
            return None
    holder = next((m for m in members if m.role == role), None)
    return Decision(role=role, rule=how, holder=holder, members=members)


def role_overview(run: Run, groups: list[Group]) -> dict | None:
    """For the projector and the console: the playful rule, and each group choosing itself.
    `groups` come with their members and attendees prefetched."""
    rule = role_rule(run)
    if rule is None:
        return None
    decisions = []
    for group in groups:
        found = decision(run, group, list(group.members.all()), rule)
        if found is not None:
            decisions.append((group, found))
    return {"role": ROLES[rule[0]][0], "rule": RULES[rule[1]], "decisions": decisions}


def decide_role(run: Run, attendee: Attendee, member_pk) -> Member:
    """Someone in a group tapped who takes the role the group chooses itself.

    The first tap gives it; a later tap (by anyone in the group) gives it to someone else.
    The group's row is locked, so two taps at once are applied one after the other.
    """
    with transaction.atomic():
        mine = Member.objects.filter(run=run, attendee=attendee).first()
        if mine is None:
            raise TransitionRefused(_("You are not in a group in this exercise."))
        group = Group.objects.select_for_update().get(pk=mine.group_id)
        members = list(group.members.select_related("attendee"))
        if not any(m.attendee_id == attendee.pk for m in members):
            raise TransitionRefused(_("You have been moved to another group."))
        found = decision(run, group, members)
        if found is None:
            raise TransitionRefused(_("Your group has no role to choose."))
        chosen = next((m for m in members if str(m.pk) == str(member_pk)), None)
        if chosen is None:
            raise TransitionRefused(_("Choose someone in your group."))
        given = grouping.take_role(
            {m.pk: m.role for m in members}, [m.pk for m in members], found.role, chosen.pk
        )
        changed = [m for m in members if given.get(m.pk, "") != m.role]
        for member in changed:
            member.role = given.get(member.pk, "")
        if changed:
            Member.objects.bulk_update(changed, ["role"])
            RunEvent.objects.create(
                run=run,
                version=run.version,  # the facilitator's version is theirs: a tap is not stale
                action="decide_role",
                detail=f"{group.number}: {found.role} -> {chosen.attendee_id}",
            )
            push.group_changed(run.pk, [group.pk])
            push.day_changed(run.workshop_id, ("presenter", "console"), burst=True)
    return chosen


def current_run(workshop: Workshop) -> Run | None:
    if not workshop.is_live or workshop.current_item_id is None:
        return None
    return (
        Run.objects.select_related("exercise__agenda_item")
        .filter(workshop=workshop, exercise__agenda_item_id=workshop.current_item_id)
        .first()
    )


def submit(
    run: Run,
    attendee: Attendee,
    *,
    key: str,
    text: str,
    token: uuid.UUID,
    limit: int | None = None,
    data: dict | None = None,
    replace: bool = False,
    group: Group | None = None,
) -> tuple[Submission, bool]:
    """Save one submission once. Returns it and whether it was new.

    The same token again (a retry, a double tap) returns the first copy. With a limit (three
    words each), a send past it is refused. With replace, the new one takes the place of the
    attendee's earlier ones under this key (a changed vote); for a group's submission (a
    group's diamond) of the group's, whoever of the group sent them.

    The person's row (or the group's) is locked first, so a person's sends are saved one after
    the other: a retry that arrives while the first copy is being saved finds it, and two words
    sent at once can't both take the last free one.
    """
    with transaction.atomic():
        if replace and group is not None:
            Group.objects.select_for_update().only("pk").get(pk=group.pk)
            earlier = run.submissions.filter(group=group, key=key)
        else:
            Attendee.objects.select_for_update().only("pk").get(pk=attendee.pk)
            earlier = run.submissions.filter(author=attendee, key=key)
        existing = Submission.objects.filter(token=token).first()
        if existing is not None:
            return existing, False
        if replace:
            earlier.delete()
        elif limit is not None and earlier.count() >= limit:
            raise TransitionRefused(limit)
        submission = Submission.objects.create(
            run=run,
            author=attendee,
            group=group,
            key=key,
            text=text,
            token=token,
            data=data or {},
        )
        push.day_changed(run.workshop_id, ("presenter", "console"), burst=True)
    return submission, True


def own_texts(run: Run, attendee: Attendee, key: str) -> list[str]:
    """The attendee's texts under this key, oldest first."""
    return list(run.submissions.filter(author=attendee, key=key).values_list("text", flat=True))


GENERIC = ("move",)


def _move(run: Run, data) -> str:
    """The facilitator moves a person to another group of the run."""
    member = Member.objects.filter(run=run, pk=data.get("member")).first()
    group = run.groups.filter(pk=data.get("group")).first()
    if member is None or group is None:
        raise TransitionRefused(_("That person or group is not in this exercise."))
    member.group = group
    member.role = ""  # a role belongs to the group the person left
    member.save(update_fields=["group", "role"])
    return f"{member.attendee_id} -> {group.number}"


def change(run: Run, action: str, *, by, expected_version: int | None, data: dict) -> Run:
    """Apply a facilitator's action to the run: one of the kind's actions, or moving a person
    to another group. (A phase step moves the day's timer too: live/day.py.)"""
    actions = run.exercise.module.ACTIONS
    if action not in actions and action not in GENERIC:
        raise KeyError(action)
    with transaction.atomic():
        moved_from = None
        locked = Run.objects.select_for_update().select_related("exercise").get(pk=run.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.version)
        if action == "move":
            moved_from = (
                Member.objects.filter(run=locked, pk=data.get("member"))
                .values_list("group_id", flat=True)
                .first()
            )
            detail = _move(locked, data)
        else:
            detail = actions[action](locked, data)
        locked.version += 1
        locked.save(update_fields=["state", "phase", "version"])
        RunEvent.objects.create(
            run=locked, version=locked.version, action=action, detail=detail or "", actor=by
        )
        push.day_changed(locked.workshop_id)
        push.group_changed(locked.pk)
        if action == "move" and moved_from is not None:
            push.group_left(locked.pk, moved_from)
    return locked
