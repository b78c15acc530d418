from __future__ import annotations

import datetime as dt

from workshops.timer import Timer

T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_a_new_timer_is_idle():
    timer = Timer()
    assert timer.idle and not timer.running and not timer.paused
    assert timer.remaining(T0) is None


def test_start_sets_a_deadline():
    timer = Timer().start(T0, 5 * MIN)
    assert timer.running
    assert timer.ends_at == at(300)
    assert timer.remaining(at(60)) == 4 * MIN


def test_pause_keeps_what_is_left_and_resume_moves_the_deadline():
    timer = Timer().start(T0, 5 * MIN).pause(at(120))
    assert timer.paused and timer.ends_at is None
    assert timer.remaining(at(999)) == 3 * MIN  # time stands still while paused
    resumed = timer.resume(at(600))
    assert resumed.ends_at == at(600 + 180)
    assert resumed.duration == 5 * MIN


def test_pause_and_resume_are_harmless_when_repeated():
    timer = Timer().start(T0, 5 * MIN)
    assert timer.resume(at(10)) == timer
    paused = timer.pause(at(60))
    assert paused.pause(at(90)) == paused


def test_extend_while_running_paused_or_idle():
    running = Timer().start(T0, 5 * MIN).extend(at(10), MIN)
    assert running.ends_at == at(360)
    paused = Timer().start(T0, 5 * MIN).pause(at(60)).extend(at(100), MIN)
    assert paused.remaining(at(100)) == 5 * MIN
    idle = Timer().extend(at(0), MIN)
    assert idle.running and idle.ends_at == at(60)


def test_taking_time_away_never_goes_below_zero():
    running = Timer().start(T0, MIN).extend(at(30), -2 * MIN)
    assert running.ends_at == at(30)
    paused = Timer().start(T0, MIN).pause(at(30)).extend(at(30), -5 * MIN)
    assert paused.remaining(at(30)) == dt.timedelta(0)


def test_end_now_stops_at_zero():
    timer = Timer().start(T0, 5 * MIN).end(at(42))
    assert timer.stopped and not timer.running
    assert timer.remaining(at(999)) == dt.timedelta(0)
    assert Timer().end(T0) == Timer()


def test_plus_a_minute_when_over_time_counts_from_now():
    over = Timer().start(T0, MIN)  # ran out at 60 s
    assert over.extend(at(240), MIN).ends_at == at(300)


def test_minus_a_minute_on_an_idle_timer_does_nothing():
    assert Timer().extend(T0, -MIN) == Timer()


def test_remaining_goes_negative_when_over_time():
    assert Timer().start(T0, MIN).remaining(at(90)) == dt.timedelta(seconds=-30)


def test_the_deadline_survives_a_reload():
    # A reload only re-reads the stored fields: the same three values give the same answer.
    stored = Timer().start(T0, 10 * MIN).pause(at(100)).resume(at(200)).extend(at(250), MIN)
    reloaded = Timer(stored.duration, stored.ends_at, stored.remaining_when_paused)
    assert reloaded.remaining(at(400)) == stored.remaining(at(400)) == dt.timedelta(seconds=360)
