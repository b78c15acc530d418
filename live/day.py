"""The live day's transitions: start, advance, the timer, a phase step, end and reopen.

Each is one function that does the same five things in the same order: lock the day's row
(`select_for_update`), guard (the version the facilitator's page was drawn from, and whether
the move makes sense now), change, record a `LiveEvent` with the new version, and push the
change after commit (`workshops.push`). Two tabs clicking "next" at once therefore advance the
day once, and the second is told the day has moved on. The views call these directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exercises.models import Run, RunEvent
from exercises.runs import ensure_run
from workshops import push
from workshops.models import (
    AgendaItem,
    LiveEvent,
    StaleVersion,
    TransitionRefused,
    Workshop,
    new_join_code,
)
from workshops.timer import Timer

Status = Workshop.Status


@contextmanager
def changing(day: Workshop, expected_version: int | None) -> Iterator[Workshop]:
    """Lock the day's row and check the facilitator's version; the caller changes the locked
    row and records it. In a transaction, so the lock holds until the change is committed."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=day.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.version)
        yield locked
    day.refresh_from_db()


def _record(day: Workshop, action: str, by, now, **event) -> None:
    """The new version, saved with its LiveEvent, and every screen redrawn after commit."""
    day.version += 1
    day.save()
    LiveEvent.objects.create(
        workshop=day, version=day.version, action=action, actor=by, at=now, **event
    )
    push.day_changed(day.pk)


def _set_timer(day: Workshop, timer: Timer) -> None:
    day.timer_duration = timer.duration
    day.timer_ends_at = timer.ends_at
    day.timer_paused_remaining = timer.remaining_when_paused


def _minutes(day: Workshop, item: AgendaItem) -> int:
    """Start the item's run if it is an exercise; time its first phase, or else the item."""
    run = ensure_run(day, item)
    return run.phase_minutes() if run else item.duration_minutes


def _refuse_unless_live(day: Workshop) -> None:
    if day.status != Status.LIVE:
        raise TransitionRefused(_("The day is not running."))


def start(day: Workshop, *, by, expected_version: int | None = None, now=None) -> None:
    now = now or timezone.now()
    with changing(day, expected_version) as locked:
        if locked.status == Status.LIVE:
            raise TransitionRefused(_("The day has already started."))
        if locked.status == Status.ENDED:
            raise TransitionRefused(_("The day has ended."))
        first = locked.agenda_items.first()
        taken = set(Workshop.objects.filter(status=Status.LIVE).values_list("join_code", flat=True))
        code = new_join_code()
        while code in taken:
            code = new_join_code()
        locked.status = Status.LIVE
        locked.join_code = code
        locked.started_at = now
        locked.ended_at = None
        locked.current_item = first
        _set_timer(
            locked,
            Timer().start(now, dt.timedelta(minutes=_minutes(locked, first))) if first else Timer(),
        )
        # A day run again (reopen) times its items afresh; the earlier run's times are in
        # its LiveEvents.
        locked.agenda_items.update(started_at=None, ended_at=None)
        if first:
            AgendaItem.objects.filter(pk=first.pk).update(started_at=now, ended_at=None)
        _record(locked, LiveEvent.Action.START, by, now, to_item=first)


def advance(day: Workshop, offset: int, *, by, expected_version: int | None, now=None) -> None:
    """Move to the next (+1) or previous (-1) agenda item."""
    now = now or timezone.now()
    with changing(day, expected_version) as locked:
        _refuse_unless_live(locked)
        ids = list(locked.agenda_items.values_list("pk", flat=True))
        index = ids.index(locked.current_item_id) if locked.current_item_id in ids else -1
        target = index + offset
        if not 0 <= target < len(ids):
            raise TransitionRefused(
                _("This is the last item.") if offset > 0 else _("This is the first item.")
            )
        previous = locked.current_item
        item = AgendaItem.objects.get(pk=ids[target])
        if previous:
            AgendaItem.objects.filter(pk=previous.pk).update(ended_at=now)
        # The first start is the actual start; coming back to an item keeps it.
        AgendaItem.objects.filter(pk=item.pk, started_at__isnull=True).update(started_at=now)
        AgendaItem.objects.filter(pk=item.pk).update(ended_at=None)
        locked.current_item = item
        _set_timer(locked, Timer().start(now, dt.timedelta(minutes=_minutes(locked, item))))
        action = LiveEvent.Action.NEXT if offset > 0 else LiveEvent.Action.PREVIOUS
        _record(locked, action, by, now, from_item=previous, to_item=item)


