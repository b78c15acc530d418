"""The push API: a note that a day or one group's view changed, sent after commit.

The day's models and the exercises say *what* changed; they never draw a screen. The live app,
above them, listens to these signals (live/apps.py) and redraws each audience's view once per
language, then publishes it on the bus. Sent after commit, so a screen never shows a change
that was rolled back; robust, so a failed push never turns a facilitator's click that did
happen into an error page (the screens catch up on their next snapshot).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.dispatch import Signal

# The phones first: the room waits for them.
ALL_AUDIENCES = ("participants", "presenter", "console")

# Sent with day_id, audiences and burst (True: coalesce a burst of submissions into a few
# redraws a second; False: redraw at once, as after a facilitator's click).
day_note = Signal()
# Sent with run_id and group_ids (None: every group of the run).
group_note = Signal()
# Sent with run_id and group_id: someone left the group (its phones reconnect to their own).
group_left_note = Signal()
# Sent with day_id, event and data: a short event for every phone of the day, no HTML.
phones_note = Signal()


def _after_commit(signal: Signal, **note) -> None:
    transaction.on_commit(partial(signal.send, sender=None, **note), robust=True)


def day_changed(
    day_id: int, audiences: tuple[str, ...] = ALL_AUDIENCES, *, burst: bool = False
) -> None:
    _after_commit(day_note, day_id=day_id, audiences=audiences, burst=burst)


def group_changed(run_id: int, group_ids: list[int] | None = None) -> None:
    _after_commit(group_note, run_id=run_id, group_ids=group_ids)


def group_left(run_id: int, group_id: int) -> None:
    _after_commit(group_left_note, run_id=run_id, group_id=group_id)


def tell_phones(day_id: int, event: str, data: str) -> None:
    _after_commit(phones_note, day_id=day_id, event=event, data=data)
