"""The day's agenda as an iCalendar file, one event per agenda item."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from icalendar import Calendar, Event

from workshops.models import Workshop


def workshop_calendar(workshop: Workshop, request: HttpRequest) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    programme = workshop.programme
    cal = Calendar()
    cal.add("prodid", "-//Samling//Agenda//NB")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{programme.title}: {workshop}")
    stamp = dt.datetime.now(dt.UTC)
    day_url = request.build_absolute_uri(workshop.get_absolute_url())
    for scheduled in workshop.scheduled_items():
        item = scheduled.item
        event = Event()
        # Stable ids let a calendar update the events when the file is imported again.
        event.add("uid", f"samling-agenda-item-{item.pk}@{request.get_host()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", scheduled.starts_at.replace(tzinfo=zone))
        event.add("dtend", scheduled.ends_at.replace(tzinfo=zone))
        event.add("summary", f"{workshop}: {item.title}")
        if item.description:
            event.add("description", item.description)
        if workshop.venue:
            event.add("location", workshop.venue)
        event.add("categories", [item.get_kind_display()])
        event.add("url", day_url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
