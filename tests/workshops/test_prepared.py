"""A query compiled once and run again with new values gives what the queryset would; a
prepared insert saves what create() would."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Model

from exercises.models import Submission
from workshops.models import AgendaItem, Attendee, Workshop
from workshops.prepared import PreparedInsert, PreparedQuery


def _items(workshop: int, kind: str):
    return (
        AgendaItem.objects.select_related("workshop__programme")
        .filter(workshop=workshop, kind=kind)
        .order_by("position")
    )


@pytest.fixture
def two_days(programme, agenda):
    other = Workshop.objects.create(programme=programme, number=3, date=agenda[0].workshop.date)
    other.add_item(kind="pause", title="Lunsj", duration_minutes=30)
    other.add_item(kind="pause", title="Kaffe", duration_minutes=15)
    return agenda[0].workshop, other


def test_each_call_binds_its_own_values_and_builds_the_query_once(two_days):
    first, second = two_days
    built = []

    def build(workshop: int, kind: str):
        built.append((workshop, kind))
        return _items(workshop, kind)

    prepared = PreparedQuery(build, workshop=int, kind=str)
    for day in (first, second, first):
        for kind in ("pause", "exercise", "talk", "lunch"):
            assert prepared.fetch(workshop=day.pk, kind=kind) == list(_items(day.pk, kind))
    assert len(built) == 1
    assert [item.title for item in prepared.fetch(workshop=second.pk, kind="pause")] == [
        "Lunsj",
        "Kaffe",
    ]


def test_related_objects_come_along_without_more_queries(two_days, django_assert_num_queries):
    _first, second = two_days
    prepared = PreparedQuery(_items, workshop=int, kind=str)
    prepared.fetch(workshop=second.pk, kind="pause")  # compiled here
    with django_assert_num_queries(1):
        (lunch, _coffee) = prepared.fetch(workshop=second.pk, kind="pause")
        assert lunch.workshop == second
        assert lunch.workshop.programme.title == second.programme.title


def test_values_are_converted_as_the_query_wants_them(two_days):
    first, _second = two_days
    prepared = PreparedQuery(
        lambda workshop, kind: _items(workshop, kind).values_list("title", flat=True),
        workshop=int,
        kind=str,
    )
    assert prepared.fetch(workshop=str(first.pk), kind="pause") == list(
        _items(first.pk, "pause").values_list("title", flat=True)
    )


def test_a_value_the_sql_holds_only_inside_a_pattern_is_refused_at_once(db):
    prepared = PreparedQuery(
        lambda title: AgendaItem.objects.filter(title__contains=title), title=str
    )
    with pytest.raises(ValueError, match="title"):
        prepared.fetch(title="Lunsj")


@pytest.mark.django_db(transaction=True)
def test_a_thread_of_its_own_runs_it_on_its_own_connection(workshop):
    workshop.add_item(kind="pause", title="Lunsj", duration_minutes=30)
    prepared = PreparedQuery(_items, workshop=int, kind=str)
    assert len(prepared.fetch(workshop=workshop.pk, kind="pause")) == 1  # compiled here
    seen = {}

    def other_thread():
        try:
            seen["titles"] = [i.title for i in prepared.fetch(workshop=workshop.pk, kind="pause")]
            seen["connection"] = connection.connection
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["titles"] == ["Lunsj"]
    assert seen["connection"] is not connection.connection


def test_a_prepared_insert_saves_the_row_create_would(word_run):
    attendee = Attendee.objects.create(workshop=word_run.workshop, display_name="Kari")
    token = uuid.uuid4()
    saved = PreparedInsert(Submission).create(
        run=word_run, author=attendee, key="word", text="Tillit", token=token, data={"a": [1]}
    )
    assert saved.pk and not saved._state.adding
    row = Submission.objects.get(pk=saved.pk)
    assert (row.run, row.author, row.text, row.token, row.data) == (
        word_run,
        attendee,
        "Tillit",
        token,
        {"a": [1]},
    )
    assert row.created_at is not None  # auto_now_add, filled in as create() does
    assert row.created_at == saved.created_at


def test_a_prepared_insert_builds_its_sql_once_and_raises_as_create_does(
    word_run, django_assert_num_queries
):
    insert = PreparedInsert(Submission)
    token = uuid.uuid4()
    insert.create(run=word_run, key="word", text="Tillit", token=token)
    built = dict(insert._sql)
    with django_assert_num_queries(1):
        insert.create(run=word_run, key="word", text="Mot", token=uuid.uuid4(), slot=1)
    assert insert._sql == built
    # The same token again: the unique constraint refuses it, as Django's error, and a
    # transaction around it goes on after its savepoint.
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            insert.create(run=word_run, key="word", text="Igjen", token=token)
        assert Submission.objects.filter(token=token).count() == 1
    assert list(word_run.submissions.values_list("text", flat=True)) == ["Tillit", "Mot"]


@pytest.mark.django_db(transaction=True)
def test_converted_values_come_right_on_every_thread(word_run):
    # The JSON field's converter turns text into a dict. Converters are worked out once per
    # thread, for the thread's own connection, and kept no longer than the thread.
    Submission.objects.create(run=word_run, key="word", text="x", token=uuid.uuid4(), data={"n": 1})
    prepared = PreparedQuery(
        lambda run: Submission.objects.filter(run=run).values_list("data", flat=True), run=int
    )
    assert prepared.fetch(run=word_run.pk) == [{"n": 1}]
    assert prepared.fetch(run=word_run.pk) == [{"n": 1}]
    seen = {}

    def other_thread():
        try:
            seen["data"] = prepared.fetch(run=word_run.pk)
            seen["kept_for_own_connection"] = prepared._converters.kept[0] is connections["default"]
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == {"data": [{"n": 1}], "kept_for_own_connection": True}
    assert prepared._converters.kept[0] is connections["default"]  # this thread's, unchanged


def test_a_model_with_a_save_of_its_own_is_refused():
    # Django's user model does something in its own save(), which an insert would skip.
    assert User.save is not Model.save
    with pytest.raises(TypeError, match="User has a save"):
        PreparedInsert(User)
