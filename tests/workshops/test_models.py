from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from workshops.models import AgendaItem, Participant


def titles(workshop):
    return list(workshop.agenda_items.values_list("title", flat=True))


def test_add_item_appends_at_the_end(workshop, agenda):
    item = workshop.add_item(kind="talk", title="Avslutning", duration_minutes=15)
    assert titles(workshop)[-1] == "Avslutning"
    assert item.position == len(agenda)


def test_add_item_with_the_same_token_adds_once(workshop):
    token = uuid.uuid4()
    first = workshop.add_item(token=token, kind="talk", title="Velkommen", duration_minutes=30)
    again = workshop.add_item(token=token, kind="talk", title="Velkommen", duration_minutes=30)
    assert first.pk == again.pk
    assert workshop.agenda_items.count() == 1


def test_add_item_refuses_zero_minutes(workshop):
    with pytest.raises(ValidationError) as excinfo:
        workshop.add_item(kind="talk", title="Ingenting", duration_minutes=0)
    assert "duration_minutes" in excinfo.value.message_dict
    assert workshop.agenda_items.count() == 0


def test_the_database_refuses_zero_minutes_too(workshop):
    with pytest.raises(IntegrityError):
        AgendaItem.objects.create(workshop=workshop, title="Null", duration_minutes=0)


def test_move_item_up_and_down(workshop, agenda):
    pause = agenda[2]
    assert workshop.move_item(pause, -1) == 2
    assert titles(workshop)[:3] == ["Velkommen!", "Pause", "Relasjonsorientert ledelse"]
    assert workshop.move_item(pause, +1) == 3
    assert titles(workshop)[:3] == ["Velkommen!", "Relasjonsorientert ledelse", "Pause"]


def test_moving_past_the_ends_keeps_the_item_in_place(workshop, agenda):
    assert workshop.move_item(agenda[0], -1) == 1
    assert workshop.move_item(agenda[-1], +1) == len(agenda)
    assert titles(workshop) == [i.title for i in agenda]


def test_reorder_puts_items_in_the_given_order(workshop, agenda):
    order = [agenda[i].pk for i in (5, 4, 3, 2, 1, 0)]
    workshop.reorder(order)
    assert list(workshop.agenda_items.values_list("pk", flat=True)) == order


@pytest.mark.parametrize("change", ["missing", "extra", "duplicate"])
def test_reorder_refuses_a_list_that_is_not_exactly_the_days_items(workshop, agenda, change):
    ids = [i.pk for i in agenda]
    if change == "missing":
        ids = ids[1:]
    elif change == "extra":
        ids = [*ids, 999999]
    else:
        ids = [ids[0], *ids[:-1]]
    with pytest.raises(ValueError):
        workshop.reorder(ids)
    assert titles(workshop) == [i.title for i in agenda]


def test_scheduled_items_and_summary_follow_the_order(workshop, agenda):
    scheduled = workshop.scheduled_items()
    assert scheduled[0].starts_at == dt.datetime(2026, 11, 26, 8, 30)
    assert scheduled[-1].ends_at == dt.datetime(2026, 11, 26, 12, 15)
    summary = workshop.summary(scheduled)
    assert summary.spare_minutes == 165
    workshop.add_item(kind="talk", title="Lang økt", duration_minutes=200)
    assert workshop.summary().overrun_minutes == 35


def test_participant_names_are_unique_per_programme_ignoring_case(programme, participant):
    with pytest.raises(IntegrityError):
        Participant.objects.create(programme=programme, name="kari nordmann")


def test_workshop_str_is_translated(workshop):
    from django.utils import translation

    with translation.override("en"):
        assert str(workshop) == "Day 2"
