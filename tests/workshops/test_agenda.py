from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from workshops.agenda import schedule, summarise


@dataclass
class Item:
    title: str
    duration_minutes: int
    kind: str = "talk"


DAY = dt.datetime(2026, 11, 26, 8, 30)


def times(scheduled):
    return [(s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M")) for s in scheduled]


def test_items_run_back_to_back_from_the_start_of_the_day():
    items = [Item("Velkommen", 30), Item("Relasjoner", 30), Item("Pause", 15, "pause")]
    assert times(schedule(items, DAY)) == [
        ("08:30", "09:00"),
        ("09:00", "09:30"),
        ("09:30", "09:45"),
    ]


def test_the_seed_day_ends_at_three():
    # Samling 2 of the source programme: 08:30 Velkommen … 12:15–15:00 lederplattform.
    minutes = [30, 30, 15, 60, 15, 30, 45, 165]
    kinds = ["plenum", "talk", "pause", "talk", "pause", "exercise", "lunch", "exercise"]
    scheduled = schedule(
        [Item(str(i), m, k) for i, (m, k) in enumerate(zip(minutes, kinds, strict=True))], DAY
    )
    assert times(scheduled)[6] == ("11:30", "12:15")
    assert times(scheduled)[-1] == ("12:15", "15:00")
    summary = summarise(scheduled, DAY, dt.datetime(2026, 11, 26, 15, 0))
    assert summary.overrun_minutes == 0
    assert summary.spare_minutes == 0
    assert summary.break_minutes == 15 + 15 + 45
    assert summary.total_minutes == 6 * 60 + 30


def test_a_longer_item_before_lunch_pushes_lunch_and_everything_after():
    items = [Item("Innlegg", 150), Item("Lunsj", 45, "lunch"), Item("Gruppearbeid", 60)]
    assert times(schedule(items, DAY)) == [
        ("08:30", "11:00"),
        ("11:00", "11:45"),
        ("11:45", "12:45"),
    ]


def test_an_item_crossing_lunch_time_keeps_its_full_length():
    # A talk from 11:00 that runs 90 minutes crosses the usual lunch hour; lunch moves after it.
    items = [Item("Før", 150), Item("Lang økt", 90), Item("Lunsj", 45, "lunch"), Item("Etter", 30)]
    scheduled = schedule(items, DAY)
    assert times(scheduled)[1:] == [("11:00", "12:30"), ("12:30", "13:15"), ("13:15", "13:45")]
    assert scheduled[1].minutes == 90


def test_overrun_is_measured_against_the_planned_end():
    scheduled = schedule([Item("Alt", 400)], DAY)
    summary = summarise(scheduled, DAY, dt.datetime(2026, 11, 26, 15, 0))
    assert summary.ends_at == dt.datetime(2026, 11, 26, 15, 10)
    assert summary.overrun_minutes == 10
    assert summary.spare_minutes == 0


def test_spare_time_when_the_agenda_ends_early():
    summary = summarise(schedule([Item("Kort", 60)], DAY), DAY, dt.datetime(2026, 11, 26, 10))
    assert summary.overrun_minutes == 0
    assert summary.spare_minutes == 30


def test_no_planned_end_means_no_overrun():
    summary = summarise(schedule([Item("Alt", 900)], DAY), DAY, None)
    assert summary.overrun_minutes == 0


def test_an_empty_agenda_ends_when_it_starts():
    summary = summarise([], DAY, None)
    assert summary.ends_at == DAY
    assert summary.total_minutes == 0


@pytest.mark.parametrize("minutes", [0, -5, None])
def test_zero_length_items_are_refused(minutes):
    with pytest.raises(ValueError):
        schedule([Item("Ingenting", minutes)], DAY)


def test_a_day_running_past_midnight_keeps_counting():
    late = dt.datetime(2026, 11, 26, 23, 0)
    assert schedule([Item("Natt", 90)], late)[0].ends_at == dt.datetime(2026, 11, 27, 0, 30)
