"""A run's texts counted as they arrive, for the redraws of a live word cloud.

While a room sends words, the projector and the console redraw up to five times a second
(LIVE_COALESCE_MS). Counting all of a run's words for every redraw is a scan that grows with
the run: at the burst benchmark's 25,000 words, 17 ms of PostgreSQL per redraw. Here each
process keeps its count per run and key, and a redraw reads only the rows added since.

Rows are numbered when their insert begins, not when it commits, so a row can become visible
after one with a higher number. Each read therefore takes every row above a number below
which all rows are settled: the highest number among the rows counted that were made more
than SETTLE seconds ago (a word's insert is one statement, done within milliseconds). Rows
above it that were counted already are known by their number.

Rows are only ever deleted for privacy, and then their run keeps what they added
(`run.state["kept"]`, exercises/privacy.py): when that changes, the count starts afresh. It
also does every RECOUNT seconds, whatever happened.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from exercises.models import Submission

SETTLE = dt.timedelta(seconds=2)
RECOUNT = 30.0  # seconds
KEPT = 64  # runs at once in one process; past that, the one counted afresh longest ago goes


@dataclass
class Count:
    """One run's texts under one key: how often each was sent and the number of its first
    row, the people who sent them, and which rows are counted."""

    basis: Any = None  # the run's kept aggregates when counting began
    started: float = 0.0  # time.monotonic() then
    texts: dict[str, list[int]] = field(default_factory=dict)  # text: [times, first row]
    authors: Counter = field(default_factory=Counter)
    settled: int = 0  # every row numbered up to this one is counted
    recent: dict[int, dt.datetime] = field(default_factory=dict)  # counted rows above it

    def add(self, rows, now: dt.datetime) -> None:
        """Count the rows (number, text, author, made at) not counted yet."""
        for number, text, author, made in rows:
            if number <= self.settled or number in self.recent:
                continue
            self.recent[number] = made
            times = self.texts.setdefault(text, [0, number])
            times[0] += 1
            times[1] = min(times[1], number)
            if author is not None:
                self.authors[author] += 1
        old = [number for number, made in self.recent.items() if made < now - SETTLE]
        if old:
            self.settled = max(self.settled, *old)
            self.recent = {n: made for n, made in self.recent.items() if n > self.settled}

    def result(self) -> tuple[list[tuple[str, int]], int, int]:
        ordered = sorted(self.texts.items(), key=lambda item: item[1][1])
        entries = sum(times for times, _first in self.texts.values())
        return [(text, times) for text, (times, _first) in ordered], entries, len(self.authors)


_counts: dict[tuple[int, str], Count] = {}
_lock = threading.Lock()


def texts(run, key: str) -> tuple[list[tuple[str, int]], int, int]:
    """The texts of the run's rows under the key, each with how often it was sent, in the
    order they were first sent; how many rows; how many people sent them."""
    basis = run.state.get("kept")
    with _lock:  # one read at a time: the redraws of a process are few
        count = _counts.get((run.pk, key))
        if count is None or count.basis != basis or time.monotonic() - count.started > RECOUNT:
            count = Count(basis=basis, started=time.monotonic())
            _counts.pop((run.pk, key), None)
            _counts[(run.pk, key)] = count
            while len(_counts) > KEPT:
                del _counts[next(iter(_counts))]
        rows = Submission.objects.filter(run=run, key=key, pk__gt=count.settled).values_list(
            "pk", "text", "author_id", "created_at"
        )
        count.add(rows, timezone.now())
        return count.result()


def clear() -> None:
    with _lock:
        _counts.clear()
