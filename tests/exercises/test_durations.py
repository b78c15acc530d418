"""How long exercises run: their phases fill the agenda item's time unless set otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from exercises import kinds
from exercises.kinds import common
from exercises.models import Exercise, Run
from live import day as live_day


def test_every_kind_names_the_settings_that_time_its_phases():
    for name, module in kinds.KINDS.items():
        assert all(field in module.SettingsForm.base_fields for field in module.MINUTES), name


def test_a_single_phase_fills_the_item():
    word_cloud = kinds.get("word_cloud")
    assert common.fit(word_cloud, common.defaults(word_cloud), 10)["minutes"] == 10


def test_several_phases_keep_their_proportions_and_fill_the_item_exactly():
    # Suggested 4, 20 and 3 (27 minutes) on a 30-minute item.
    igp = kinds.get("igp")
    fitted = common.fit(igp, common.defaults(igp), 30)
    assert common.planned_minutes(igp, fitted) == 30
    assert [fitted[name] for name in igp.MINUTES] == [4, 23, 3]
    # Never below a field's least, even on a short item.
    assert min(common.fit(igp, common.defaults(igp), 3)[name] for name in igp.MINUTES) >= 1


def test_the_set_up_suggests_the_items_minutes(alice_client, agenda):
    item = agenda[3]  # 45 minutes
    page = alice_client.get(reverse("exercises:setup", args=[item.pk]) + "?kind=word_cloud")
    assert 'name="minutes" value="45"' in page.text


def test_the_set_up_of_a_saved_exercise_shows_what_was_saved(alice_client, agenda):
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={"minutes": 7})
    page = alice_client.get(reverse("exercises:setup", args=[item.pk]))
    assert 'name="minutes" value="7"' in page.text


@pytest.mark.parametrize("stored", [{}, {"minutes": 12}])
def test_the_timer_runs_for_the_item_unless_the_exercise_says_otherwise(
    workshop, agenda, alice, stored
):
    Exercise.objects.create(agenda_item=agenda[3], kind="word_cloud", settings=stored)
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    assert Run.objects.get().phase_minutes() == stored.get("minutes", 45)
    workshop.refresh_from_db()
    assert workshop.timer_duration == dt.timedelta(minutes=stored.get("minutes", 45))
    # Started again from the console, it runs as long as when the item came up.
    live_day.change_timer(workshop, "end", by=alice, expected_version=None)
    live_day.change_timer(workshop, "start", by=alice, expected_version=None)
    workshop.refresh_from_db()
    assert workshop.timer_duration == dt.timedelta(minutes=stored.get("minutes", 45))


def test_a_paused_break_says_no_time_to_come_back(bob_client, workshop, agenda, alice):
    live_day.start(workshop, by=alice)
    live_day.advance(workshop, +2, by=alice, expected_version=None)  # the 15-minute pause
    presenter = reverse("live:presenter", args=[workshop.pk])
    assert "Pause – back at " in bob_client.get(presenter).text
    live_day.change_timer(workshop, "pause", by=alice, expected_version=None)
    page = bob_client.get(presenter).text
    assert "back at" not in page
    assert '<h2 class="stage__title">Pause</h2>' in page
