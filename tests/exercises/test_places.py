"""A submission into its author's first free place: on PostgreSQL the read and the insert are
one statement, elsewhere two; both give the same answers (the suite runs on each in CI)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction

from exercises.models import Submission
from exercises.places import FREE_PLACE
from workshops.models import Attendee


@pytest.fixture
def kari(workshop):
    return Attendee.objects.create(workshop=workshop, display_name="Kari", device_hash="kari")


def fields(run, author, text, token=None, **more):
    return {
        "run": run,
        "author": author,
        "group": None,
        "key": "word",
        "text": text,
        "token": token or uuid.uuid4(),
        "data": {},
        **more,
    }


def test_each_word_takes_the_first_free_place_and_sees_the_ones_before_it(word_run, kari):
    first = FREE_PLACE.claim(fields(word_run, kari, "Tillit"), 3)
    second = FREE_PLACE.claim(fields(word_run, kari, "Mot", data={"via": ["sms"]}), 3)
    assert first[0] == []
    assert [(slot, text) for _token, slot, text in second[0]] == [(0, "Tillit")]
    saved = second[1]
    assert (saved.slot, saved.text, saved._state.adding) == (1, "Mot", False)
    row = Submission.objects.get(pk=saved.pk)
    # What the one statement wrote is what create() would have: the JSON, the time, no group.
    assert (row.author, row.group, row.slot, row.data) == (kari, None, 1, {"via": ["sms"]})
    assert row.created_at == saved.created_at
    # A place freed in the middle is the next one taken; the others stay where they are.
    Submission.objects.filter(pk=first[1].pk).delete()
    third = FREE_PLACE.claim(fields(word_run, kari, "Ro"), 3)
    assert third[1].slot == 0
    assert list(word_run.submissions.order_by("slot").values_list("slot", "text")) == [
        (0, "Ro"),
        (1, "Mot"),
    ]


def test_nothing_is_saved_when_the_places_are_taken_or_the_token_was_saved(word_run, kari):
    token = uuid.uuid4()
    FREE_PLACE.claim(fields(word_run, kari, "Tillit", token), 2)
    again, none = FREE_PLACE.claim(fields(word_run, kari, "Tillit", token), 2)
    assert none is None
    assert [saved for saved, _slot, _text in again] == [token]
    FREE_PLACE.claim(fields(word_run, kari, "Mot"), 2)
    full, none = FREE_PLACE.claim(fields(word_run, kari, "Ro"), 2)
    assert none is None
    assert [text for _token, _slot, text in full] == ["Tillit", "Mot"]
    assert word_run.submissions.count() == 2


def test_a_clash_with_a_row_it_could_not_see_saves_nothing_and_breaks_no_transaction(
    word_run, kari, workshop
):
    # The same token already saved under someone else: not among Kari's places, so only the
    # unique constraint can refuse it, as it refuses a place taken by a send at the same moment.
    ola = Attendee.objects.create(workshop=workshop, display_name="Ola", device_hash="ola")
    token = uuid.uuid4()
    FREE_PLACE.claim(fields(word_run, ola, "Tillit", token), 3)
    with transaction.atomic():
        taken, none = FREE_PLACE.claim(fields(word_run, kari, "Mot", token), 3)
        assert (taken, none) == ([], None)
        # The transaction goes on: on PostgreSQL nothing failed, elsewhere a savepoint caught it.
        saved = FREE_PLACE.claim(fields(word_run, kari, "Ro"), 3)[1]
    assert saved.slot == 0
    assert sorted(Submission.objects.values_list("text", flat=True)) == ["Ro", "Tillit"]


def test_on_postgresql_it_is_one_statement(word_run, kari, django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads the places and inserts in two statements")
    FREE_PLACE.claim(fields(word_run, kari, "Tillit"), 3)
    with django_assert_num_queries(1):
        taken, saved = FREE_PLACE.claim(fields(word_run, kari, "Mot"), 3)
    assert ([text for _t, _s, text in taken], saved.slot) == (["Tillit"], 1)
