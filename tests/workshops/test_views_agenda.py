from __future__ import annotations

import uuid

from django.urls import reverse

from workshops.models import AgendaItem

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_day_page_shows_the_agenda_with_computed_times(alice_client, workshop, agenda):
    page = alice_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]))
    text = page.text
    assert "08:30–09:00" in text
    assert "09:45–10:30" in text  # the exercise after the pause
    assert "11:15–12:15" in text  # the last item
    assert "165 minutes to spare" in text


def test_htmx_request_gets_only_the_agenda_fragment(alice_client, workshop, agenda):
    page = alice_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]), **HTMX)
    assert page.text.lstrip().startswith('<section id="agenda"')
    assert "<html" not in page.text


def test_adding_an_item_redraws_the_times(alice_client, workshop, agenda):
    response = alice_client.post(
        reverse("exercises:agenda_add", args=[workshop.pk]),
        {"kind": "pause", "title": "Kaffe", "duration_minutes": 20, "token": uuid.uuid4()},
        **HTMX,
    )
    assert response.status_code == 200
    assert "12:15–12:35" in response.text
    assert "Added “Kaffe”." in response.text
    assert workshop.agenda_items.last().title == "Kaffe"
    # The form for the next item keeps the type just used, with an empty title.
    form = response.context["form"]
    assert form["kind"].value() == "pause"
    assert not form["title"].value()


def test_a_double_submitted_add_makes_one_item(alice_client, workshop):
    data = {"kind": "talk", "title": "Velkommen", "duration_minutes": 30, "token": uuid.uuid4()}
    url = reverse("exercises:agenda_add", args=[workshop.pk])
    alice_client.post(url, data, **HTMX)
    alice_client.post(url, data, **HTMX)
    alice_client.post(url, data)
    assert workshop.agenda_items.count() == 1


def test_zero_minutes_is_refused_with_a_message_and_keeps_the_input(alice_client, workshop):
    response = alice_client.post(
        reverse("exercises:agenda_add", args=[workshop.pk]),
        {"kind": "talk", "title": "Tomt punkt", "duration_minutes": 0},
        **HTMX,
    )
    assert response.status_code == 200
    assert "An item must last at least one minute." in response.text
    assert 'value="Tomt punkt"' in response.text
    assert workshop.agenda_items.count() == 0


def test_missing_title_and_duration_are_named(alice_client, workshop):
    response = alice_client.post(
        reverse("exercises:agenda_add", args=[workshop.pk]), {"kind": "talk"}, **HTMX
    )
    assert "Give the item a title." in response.text
    assert "Give the item a duration in minutes." in response.text


def test_titles_are_escaped(alice_client, workshop):
    alice_client.post(
        reverse("exercises:agenda_add", args=[workshop.pk]),
        {"kind": "talk", "title": "<script>alert(1)</script>", "duration_minutes": 5},
    )
    page = alice_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_edit_shows_the_inline_form_and_saves(alice_client, workshop, agenda):
    url = reverse("exercises:agenda_item_edit", args=[agenda[1].pk])
    form = alice_client.get(url, **HTMX)
    assert 'name="edit-title"' in form.text
    response = alice_client.post(
        url,
        {"edit-kind": "talk", "edit-title": "Relasjoner", "edit-duration_minutes": 45},
        **HTMX,
    )
    assert "09:00–09:45" in response.text
    agenda[1].refresh_from_db()
    assert (agenda[1].title, agenda[1].duration_minutes) == ("Relasjoner", 45)


def test_edit_with_zero_minutes_keeps_the_old_value(alice_client, workshop, agenda):
    url = reverse("exercises:agenda_item_edit", args=[agenda[1].pk])
    response = alice_client.post(
        url, {"edit-kind": "talk", "edit-title": "X", "edit-duration_minutes": 0}, **HTMX
    )
    assert "An item must last at least one minute." in response.text
    agenda[1].refresh_from_db()
    assert agenda[1].duration_minutes == 30


def test_move_redraws_and_announces(alice_client, workshop, agenda):
    response = alice_client.post(
        reverse("exercises:agenda_item_move", args=[agenda[2].pk]), {"direction": "up"}, **HTMX
    )
    assert "Moved “Pause” to place 2." in response.text
    assert f'data-focus="move-up-{agenda[2].pk}"' in response.text
    assert "08:30–09:00" in response.text
    assert "09:00–09:15" in response.text  # the pause now comes second


def test_move_needs_a_direction(alice_client, agenda):
    response = alice_client.post(reverse("exercises:agenda_item_move", args=[agenda[0].pk]))
    assert response.status_code == 400


def test_reorder_from_drag_and_drop(alice_client, workshop, agenda):
    order = [agenda[i].pk for i in (1, 0, 2, 3, 4, 5)]
    response = alice_client.post(
        reverse("exercises:agenda_reorder", args=[workshop.pk]), {"order": order}, **HTMX
    )
    assert response.status_code == 200
    assert list(workshop.agenda_items.values_list("pk", flat=True)) == order


def test_stale_reorder_is_refused_with_the_current_order(alice_client, workshop, agenda):
    AgendaItem.objects.filter(pk=agenda[5].pk).delete()
    response = alice_client.post(
        reverse("exercises:agenda_reorder", args=[workshop.pk]),
        {"order": [i.pk for i in agenda]},
        **HTMX,
    )
    assert "The agenda changed in another window" in response.text
    assert list(workshop.agenda_items.values_list("pk", flat=True)) == [i.pk for i in agenda[:5]]


def test_delete_item(alice_client, workshop, agenda):
    response = alice_client.post(
        reverse("exercises:agenda_item_delete", args=[agenda[0].pk]), **HTMX
    )
    assert "Deleted “Velkommen!”." in response.text
    assert "08:30–09:00" in response.text  # the next item moved up to the start
    assert workshop.agenda_items.count() == 5


def test_overrun_is_flagged(alice_client, workshop, agenda):
    workshop.add_item(kind="exercise", title="Lang økt", duration_minutes=180)
    page = alice_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]))
    assert "15 minutes over" in page.text
    assert "agenda-item--late" in page.text


def test_print_page_lists_the_agenda(bob_client, workshop, agenda):
    page = bob_client.get(reverse("workshops:workshop_print", args=[workshop.pk]))
    assert "print.css" in page.text
    assert "11:15–12:15" in page.text
    assert "Lederplattform" in page.text


def test_ics_has_one_event_per_item_in_oslo_time(bob_client, workshop, agenda):
    from icalendar import Calendar

    response = bob_client.get(reverse("workshops:workshop_ics", args=[workshop.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events][0] == "Day 2: Velkommen!"
    assert len(events) == 6
    first = events[0]
    assert first.decoded("dtstart").isoformat() == "2026-11-26T08:30:00+01:00"
    assert first.decoded("dtend").isoformat() == "2026-11-26T09:00:00+01:00"
    assert str(first["location"]) == "Seljord kulturhus"
    assert list(calendar.walk("VTIMEZONE"))
