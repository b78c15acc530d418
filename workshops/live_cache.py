"""The live day as phones last found it, kept in each process by join code.

A room sends its words at hundreds a second, and each word's request needs the day, its current
item, the item's exercise and the exercise's run. Kept here, a word can be saved in one
statement that also finds the phone (exercises/places.py), instead of a lookup and then the
insert. That statement trusts nothing kept here: it compares the four rows' stamp, a digest of
what they hold now, with the one they had when they were kept, and saves nothing when they
differ. The request then goes the usual way, whose lookup keeps the day anew.

(A row's xmin, the transaction that last wrote it, would be a cheaper stamp, but it misses a
change made in the same transaction as the read, as in a test's transaction.) Only PostgreSQL
is asked for a stamp; elsewhere nothing is kept.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Model
from django.db.models.base import ModelState

if TYPE_CHECKING:
    from exercises.models import Run
    from workshops.models import Workshop

# Days at once in one process; past that, the one kept longest ago is dropped.
KEPT = 256


def stamp_sql(quote, workshop: str, item: str, exercise: str, run: str) -> str:
    """The SQL for the stamp of the four rows, given the aliases of their tables in a query:
    the MD5 of their text, whole (a table's alias on its own is its whole row)."""
    rows = ", ".join(f"{quote(alias)}::text" for alias in (workshop, item, exercise, run))
    return f"md5(concat_ws(',', {rows}))"


@dataclass(frozen=True)
class LiveDay:
    workshop: Workshop  # with its current item and the item's exercise
    run: Run
    stamp: str

    def copies(self) -> tuple[Workshop, Run]:
        """The day and its run as objects of a request's own, since a request sets attributes
        on them; they share the item and the exercise, which nothing on a phone's way
        changes."""
        workshop, run = _copy(self.workshop), _copy(self.run)
        run.workshop = workshop
        return workshop, run


def _copy(obj: Model) -> Model:
    """A model object's copy, as Django's own (Model.__getstate__): its attributes and its
    state, with a cache of related objects of its own. Without the round through pickling's
    protocol, which costs a phone's word three times as much."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    state = new._state = object.__new__(ModelState)
    state.__dict__.update(obj._state.__dict__)
    state.__dict__.pop("peers", None)  # weak references to objects fetched along with it
    state.fields_cache = dict(obj._state.fields_cache)
    return new


_days: dict[str, LiveDay] = {}
_lock = threading.Lock()


def keep(code: str, workshop: Workshop, run: Run, stamp: str) -> None:
    workshop, run = _copy(workshop), _copy(run)
    run.workshop = workshop
    day = LiveDay(workshop, run, stamp)
    with _lock:
        _days.pop(code, None)
        _days[code] = day  # last in the order: the most recently kept
        while len(_days) > KEPT:
            del _days[next(iter(_days))]


def recall(code: str) -> LiveDay | None:
    return _days.get(code)


def clear() -> None:
    with _lock:
        _days.clear()
