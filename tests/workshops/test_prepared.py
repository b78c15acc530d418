"""A query compiled once and run again with new values gives what the queryset would."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from workshops.models import AgendaItem, Workshop
from workshops.prepared import PreparedQuery


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
