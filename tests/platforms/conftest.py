from __future__ import annotations

import uuid

import pytest

from platforms import services
from platforms.models import LeadershipPlatform

NINE = [
    "Tillit",
    "Trygghet",
    "Åpen",
    "Tydelig",
    "Lojal",
    "Helhetsperspektiv",
    "Modig",
    "Omtanke",
    "Raushet",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def platform(programme, alice) -> LeadershipPlatform:
    platform = services.platform_for(programme)
    services.set_purpose(
        platform,
        lead="Vår ledergruppe skal skape MERVERDI ved å:",
        points=["Anerkjenne kompetanse", "Gi trygghet og tillit"],
        by=alice,
    )
    services.set_vision(
        platform, vision="Sammen for Seljord", alternatives=["Viser vei", "Gode med folk"], by=alice
    )
    for name in NINE:
        services.add_value(platform, name=name, by=alice)
    return platform


# A platform far larger than any real one, so the layout takes seconds (about 3 s here): a
# worker can be killed inside it, and a tight time limit stops it.
EXTRA_VALUES = 100
PRACTICE_TEXT = "Vi gir hverandre tydelige og ærlige tilbakemeldinger i hverdagen. " * 6


@pytest.fixture
def large_platform(platform):
    from platforms.models import Practice, Value

    values = Value.objects.bulk_create(
        Value(platform=platform, name=f"Verdi {i}", meaning=PRACTICE_TEXT[:400], position=9 + i)
        for i in range(EXTRA_VALUES)
    )
    Practice.objects.bulk_create(
        Practice(value=value, side=side, position=n, text=PRACTICE_TEXT[:480])
        for value in values
        for side in Practice.Side.values
        for n in range(3)
    )
    return platform


# Exercise runs with results, as a day leaves them, for promoting.

# Three people's diamonds; together they rank the nine in RANKED, each with its own score.
RANKED = [
    "Raushet",
    "Tillit",
    "Omtanke",
    "Tydelig",
    "Åpen",
    "Modig",
    "Trygghet",
    "Helhetsperspektiv",
    "Lojal",
]
DIAMONDS = [
    RANKED,
    [
        "Tillit",
        "Raushet",
        "Tydelig",
        "Omtanke",
        "Modig",
        "Åpen",
        "Helhetsperspektiv",
        "Trygghet",
        "Lojal",
    ],
    [
        "Raushet",
        "Omtanke",
        "Tillit",
        "Åpen",
        "Tydelig",
        "Trygghet",
        "Modig",
        "Lojal",
        "Helhetsperspektiv",
    ],
]


def diamond_rows(order: list[str]) -> list[list[str]]:
    return [order[0:1], order[1:3], order[3:6], order[6:8], order[8:9]]


def make_run(workshop, kind: str, title: str, settings: dict, state: dict | None = None):
    from exercises.models import Exercise, Run
    from workshops.models import AgendaItem

    item = AgendaItem.objects.create(
        workshop=workshop,
        position=workshop.agenda_items.count(),
        kind="exercise",
        title=title,
        duration_minutes=30,
    )
    exercise = Exercise.objects.create(agenda_item=item, kind=kind, settings=settings)
    return Run.objects.create(exercise=exercise, workshop=workshop, state=state or {})


def attendees(workshop, count: int) -> list:
    from workshops.models import Attendee

    return [
        Attendee.objects.create(
            workshop=workshop, display_name=f"Person {n}", device_hash=uuid.uuid4().hex
        )
        for n in range(1, count + 1)
    ]


@pytest.fixture
def diamond_run(workshop):
    from exercises.models import Submission

    run = make_run(
        workshop,
        "diamond",
        "Verdidiamanten",
        {"prompt": "Plasser verdiene", "items": "\n".join(NINE), "minutes": 8},
        state={"revealed": True},
    )
    for person, order in zip(attendees(workshop, 3), DIAMONDS, strict=True):
        Submission.objects.create(
            run=run,
            author=person,
            key="placement",
            text="",
            data={"rows": diamond_rows(order)},
            token=uuid.uuid4(),
        )
    return run


@pytest.fixture
def igp_run(workshop, group):
    """An IGP whose network group agreed on three points."""
    from exercises.models import Group, Member, Submission

    run = make_run(workshop, "igp", "Ledergruppens formål", {"prompt": "Formål?", "target": 5})
    people = attendees(workshop, 2)
    run_group = Group.objects.create(run=run, number=1, name=group.name)
    for person in people:
        Member.objects.create(run=run, group=run_group, attendee=person)
    for text in ["Gi retning", "Dele kompetanse", "Skape fellesskap"]:
        Submission.objects.create(
            run=run, group=run_group, author=people[0], key="output", text=text, token=uuid.uuid4()
        )
    return run


@pytest.fixture
def proposals_run(workshop):
    """Proposals whose room chose "Viser vei" over two others."""
    decision = {
        "chosen": {"id": "2", "text": "Viser vei", "score": 5, "rank": 1},
        "alternatives": [
            {"id": "3", "text": "Modige sammen", "score": 3, "rank": 2},
            {"id": "1", "text": "Gode med folk", "score": 1, "rank": 3},
        ],
        "method": "dots",
        "at": "2026-11-26T14:00:00+01:00",
    }
    return make_run(
        workshop, "proposals", "Visjonen", {"prompt": "Visjon?"}, state={"decision": decision}
    )
