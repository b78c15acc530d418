"""The end of the day: the facilitator's summary (its figures are the database's), the
projector's closing screen and each phone's own "what you did today"."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.models import Exercise, Submission
from exercises.runs import ensure_run
from live import broadcast
from live import day as live_day
from workshops import identity
from workshops.models import Workshop

T0 = timezone.make_aware(dt.datetime(2026, 11, 26, 8, 30))


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def ended(programme, workshop, alice):
    """A short day run with times the test knows, and a next day in the programme."""
    Workshop.objects.create(programme=programme, number=3, date=dt.date(2027, 1, 14))
    workshop.between_work = "Prøv én ting fra i dag."
    workshop.save()
    workshop.add_item(kind="talk", title="Velkommen", duration_minutes=10)
    cloud = workshop.add_item(kind="exercise", title="Ordsky", duration_minutes=10)
    Exercise.objects.create(agenda_item=cloud, kind="word_cloud", settings={"prompt": "Ord?"})
    workshop.add_item(kind="pause", title="Pause", duration_minutes=15)
    workshop.add_item(kind="exercise", title="Aldri nådd", duration_minutes=5)
    people = [programme.participants.create(name=name) for name in ("Ane", "Bo", "Cato")]
    live_day.start(workshop, by=alice, now=at(0))
    phones = [identity.join(workshop, identity.device_hash(p.name), p, p.name) for p in people]
    live_day.advance(workshop, +1, by=alice, expected_version=workshop.version, now=at(12))
    run = ensure_run(workshop, cloud)
    for phone, words in ((phones[0], ["Tillit", "Mot"]), (phones[1], ["Tillit"])):
        for word in words:
            form = run.module.submit(run, phone, {"text": word}, uuid.uuid4())
            assert not form.errors
    live_day.advance(workshop, +1, by=alice, expected_version=workshop.version, now=at(20))
    live_day.end(workshop, by=alice, expected_version=workshop.version, now=at(41))
    return workshop, run, phones


def cells(page: str, attribute: str) -> dict[str, str]:
    """The value of each row's cell marked `attribute`, by the row's id (data-item/data-run)."""
    found = {}
    for row in re.findall(r'<tr data-(?:item|run)="(\d+)">(.*?)</tr>', page, re.S):
        cell = re.search(rf"<td {attribute}>(.*?)</td>", row[1], re.S)
        if cell:
            found[row[0]] = re.sub(r"<[^>]+>", "", cell.group(1)).strip()
    return found


def test_the_summary_figures_are_the_databases(alice_client, ended):
    workshop, run, _phones = ended
    page = alice_client.get(reverse("platforms:day_summary", args=[workshop.pk])).content.decode()
    planned, actual = cells(page, "data-planned"), cells(page, "data-actual")
    for item in workshop.agenda_items.all():
        item.refresh_from_db()
        assert planned[str(item.pk)] == str(item.duration_minutes)
        if item.started_at and item.ended_at:
            minutes = round((item.ended_at - item.started_at).total_seconds() / 60)
            assert actual[str(item.pk)] == str(minutes)
        else:
            assert actual[str(item.pk)] == "–"
    assert [actual[str(i.pk)] for i in workshop.agenda_items.all()] == ["12", "8", "21", "–"]
    senders = Submission.objects.filter(run=run).values("author").distinct().count()
    assert cells(page, "data-senders") == {str(run.pk): str(senders)} == {str(run.pk): "2"}
    assert "Planned: 40 minutes" in page and "actual: 41 minutes" in page
    assert "3 phones joined" in page


def test_the_summary_says_what_is_still_to_promote(alice_client, ended):
    workshop, _run, _phones = ended
    page = alice_client.get(reverse("platforms:day_summary", args=[workshop.pk])).content.decode()
    assert "Nothing was decided in an exercise." in page
    assert "Nothing from this day is on the platform yet." in page


def test_the_ended_console_fetches_the_summary(alice_client, ended):
    workshop, _run, _phones = ended
    page = alice_client.get(reverse("live:console", args=[workshop.pk])).content.decode()
    assert f'hx-get="{reverse("platforms:day_summary", args=[workshop.pk])}"' in page
    assert reverse("platforms:day_results", args=[workshop.pk]) in page
    fragment = alice_client.get(
        reverse("platforms:day_summary", args=[workshop.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<section class="card end-summary"')


def test_the_closing_screen_shows_the_highlights_and_the_next_day(ended):
    workshop, _run, _phones = ended
    screen = broadcast.render(workshop, "presenter", "en")
    assert "Thank you for today!" in screen
    assert 'class="cloud"' in screen and "Tillit" in screen
    assert "Next time: Day 3, Thursday 14. January"  # the date as the app writes it in screen
    assert "Prøv én ting fra i dag." in screen


def test_each_phone_gets_its_own_day(client, ended):
    workshop, _run, _phones = ended
    room = broadcast.render(workshop, "participants", "en")
    assert "What you did today" not in room  # the room's copy has nobody's things
    assert f'hx-target="#today-{workshop.pk}"' in room  # each phone fetches its own
    client.cookies[identity.DEVICE_COOKIE] = "Ane"  # Ane's phone (device_hash("Ane"))
    mine = client.get(
        reverse("live:phone", args=[workshop.join_code]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "What you did today" in mine
    assert "Ordsky" in mine and "You sent 2 contributions." in mine
    assert reverse("personal:personal_page") in mine
    client.cookies[identity.DEVICE_COOKIE] = "Cato"  # sent nothing
    his = client.get(
        reverse("live:phone", args=[workshop.join_code]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "You sent" not in his and "nothing you sent is saved under your name" in his
