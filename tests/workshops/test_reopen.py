"""A finished day is run again or changed only through a page that says what that does to its
results: until then its agenda and exercises are locked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exercises.models import Exercise, Run, Submission
from exercises.runs import ensure_run
from live import day as live_day
from workshops.models import AgendaItem, LiveEvent, Workshop


@pytest.fixture
def ended(workshop, alice):
    talk = workshop.add_item(kind="talk", title="Velkommen", duration_minutes=10)
    item = workshop.add_item(kind="exercise", title="Ordsky", duration_minutes=10)
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={"prompt": "Hva?"})
    live_day.start(workshop, by=alice)
    live_day.advance(workshop, +1, by=alice, expected_version=workshop.version)
    run = ensure_run(workshop, item)
    Submission.objects.create(run=run, key="word", text="Tillit", token="0" * 32)
    live_day.end(workshop, by=alice, expected_version=workshop.version)
    assert talk.pk
    return workshop


def reopen_url(workshop) -> str:
    return reverse("live:workshop_reopen", args=[workshop.pk])


def test_the_page_says_what_reopening_does(alice_client, ended):
    page = alice_client.get(reopen_url(ended)).content.decode()
    assert "Nothing participants sent is deleted" in page
    assert "Deleting an exercise from the agenda deletes its results" in page
    assert reverse("library:day_copy", args=[ended.pk]) in page


def test_only_facilitators_reopen(bob_client, charlie_client, ended):
    assert bob_client.get(reopen_url(ended)).status_code == 403
    assert charlie_client.get(reopen_url(ended)).status_code == 404
    assert bob_client.post(reopen_url(ended), {"version": ended.version}).status_code == 403
    ended.refresh_from_db()
    assert ended.status == Workshop.Status.ENDED


def test_reopening_keeps_the_results_and_unlocks_the_day(alice_client, alice, ended):
    response = alice_client.post(reopen_url(ended), {"version": ended.version})
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.status == Workshop.Status.PLANNED
    assert LiveEvent.objects.filter(workshop=ended, action="reopen").count() == 1
    assert Submission.objects.filter(run__workshop=ended).count() == 1
    page = alice_client.get(ended.get_absolute_url()).content.decode()
    assert reverse("live:console", args=[ended.pk]) in page
    # Run again: the actual times are measured afresh, the run goes on with what it had.
    live_day.start(ended, by=alice, expected_version=ended.version)
    assert list(ended.agenda_items.exclude(position=0).values_list("started_at", flat=True)) == [
        None
    ]
    assert Run.objects.get(workshop=ended).submissions.count() == 1


def test_a_stale_page_does_not_reopen_twice(alice_client, ended):
    alice_client.post(reopen_url(ended), {"version": ended.version})
    response = alice_client.post(reopen_url(ended), {"version": ended.version})
    assert response.status_code == 409
    assert LiveEvent.objects.filter(workshop=ended, action="reopen").count() == 1


def test_a_finished_days_agenda_is_locked(alice_client, ended):
    count = AgendaItem.objects.filter(workshop=ended).count()
    response = alice_client.post(
        reverse("exercises:agenda_add", args=[ended.pk]),
        {"kind": "talk", "title": "Ekstra", "duration_minutes": 5},
    )
    assert response.status_code == 302 and response["Location"] == reopen_url(ended)
    assert AgendaItem.objects.filter(workshop=ended).count() == count
    item = ended.agenda_items.get(kind="exercise")
    assert alice_client.get(reverse("exercises:setup", args=[item.pk]))["Location"] == (
        reopen_url(ended)
    )
    response = alice_client.post(
        reverse("exercises:agenda_item_delete", args=[item.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == reopen_url(ended)
    assert AgendaItem.objects.filter(pk=item.pk).exists()
