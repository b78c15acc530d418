"""Deadline timers: the server keeps when time is up (or what is left while paused), never ticks.

Clients count down locally against `ends_at`, corrected for the offset between their clock and
the server's, so a reload or a reconnect shows the right time without asking anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Timer:
    duration: dt.timedelta | None = None  # what the item was planned for, to show "of 30 min"
    ends_at: dt.datetime | None = None  # set while running
    remaining_when_paused: dt.timedelta | None = None  # set while paused

    @property
    def running(self) -> bool:
        return self.ends_at is not None

    @property
    def paused(self) -> bool:
        return self.remaining_when_paused is not None

    @property
    def idle(self) -> bool:
        return not self.running and not self.paused

    def remaining(self, now: dt.datetime) -> dt.timedelta | None:
        """Time left; negative once the deadline has passed (the room sees "over time")."""
        if self.ends_at is not None:
            return self.ends_at - now
        return self.remaining_when_paused

    def start(self, now: dt.datetime, length: dt.timedelta) -> Timer:
        return Timer(duration=length, ends_at=now + length)

    def pause(self, now: dt.datetime) -> Timer:
        if not self.running:
            return self
        return replace(self, ends_at=None, remaining_when_paused=self.ends_at - now)

    def resume(self, now: dt.datetime) -> Timer:
        if not self.paused:
            return self
        return replace(self, ends_at=now + self.remaining_when_paused, remaining_when_paused=None)

    def extend(self, now: dt.datetime, by: dt.timedelta) -> Timer:
        """Add (or with a negative `by`, take away) time; never below zero left."""
        if self.running:
            # Over time, "+1 min" means one more minute from now, not from the old deadline.
            ends_at = max(max(self.ends_at, now) + by, now)
            return replace(self, ends_at=ends_at)
        if self.paused:
            left = max(self.remaining_when_paused + by, dt.timedelta(0))
            return replace(self, remaining_when_paused=left)
        if by <= dt.timedelta(0):
            return self
        return self.start(now, by)

    def end(self, now: dt.datetime) -> Timer:
        """Stop at zero: time is up, and it stays at 0:00 instead of counting on."""
        if self.idle:
            return self
        return replace(self, ends_at=None, remaining_when_paused=dt.timedelta(0))

    @property
    def stopped(self) -> bool:
        return self.remaining_when_paused == dt.timedelta(0) and self.ends_at is None
