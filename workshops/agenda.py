"""Agenda time arithmetic, kept free of the database so it is easy to test and reuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class HasDuration(Protocol):
    duration_minutes: int


@dataclass(frozen=True)
class ScheduledItem:
    item: Any
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def schedule(items: Sequence[HasDuration], day_starts_at: dt.datetime) -> list[ScheduledItem]:
    """Lay the items end to end from the start of the day.

    Items run back to back in their order, breaks and lunch included: a longer talk before
    lunch pushes lunch and everything after it, as in SessionLab.
    """
    scheduled = []
    cursor = day_starts_at
    for item in items:
        if item.duration_minutes is None or item.duration_minutes < 1:
            raise ValueError(f"Agenda item {item!r} has no duration.")
        ends_at = cursor + dt.timedelta(minutes=item.duration_minutes)
        scheduled.append(ScheduledItem(item=item, starts_at=cursor, ends_at=ends_at))
        cursor = ends_at
    return scheduled


@dataclass(frozen=True)
class DaySummary:
    starts_at: dt.datetime
    ends_at: dt.datetime
    planned_end: dt.datetime | None
    total_minutes: int
    break_minutes: int

    @property
    def overrun_minutes(self) -> int:
        """How far the agenda runs past the planned end; 0 when it fits."""
        if self.planned_end is None or self.ends_at <= self.planned_end:
            return 0
        return int((self.ends_at - self.planned_end).total_seconds() // 60)

    @property
    def spare_minutes(self) -> int:
        if self.planned_end is None or self.ends_at >= self.planned_end:
            return 0
        return int((self.planned_end - self.ends_at).total_seconds() // 60)


def summarise(
    scheduled: Sequence[ScheduledItem],
    day_starts_at: dt.datetime,
    planned_end: dt.datetime | None,
    break_kinds: frozenset[str] = frozenset({"pause", "lunch"}),
) -> DaySummary:
    ends_at = scheduled[-1].ends_at if scheduled else day_starts_at
    return DaySummary(
        starts_at=day_starts_at,
        ends_at=ends_at,
        planned_end=planned_end,
        total_minutes=int((ends_at - day_starts_at).total_seconds() // 60),
        break_minutes=sum(
            s.minutes for s in scheduled if getattr(s.item, "kind", None) in break_kinds
        ),
    )