TIMER_ACTIONS = ("start", "pause", "resume", "extend", "end")


def change_timer(
    day: Workshop, action: str, *, by, expected_version: int | None, seconds: int = 60, now=None
) -> None:
    if action not in TIMER_ACTIONS:
        raise ValueError(f"Unknown timer action {action!r}")
    now = now or timezone.now()
    with changing(day, expected_version) as locked:
        _refuse_unless_live(locked)
        timer = locked.timer
        match action:
            case "start":
                # As when the item came up: an exercise's current phase, else the item's time.
                item = locked.current_item
                minutes = _minutes(locked, item) if item else 5
                timer = timer.start(now, dt.timedelta(minutes=minutes))
            case "pause":
                timer = timer.pause(now)
            case "resume":
                timer = timer.resume(now)
            case "extend":
                timer = timer.extend(now, dt.timedelta(seconds=seconds))
            case "end":
                timer = timer.end(now)
        _set_timer(locked, timer)
        _record(
            locked,
            f"timer_{action}",
            by,
            now,
            to_item=locked.current_item,
            seconds=seconds if action == "extend" else None,
        )


def step_phase(run: Run, step: int, *, by, expected_version: int | None, now=None) -> Run:
    """The current exercise's next (+1) or previous (-1) phase, timed on the day's timer. The
    version checked is the run's (the console's exercise controls are drawn from it)."""
    now = now or timezone.now()
    # The day's row first, then the run's: the same order as every other transition.
    with changing(run.workshop, None) as locked:
        locked_run = Run.objects.select_for_update().select_related("exercise").get(pk=run.pk)
        if expected_version is not None and locked_run.version != expected_version:
            raise StaleVersion(locked_run.version)
        phases = locked_run.phases()
        target = locked_run.phase + step
        if not 0 <= target < len(phases):
            raise TransitionRefused(
                _("This is the last phase.") if step > 0 else _("This is the first phase.")
            )
        locked_run.phase = target
        locked_run.version += 1
        locked_run.save(update_fields=["phase", "version"])
        action = "next_phase" if step > 0 else "previous_phase"
        RunEvent.objects.create(
            run=locked_run,
            version=locked_run.version,
            action=action,
            detail=phases[target].key,
            actor=by,
        )
        _set_timer(locked, Timer().start(now, dt.timedelta(minutes=phases[target].minutes)))
        _record(locked, LiveEvent.Action.PHASE, by, now, to_item=locked.current_item)
        # Each group's own view shows the phase too.
        push.group_changed(locked_run.pk)
    return locked_run


def end(day: Workshop, *, by, expected_version: int | None, now=None) -> None:
    now = now or timezone.now()
    with changing(day, expected_version) as locked:
        _refuse_unless_live(locked)
        if locked.current_item_id:
            AgendaItem.objects.filter(pk=locked.current_item_id).update(ended_at=now)
        locked.status = Status.ENDED
        locked.ended_at = now
        _set_timer(locked, Timer())
        _record(locked, LiveEvent.Action.END, by, now, from_item=locked.current_item)


def reopen(day: Workshop, *, by, expected_version: int | None, now=None) -> None:
    """A finished day becomes a planned one again, to be changed or run again. What the
    room sent stays with each exercise's run: an exercise run again goes on from where it
    ended. The agenda keeps its actual times until the day starts again."""
    now = now or timezone.now()
    with changing(day, expected_version) as locked:
        if locked.status != Status.ENDED:
            raise TransitionRefused(_("Only a day that has ended can be reopened."))
        locked.status = Status.PLANNED
        locked.current_item = None
        _set_timer(locked, Timer())
        _record(locked, LiveEvent.Action.REOPEN, by, now)
