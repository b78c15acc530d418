"""The facilitator's notes are for the facilitator: a canary note on every item of a live day,
with the item on now and the next one carrying their own, never reaches anything drawn for the
projector, the phones or what participants take home. The console shows it (so the canary is
real, and this test would see it if it leaked)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Member, Run, Submission
from live import broadcast, groupcast
from live import day as transitions
from workshops import personal
from workshops.identity import DEVICE_COOKIE
from workshops.models import AgendaItem, Workshop

CANARY = "CANARY-NOTE-7f3a"
NOW = "CANARY-NOW-19c2"
NEXT = "CANARY-NEXT-55e0"


def leaked(text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return [canary for canary in (CANARY, NOW, NEXT) if canary in text]


@pytest.fixture
def live_day(workshop, agenda, alice, participant) -> dict:
    """Day 2, live, on an IGP run by network groups, with a note on every item."""
    igp = AgendaItem.objects.create(
        workshop=workshop,
        position=1,
        kind="exercise",
        title="Verdier",
        description="Hvilke verdier?",
        duration_minutes=27,
    )
    for position, item in enumerate([agenda[0], igp, *agenda[1:]]):
        item.position = position
        item.facilitator_notes = f"{CANARY}: si hei til {item.title}"
        item.save()
    AgendaItem.objects.filter(pk=igp.pk).update(facilitator_notes=f"{NOW} husk tusjer")
    AgendaItem.objects.filter(pk=agenda[1].pk).update(facilitator_notes=f"{NEXT} kort innledning")
    Exercise.objects.create(
        agenda_item=igp, kind="igp", settings={"prompt": "Hvilke verdier?", "target": 9}
    )
    transitions.start(workshop, by=alice)
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"participant": participant.pk})
    transitions.advance(workshop, +1, by=alice, expected_version=None)  # the IGP is on now
    workshop.refresh_from_db()
    assert workshop.current_item_id == igp.pk
    run = Run.objects.get(workshop=workshop)
    member = Member.objects.get(run=run)
    Submission.objects.create(
        run=run,
        author=member.attendee,
        group=member.group,
        key="note",
        text="Tillit",
        token=uuid.uuid4(),
    )
    participant_client = Client(headers={"accept-language": "en"})
    token = personal.create_link(participant)
    participant_client.post(reverse("personal:personal_link"), {"token": token})
    return {
        "workshop": workshop,
        "phone": phone,
        "run": run,
        "group": member.group,
        "participant": participant,
        "personal": participant_client,
    }


def test_the_console_shows_the_notes_of_now_and_next(live_day, alice_client):
    workshop = live_day["workshop"]
    page = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert NOW in page and NEXT in page
    assert CANARY not in page  # only the item on now and the next one
    fragment = alice_client.get(
        reverse("live:console", args=[workshop.pk]), headers={"hx-request": "true"}
    ).text
    assert NOW in fragment and NEXT in fragment
    for language in ("nb", "nn", "en"):
        assert NOW in broadcast.snapshot(workshop.pk, "console", language).decode()


def test_the_printed_day_plan_has_the_notes_and_the_handout_has_none(live_day, alice_client):
    url = reverse("workshops:workshop_print", args=[live_day["workshop"].pk])
    assert CANARY in alice_client.get(url).text
    assert not leaked(alice_client.get(url + "?notes=off").text)


def test_no_phone_sees_a_note(live_day):
    workshop, phone = live_day["workshop"], live_day["phone"]
    code = workshop.join_code
    pages = {
        "phone": phone.get(reverse("live:phone", args=[code])),
        "phone fragment": phone.get(
            reverse("live:phone", args=[code]), headers={"hx-request": "true"}
        ),
        "join": Client().get(reverse("live:join_day", args=[code])),
        "join form": Client().get(reverse("live:join")),
    }
    # What a phone sends gets an answer drawn for it, too.
    pages["submit"] = phone.post(
        reverse("live:submit", args=[code, live_day["run"].pk]),
        {"text": "Åpenhet", "token": str(uuid.uuid4())},
        headers={"hx-request": "true"},
    )
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert not leaked(response.text), name
    assert "You are Kari Nordmann" in pages["phone"].text  # the phone is on the day


def test_no_stream_but_the_consoles_carries_a_note(live_day, monkeypatch):
    """What every stream starts with (its snapshot) and what the day pushes when it changes."""
    workshop, run, group = live_day["workshop"], live_day["run"], live_day["group"]
    for language in ("nb", "nn", "en"):
        for audience in ("participants", "presenter"):
            assert not leaked(broadcast.snapshot(workshop.pk, audience, language)), audience
        assert not leaked(groupcast.snapshot(run.pk, group.pk, language))

    sent: dict[str, str] = {}

    class Recorder:
        def available(self):
            return True

        def listening(self, names):
            return set(names)

        def publish(self, name, message):
            sent[name] = message if isinstance(message, str) else message.decode()

        def connected(self, name):
            return 0

    monkeypatch.setattr(broadcast, "get_bus", Recorder)
    broadcast.day_changed(workshop.pk)
    assert sent
    for name, message in sent.items():
        if ":console:" in name:
            assert NOW in message, name
        else:
            assert not leaked(message), name


def test_the_presenter_shows_no_note(live_day, alice_client, bob_client):
    workshop = live_day["workshop"]
    url = reverse("live:presenter", args=[workshop.pk])
    for client in (alice_client, bob_client):
        assert not leaked(client.get(url).text)
        assert not leaked(client.get(url, headers={"hx-request": "true"}).text)


def test_nothing_participants_take_home_has_a_note(live_day, alice_client):
    workshop, _participant, personal_client = (
        live_day["workshop"],
        live_day["participant"],
        live_day["personal"],
    )
    responses = {
        "personal page": personal_client.get(reverse("personal:personal_page")),
        "personal day": personal_client.get(reverse("personal:personal_day", args=[workshop.pk])),
        "personal group": personal_client.get(reverse("personal:personal_group")),
        "export json": personal_client.get(reverse("personal:personal_export", args=["json"])),
        "export html": personal_client.get(reverse("personal:personal_export", args=["html"])),
        "calendar": alice_client.get(reverse("workshops:workshop_ics", args=[workshop.pk])),
        "results csv": alice_client.get(reverse("exercises:export_csv", args=[live_day["run"].pk])),
        "results xlsx": alice_client.get(
            reverse("exercises:export_xlsx", args=[live_day["run"].pk])
        ),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        assert not leaked(response.content), name
    assert "Verdier" in responses["personal day"].text or "Day 2" in responses["personal day"].text


def test_an_ended_day_keeps_its_notes_off_the_phone(live_day, alice):
    workshop: Workshop = live_day["workshop"]
    transitions.end(workshop, by=alice, expected_version=None)
    page = live_day["phone"].get(reverse("live:phone", args=[workshop.join_code]))
    assert page.status_code == 200
    assert not leaked(page.text)
    assert DEVICE_COOKIE in live_day["phone"].cookies
