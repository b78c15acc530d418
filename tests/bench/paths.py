"""Which of the project's modules one word and one "next" pass through.

Not a benchmark of speed but of how much a newcomer must read to follow the two busiest paths
of a live day: a phone sends one word to the word cloud, and the facilitator presses "next"
with the console, the projector and a phone listening. Every function call is recorded
(`sys.setprofile`) while the request runs, with the push after commit; the project's modules
that were entered are listed, in the order they were first entered. Writes
tests/bench/out/paths.json.

    python -m pytest tests/bench/paths.py -p no:xdist -q -s    (also run by `make bench`)
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Run, Submission
from live import day as live_day
from workshops.bus import get_bus

PROJECT = ("workshops", "exercises", "live", "platforms", "personal", "library", "accounts")
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "bench" / "out" / "paths.json"
HTMX = {"HTTP_HX_REQUEST": "true"}


LAYER = {"workshops": 1, "exercises": 2, "live": 3, "platforms": 4, "personal": 4}


def modules_entered(action) -> dict:
    """The project's modules (not their tests) whose code ran during `action`, in the order
    first entered, and each hand-over from one of them to another (caller -> callee)."""
    seen: dict[str, None] = {}
    calls: dict[tuple[str, str], None] = {}

    def profile(frame, event, arg):
        if event != "call":
            return
        name = frame.f_globals.get("__name__", "")
        if name.split(".")[0] not in PROJECT:
            return
        seen.setdefault(name, None)
        caller = frame.f_back.f_globals.get("__name__", "") if frame.f_back else ""
        if caller != name and caller.split(".")[0] in PROJECT:
            calls.setdefault((caller, name), None)

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    upward = [
        f"{caller} -> {callee}"
        for caller, callee in calls
        if LAYER.get(caller.split(".")[0], 9) < LAYER.get(callee.split(".")[0], 0)
    ]
    return {
        "modules": list(seen),
        "calls": [f"{caller} -> {callee}" for caller, callee in calls],
        # A lower layer never calls a higher one: the push reaches live/ through a signal.
        "upward_calls": upward,
    }


@pytest.fixture
def listening(monkeypatch):
    """Every audience has a screen open, so a push is drawn and published as in the room."""
    monkeypatch.setattr(type(get_bus()), "listening", lambda self, names: set(names))


@pytest.mark.django_db(transaction=True)
def test_paths(workshop, agenda, alice, alice_client, listening):
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={"prompt": "Verdier?"})
    live_day.start(workshop, by=alice)
    for _ in range(2):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    phone = Client()
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": "Kari"})

    def next_item():
        workshop.refresh_from_db()
        response = alice_client.post(
            reverse("live:console_action", args=[workshop.pk, "next"]),
            {"version": workshop.version},
            **HTMX,
        )
        assert response.status_code == 200

    run_pk = []

    def one_word():
        run = Run.objects.get()
        run_pk.append(run.pk)
        response = phone.post(
            reverse("live:submit", args=[workshop.join_code, run.pk]),
            {"text": "tillit", "token": uuid.uuid4()},
            **HTMX,
        )
        assert response.status_code == 200

    paths = {"next": modules_entered(next_item), "word": modules_entered(one_word)}
    assert Submission.objects.filter(run_id=run_pk[0], text="tillit").count() == 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(paths, indent=2) + "\n")
    for name, path in paths.items():
        print(f"\n{name}: {len(path['modules'])} modules, {len(path['calls'])} hand-overs")
        for call in path["calls"]:
            print(f"  {call}")
        assert not path["upward_calls"], path["upward_calls"]
