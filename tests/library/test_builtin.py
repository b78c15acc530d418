"""The built-in templates: their data files load, again without change, and make the days
they describe; the seed's Samling 2 keeps the seed's times."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from django.core.management import call_command
from django.utils import translation

from exercises import catalogue, kinds
from library import builtin, plans
from library.models import PlanTemplate
from workshops.models import Programme

# The programme of "Samling 2" in the seed (../shared/seeds/001_…txt, "Program for samling 2"):
# each block's start and what starts then. The template splits blocks into several items, so
# every block boundary must be the start of an item, and the day ends at 15:00.
SEED_BLOCKS = [
    ("08:30", "Velkommen!"),
    ("09:00", "Relasjonsorientert ledelse"),
    ("09:30", "Pause"),
    ("09:45", "Fra relasjoner til tillitsrelasjoner – tillitsbasert ledelse"),
    ("10:45", "Pause"),
    ("11:00", "Vi trener på tilbakemeldinger i mindre grupper"),
    ("11:30", "Lunsj"),
    ("12:15", "Hva er en lederplattform?"),
]
SEED_END = "15:00"


@pytest.fixture
def loaded(db) -> dict[str, PlanTemplate]:
    builtin.load()
    return {t.key: t for t in PlanTemplate.objects.filter(organisation__isnull=True)}


def test_every_data_file_loads_and_loading_again_changes_nothing(db):
    call_command("load_templates", verbosity=0)
    keys = {path.stem for path in builtin.FOLDER.glob("*.toml")}
    assert set(PlanTemplate.objects.values_list("key", flat=True)) == keys
    assert {"samling-2", "oppstart", "oppfolging", "program-tre-samlinger"} <= keys
    stamps = dict(PlanTemplate.objects.values_list("key", "plan"))
    assert builtin.load() == (0, 0)
    assert dict(PlanTemplate.objects.values_list("key", "plan")) == stamps
    assert PlanTemplate.objects.count() == len(keys)


def test_a_changed_file_updates_its_template(db, monkeypatch):
    builtin.load()
    template = PlanTemplate.objects.get(key="oppstart")
    template.plan = {**template.plan, "theme": "Gammelt tema"}
    template.save()
    assert builtin.load() == (0, 1)
    template.refresh_from_db()
    assert template.plan["theme"] == "Oppstart: formål og lederplattform"


def test_the_seed_day_has_the_seeds_times(loaded, programme):
    day = plans.day_from_template(loaded["samling-2"], programme, date=dt.date(2027, 2, 4))
    scheduled = day.scheduled_items()
    starts = {s.starts_at.strftime("%H:%M"): s.item.title for s in scheduled}
    for time, title in SEED_BLOCKS:
        assert starts.get(time) == title, f"{time} should start “{title}”"
    assert scheduled[0].starts_at.strftime("%H:%M") == "08:30"
    assert scheduled[-1].ends_at.strftime("%H:%M") == SEED_END
    assert day.summary(scheduled).overrun_minutes == 0
    assert [s.item.kind for s in scheduled].count("lunch") == 1
    # The seed's exercises: IGP, rekkeframlegg, diamond, vision work, feedback in triads.
    used = set(
        day.agenda_items.filter(exercise__isnull=False).values_list("exercise__kind", flat=True)
    )
    assert {"igp", "round_robin", "diamond", "proposals", "feedback_triads", "gallery_walk"} <= used
    # The facilitator's notes are filled in for the seed's talks and exercises.
    assert (
        day.agenda_items.exclude(kind__in=["pause", "lunch"]).filter(facilitator_notes="").count()
        == 0
    )


@pytest.mark.parametrize("key", ["samling-2", "oppstart", "oppfolging"])
def test_each_day_fits_its_planned_hours_and_its_exercises_fill_their_items(loaded, key):
    template = loaded[key]
    plan = template.plan
    start = dt.datetime.combine(dt.date(2027, 1, 1), dt.time.fromisoformat(plan["start_time"]))
    end = start + dt.timedelta(minutes=sum(entry["minutes"] for entry in plan["agenda"]))
    assert end.strftime("%H:%M") == plan["end_time"]
    for entry in plan["agenda"]:
        if entry["kind"] == "exercise":
            exercise = entry["exercise"]
            module = kinds.get(exercise["kind"])
            # The exercise's duration follows its item's, as the library makes them.
            assert catalogue.planned_minutes(module, exercise["settings"]) == entry["minutes"], (
                entry["title"]
            )
        if entry["kind"] not in ("pause", "lunch"):
            assert entry["notes"], f"{key}: “{entry['title']}” has no notes for the facilitator"


def test_settings_are_complete_and_in_the_templates_language(db):
    """A setting the file leaves out takes the form's default in bokmål, not in the language of
    whoever ran the command."""
    with translation.override("en"):
        builtin.load()
    template = PlanTemplate.objects.get(key="samling-2")
    survey = next(
        entry["exercise"]["settings"]
        for entry in template.plan["agenda"]
        if entry.get("exercise", {}).get("kind") == "survey"
    )
    assert survey["template"] == survey["loaded"] == "day_feedback"
    assert survey["anonymous"] is True
    assert "Dagen var nyttig" in survey["statements"]
    with translation.override("nb"):
        assert survey["low_label"] == translation.gettext("Strongly disagree")
    assert survey["low_label"] != "Strongly disagree"


def test_names_are_in_every_language_and_shown_in_the_readers(loaded):
    template = loaded["samling-2"]
    for code in ("nb", "nn", "en"):
        assert template.names[code]["title"] and template.names[code]["summary"]
    with translation.override("en"):
        assert (
            template.shown_title == "Day 2: Relational leadership and a shared leadership platform"
        )
    with translation.override("nn"):
        assert template.shown_title == "Samling 2: Relasjonsleiing og felles leiarplattform"
    with translation.override("nb"):
        assert template.shown_title == template.title


def test_the_programme_template_makes_three_days_six_weeks_apart(loaded, seljord, alice):
    programme = plans.programme_from_template(
        loaded["program-tre-samlinger"],
        seljord,
        title="Lederutvikling 2027",
        first_date=dt.date(2027, 1, 14),
        by=alice,
    )
    days = list(programme.workshops.order_by("number"))
    assert [(d.number, d.date) for d in days] == [
        (1, dt.date(2027, 1, 14)),
        (2, dt.date(2027, 2, 25)),
        (3, dt.date(2027, 4, 8)),
    ]
    assert days[1].agenda_items.count() == len(loaded["samling-2"].plan["agenda"])
    assert programme.groups.count() == 4
    assert not programme.participants.exists()


def test_a_broken_file_says_where(tmp_path, monkeypatch, db):
    (tmp_path / "feil.toml").write_text(
        """
