from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from live import day as live_day
from workshops.models import (
    JOIN_CODE_ALPHABET,
    LiveEvent,
    StaleVersion,
    TransitionRefused,
    Workshop,
    normalise_join_code,
)


def test_start_day_opens_joining_at_the_first_item(workshop, agenda, alice):
    live_day.start(workshop, by=alice)
    assert workshop.status == Workshop.Status.LIVE
    assert len(workshop.join_code) == 6
    assert set(workshop.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1I") & set(workshop.join_code)
    assert workshop.current_item == agenda[0]
    assert workshop.timer.running
    assert workshop.timer_duration == dt.timedelta(minutes=30)
    assert workshop.version == 1
    event = LiveEvent.objects.get()
    assert (event.action, event.actor, event.to_item, event.version) == (
        "start",
        alice,
        agenda[0],
        1,
    )


def test_starting_twice_is_refused(workshop, agenda, alice):
    live_day.start(workshop, by=alice)
    with pytest.raises(TransitionRefused):
        live_day.start(workshop, by=alice)
    with pytest.raises(StaleVersion):
        live_day.start(workshop, by=alice, expected_version=0)


def test_next_and_previous_move_through_the_agenda(workshop, agenda, alice):
    live_day.start(workshop, by=alice)
    live_day.advance(workshop, +1, by=alice, expected_version=1)
    live_day.advance(workshop, +1, by=alice, expected_version=2)
    assert workshop.current_item == agenda[2]
    live_day.advance(workshop, -1, by=alice, expected_version=3)
    assert workshop.current_item == agenda[1]
    actions = list(LiveEvent.objects.values_list("action", "from_item", "to_item"))
    assert actions == [
        ("start", None, agenda[0].pk),
        ("next", agenda[0].pk, agenda[1].pk),
        ("next", agenda[1].pk, agenda[2].pk),
        ("previous", agenda[2].pk, agenda[1].pk),
    ]
    agenda[0].refresh_from_db()
    assert agenda[0].started_at is not None and agenda[0].ended_at is not None


def test_a_stale_click_is_refused_and_changes_nothing(workshop, agenda, alice, bob):
    live_day.start(workshop, by=alice)
    live_day.advance(workshop, +1, by=alice, expected_version=1)
    with pytest.raises(StaleVersion) as excinfo:
        live_day.advance(workshop, +1, by=bob, expected_version=1)
    assert excinfo.value.current_version == 2
    workshop.refresh_from_db()
    assert workshop.current_item == agenda[1]
    assert LiveEvent.objects.count() == 2


def test_there_is_no_item_after_the_last_or_before_the_first(workshop, agenda, alice):
    live_day.start(workshop, by=alice)
    with pytest.raises(TransitionRefused):
        live_day.advance(workshop, -1, by=alice, expected_version=None)
    for _ in agenda[1:]:
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    with pytest.raises(TransitionRefused):
        live_day.advance(workshop, +1, by=alice, expected_version=None)


def test_nothing_moves_before_the_day_starts_or_after_it_ends(workshop, agenda, alice):
    with pytest.raises(TransitionRefused):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    live_day.start(workshop, by=alice)
    live_day.end(workshop, by=alice, expected_version=None)
    assert workshop.status == Workshop.Status.ENDED
    for attempt in (
        lambda: live_day.advance(workshop, +1, by=alice, expected_version=None),
        lambda: live_day.change_timer(workshop, "pause", by=alice, expected_version=None),
        lambda: live_day.end(workshop, by=alice, expected_version=None),
    ):
        with pytest.raises(TransitionRefused):
            attempt()


def test_timer_actions_keep_the_deadline(workshop, agenda, alice):
    t0 = timezone.now()
    live_day.start(workshop, by=alice, now=t0)
    live_day.change_timer(
        workshop, "pause", by=alice, expected_version=1, now=t0 + dt.timedelta(minutes=10)
    )
    assert workshop.timer_paused_remaining == dt.timedelta(minutes=20)
    live_day.change_timer(workshop, "extend", by=alice, expected_version=2, seconds=60, now=t0)
    later = t0 + dt.timedelta(hours=1)
    live_day.change_timer(workshop, "resume", by=alice, expected_version=3, now=later)
    assert workshop.timer_ends_at == later + dt.timedelta(minutes=21)
    live_day.change_timer(workshop, "extend", by=alice, expected_version=4, seconds=-60, now=later)
    assert workshop.timer_ends_at == later + dt.timedelta(minutes=20)
    live_day.change_timer(workshop, "end", by=alice, expected_version=5, now=later)
    assert workshop.timer.stopped
    fresh = Workshop.objects.get(pk=workshop.pk)
    assert fresh.timer.remaining(later) == dt.timedelta(0)
    assert (
        LiveEvent.objects.filter(action="timer_extend").values_list("seconds", flat=True)[0] == 60
    )


def test_join_codes_are_unique_among_live_days(programme, alice, monkeypatch):
    codes = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr("live.day.new_join_code", lambda: next(codes))
    first = Workshop.objects.create(programme=programme, number=1, date=dt.date(2026, 1, 1))
    second = Workshop.objects.create(programme=programme, number=2, date=dt.date(2026, 1, 2))
    live_day.start(first, by=alice)
    live_day.start(second, by=alice)
    assert (first.join_code, second.join_code) == ("AAAAAA", "BBBBBB")


def test_normalise_join_code():
    assert normalise_join_code(" abc-23x ") == "ABC23X"
