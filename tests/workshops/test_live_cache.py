"""The live days a process keeps for its phones' words (workshops/live_cache.py)."""

from __future__ import annotations

from exercises.models import Exercise, Run
from workshops import live_cache
from workshops.models import AgendaItem, Workshop


def kept_day(number: int = 1) -> live_cache.LiveDay:
    workshop = Workshop(pk=number, number=number, join_code=f"CODE{number}", current_item_id=7)
    item = AgendaItem(pk=7, title="Verdier")
    item.exercise = Exercise(pk=3, kind="word_cloud", settings={"max_entries": 3})
    workshop.current_item = item
    run = Run(pk=5, exercise=item.exercise, workshop=workshop, state={"revealed": False})
    live_cache.keep(f"CODE{number}", workshop, run, stamp="abc")
    return live_cache.recall(f"CODE{number}")


def test_each_request_gets_objects_of_its_own_that_share_the_item_and_exercise():
    day = kept_day()
    workshop, run = day.copies()
    assert workshop is not day.workshop and run is not day.run
    assert run.workshop is workshop  # not the kept day
    workshop.fetched_run = (7, run)
    run.own_texts_read = {(1, "word"): ["Tillit"]}
    run.workshop = Workshop(pk=99)
    again_workshop, again_run = day.copies()
    assert not hasattr(again_workshop, "fetched_run")
    assert not hasattr(again_run, "own_texts_read")
    assert again_run.workshop is again_workshop
    assert again_workshop.current_item is day.workshop.current_item
    assert again_run.exercise is day.run.exercise


def test_a_kept_day_is_replaced_and_their_number_is_bounded(monkeypatch):
    monkeypatch.setattr(live_cache, "KEPT", 3)
    first = kept_day(1)
    assert kept_day(1) is not first  # kept anew replaces it
    for number in (2, 3, 4):
        kept_day(number)
    assert live_cache.recall("CODE1") is None  # the one kept longest ago went
    assert all(live_cache.recall(f"CODE{number}") for number in (2, 3, 4))
