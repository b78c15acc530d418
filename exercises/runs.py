"""Starting runs, taking submissions and applying the facilitator's changes.

Like the day's own transitions: lock the row, check the version the facilitator's page was drawn
from, change, log, and publish only after commit.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from exercises import groupcast, grouping
from exercises.models import Exercise, Group, Member, Run, RunEvent, Submission
from exercises.roles import chosen_by_rule
from workshops.models import (
    AgendaItem,
    Attendee,
    LiveEvent,
    StaleVersion,
    TransitionRefused,
    Workshop,
)
from workshops.timer import Timer


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
    grouping = getattr(run.module, "grouping", None)
    return grouping(run.module.settings_of(run)) if grouping else None


def _person(attendee: Attendee) -> str:
    # Roles rotate per person over the programme: the roster person where there is one.
    return f"p{attendee.participant_id}" if attendee.participant_id else f"a{attendee.pk}"


def form_groups(run: Run, rng: random.Random | None = None) -> list[Group]:
    """Group the phones in the room when the run starts, and hand out roles."""
    plan = plan_of(run)
    if plan is None:
        return []
    rng = rng or random.Random()
    attendees = list(run.workshop.attendees.select_related("participant__network_group"))
    by_id = {a.pk: a for a in attendees}
    ids = sorted(by_id)
    mode = plan["mode"]
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
    history = grouping.role_history(
        (_person(m.attendee), m.role)
        for m in Member.objects.filter(run__workshop__programme_id=run.workshop.programme_id)
        .exclude(run=run)
        .select_related("attendee")
    )
    groups = []
    for number, member_ids in enumerate(member_lists, start=1):
        group = Group.objects.create(
            run=run, number=number, name=_group_name(mode, number, member_ids, by_id)
        )
        groups.append(group)
        roles = list(plan.get("roles", []))
        given: dict[int, str] = {}
        rule = plan.get("rule", "fair")
        if roles and rule != "fair":
            names = {i: by_id[i].display_name for i in member_ids}
            picked = chosen_by_rule(rule, member_ids, names)
            if picked is not None:
                given[picked] = roles[0]
            roles = roles[1:] if picked is not None or rule == "group_decides" else roles
        rest = [i for i in member_ids if i not in given]
        person_history = {i: history.get(_person(by_id[i]), {}) for i in rest}
        given.update(grouping.assign_roles(rest, roles, person_history, rng))
        Member.objects.bulk_create(
            Member(run=run, group=group, attendee_id=i, role=given.get(i, "")) for i in member_ids
        )
    return groups


def _group_name(mode: str, number: int, member_ids: list[int], by_id: dict) -> str:
    # Network groups keep the names people know them by; other groups are numbered.
    first = by_id[member_ids[0]] if member_ids else None
    if (
        mode == grouping.NETWORK_GROUPS
        and first
        and first.participant
        and (first.participant.network_group)
    ):
        return first.participant.network_group.name
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
            if group is None:
                number = max((g.number for g in groups), default=0) + 1
                group = Group.objects.create(run=run, number=number, name=network.name)
        elif groups:
            group = min(groups, key=lambda g: (g.size, g.number))
        else:
            group = Group.objects.create(
                run=run, number=1, name=_("Group %(number)s") % {"number": 1}
            )
        member, _created = Member.objects.get_or_create(
            run=run, attendee=attendee, defaults={"group": group, "joined_late": True}
        )
        # The group's phones see the newcomer (and whose turn it now is).
        transaction.on_commit(partial(groupcast.groups_changed, run.pk, [group.pk]), robust=True)
    _publish_soon(run.workshop_id, ("presenter", "console"))
    return member


def current_run(workshop: Workshop) -> Run | None:
    if not workshop.is_live or workshop.current_item_id is None:
        return None
    return (
        Run.objects.select_related("exercise")
        .filter(workshop=workshop, exercise__agenda_item_id=workshop.current_item_id)
        .first()
    )


def _publish_soon(workshop_id: int, audiences: tuple[str, ...]) -> None:
    from workshops import broadcast

    transaction.on_commit(partial(broadcast.day_changed_soon, workshop_id, audiences), robust=True)


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
) -> tuple[Submission, bool]:
    """Save one submission once. Returns it and whether it was new.

    The same token again (a retry, a double tap) returns the first copy. With a limit, the
    attendee's row is locked while counting, so two taps at once can't both squeeze in. With
    replace, the new one takes the place of the attendee's earlier ones under this key (a
    changed vote), under the same lock.
    """
    existing = Submission.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        if limit is not None or replace:
            Attendee.objects.select_for_update().get(pk=attendee.pk)
            # A double tap waits for the lock; by then the first tap may have saved this token,
            # and counting it against the limit (or replacing it) would be wrong.
            existing = Submission.objects.filter(token=token).first()
            if existing is not None:
                return existing, False
            if limit is not None and (
                run.submissions.filter(author=attendee, key=key).count() >= limit
            ):
                raise TransitionRefused(limit)
            if replace:
                run.submissions.filter(author=attendee, key=key).delete()
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    run=run, author=attendee, key=key, text=text, token=token, data=data or {}
                )
        except IntegrityError:
            return Submission.objects.get(token=token), False
        _publish_soon(run.workshop_id, ("presenter", "console"))
    return submission, True


PHASE_STEPS = {"next_phase": +1, "previous_phase": -1}
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


def _step_phase(run: Run, step: int, by, now) -> str:
    """Move to the next or previous phase and time it on the day's timer."""
    phases = run.phases()
    target = run.phase + step
    if not 0 <= target < len(phases):
        raise TransitionRefused(
            _("This is the last phase.") if step > 0 else _("This is the first phase.")
        )
    # The day's row first, then the run's (the same order as the day's own transitions).
    workshop = Workshop.objects.select_for_update().get(pk=run.workshop_id)
    run.phase = target
    workshop._set_timer(Timer().start(now, dt.timedelta(minutes=phases[target].minutes)))
    workshop.version += 1
    workshop.save()
    LiveEvent.objects.create(
        workshop=workshop,
        version=workshop.version,
        action=LiveEvent.Action.PHASE,
        actor=by,
        at=now,
        to_item=workshop.current_item,
    )
    return phases[target].key


def change(run: Run, action: str, *, by, expected_version: int | None, data: dict) -> Run:
    """Apply a facilitator's action to the run: a phase step or one of the kind's actions."""
    actions = run.exercise.module.ACTIONS
    if action not in actions and action not in PHASE_STEPS and action not in GENERIC:
        raise KeyError(action)
    with transaction.atomic():
        moved_from = None
        if action in PHASE_STEPS:
            Workshop.objects.select_for_update().get(pk=run.workshop_id)
        locked = Run.objects.select_for_update().select_related("exercise").get(pk=run.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.version)
        if action in PHASE_STEPS:
            detail = _step_phase(locked, PHASE_STEPS[action], by, timezone.now())
        elif action == "move":
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
        _publish_soon(locked.workshop_id, ("participants", "presenter", "console"))
        transaction.on_commit(partial(groupcast.groups_changed, locked.pk), robust=True)
        if action == "move" and moved_from is not None:
            transaction.on_commit(partial(groupcast.regroup, locked.pk, moved_from), robust=True)
    return locked