scope = "day"
language = "nb"
[names.nb]
title = "Feil"
summary = "Feil"
[day]
start_time = 09:00:00
[[day.agenda]]
kind = "exercise"
title = "Diamanten"
minutes = 8
[day.agenda.exercise]
kind = "diamond"
[day.agenda.exercise.settings]
items = "bare én"
""",
        encoding="utf-8",
    )
    monkeypatch.setattr(builtin, "FOLDER", tmp_path)
    with pytest.raises(
        plans.PlanError, match=r"feil\.toml: agenda item 1 \(Diamanten\): diamond: items"
    ):
        builtin.templates()
    assert not PlanTemplate.objects.exists()


def test_the_data_files_are_valid_toml_with_a_scope():
    for path in builtin.FOLDER.glob("*.toml"):
        with path.open("rb") as file:
            assert tomllib.load(file)["scope"] in ("day", "programme"), path.name


def test_load_demo_and_load_templates_agree(db):
    call_command("load_demo", verbosity=0)
    demo_day = Programme.objects.get().workshops.get(number=2)
    template = PlanTemplate.objects.get(key="samling-2")
    assert [
        (i.title, i.duration_minutes, i.facilitator_notes) for i in demo_day.agenda_items.all()
    ] == [(e["title"], e["minutes"], e["notes"]) for e in template.plan["agenda"]]
