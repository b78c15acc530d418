from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from live import day as live_day
from tests.support import http_scope, run_async
from workshops.identity import DEVICE_COOKIE
from workshops.models import Attendee, Workshop
from workshops.push import ALL_AUDIENCES

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def live(workshop, agenda, alice) -> Workshop:
    live_day.start(workshop, by=alice)
    return workshop


def join(client: Client, code: str, **data):
    return client.post(reverse("live:join_day", args=[code]), data)


# Joining


def test_join_page_explains_itself(client):
    page = client.get(reverse("live:join"), HTTP_ACCEPT_LANGUAGE="nb")
    assert "Bli med" in page.text or "Join" in page.text
    assert page.status_code == 200


def test_good_code_in_any_case_leads_to_the_name_page(client, live):
    response = client.post(reverse("live:join"), {"code": live.join_code.lower()})
    assert response["Location"] == reverse("live:join_day", args=[live.join_code])
    page = client.get(response["Location"])
    assert "Kari Nordmann" not in page.text  # not on this roster yet
    assert "Who are you?" in page.text


@pytest.mark.parametrize("code", ["", "ABC", "O0I1AB", "ÆØÅÆØÅ"])
def test_malformed_codes_get_a_clear_message(client, code):
    page = client.post(reverse("live:join"), {"code": code})
    assert page.status_code == 200
    assert (
        "Type the code from the big screen." in page.text
        or "A code has six letters and digits" in page.text
    )


def test_wrong_code_says_so(client, live):
    page = client.get(reverse("live:join_day", args=["ZZZZZZ"]))
    assert page.status_code == 404
    assert "There is no running day with the code ZZZZZZ." in page.text


def test_ended_day_closes_joining(client, live, alice):
    live_day.end(live, by=alice, expected_version=None)
    page = client.get(reverse("live:join_day", args=[live.join_code]))
    assert page.status_code == 404
    assert "There is no running day" in page.text


def test_join_by_picking_a_name_from_the_roster(client, live, participant):
    response = join(client, live.join_code, participant=participant.pk)
    assert response["Location"] == reverse("live:phone", args=[live.join_code])
    assert client.cookies[DEVICE_COOKIE]["httponly"]
    attendee = Attendee.objects.get()
    assert (attendee.participant, attendee.display_name) == (participant, "Kari Nordmann")
    assert len(attendee.device_hash) == 64
    assert client.cookies[DEVICE_COOKIE].value not in attendee.device_hash
    phone = client.get(response["Location"])
    assert "You are Kari Nordmann" in phone.text
    assert "Velkommen!" in phone.text


def test_join_with_a_typed_name(client, live):
    join(client, live.join_code, display_name="  Gjest   fra Bø ")
    assert Attendee.objects.get().display_name == "Gjest fra Bø"
    assert Attendee.objects.get().participant is None


def test_join_needs_a_name(client, live):
    page = join(client, live.join_code)
    assert "Write the name others should see." in page.text
    assert not Attendee.objects.exists()


def test_the_typed_name_is_not_marked_optional(client, live):
    # The form takes a name from the list or a typed one, but whoever types one needs it.
    page = client.get(reverse("live:join_day", args=[live.join_code]))
    label = page.text[page.text.index('for="id_display_name"') :]
    assert "(optional)" not in label[: label.index("</label>")]


def test_display_name_is_escaped(client, live):
    join(client, live.join_code, display_name="<script>alert('x')</script>")
    page = client.get(reverse("live:phone", args=[live.join_code]))
    assert "<script>alert(" not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text


def test_the_device_cookie_brings_a_phone_back(client, live, participant):
    join(client, live.join_code, participant=participant.pk)
    # A reload of the join link, or of the phone page, lands on the same place.
    again = client.get(reverse("live:join_day", args=[live.join_code]))
    assert again["Location"] == reverse("live:phone", args=[live.join_code])
    assert "You are Kari Nordmann" in client.get(again["Location"]).text
    assert Attendee.objects.count() == 1


def test_joining_twice_from_one_phone_keeps_one_attendee(client, live, participant):
    join(client, live.join_code, participant=participant.pk)
    join(client, live.join_code, participant=participant.pk)
    # A phone that is a person on the list stays that person until it signs out.
    refused = join(client, live.join_code, display_name="Kari")
    assert "Sign out on it first to be someone else." in refused.text
    assert Attendee.objects.count() == 1
    assert Attendee.objects.get().display_name == "Kari Nordmann"


def test_a_typed_name_is_fixed_on_the_same_attendee(client, live):
    join(client, live.join_code, display_name="Kari N")
    join(client, live.join_code, display_name="Kari Nordmann (Bø)")
    assert Attendee.objects.get().display_name == "Kari Nordmann (Bø)"


def test_a_roster_name_moves_to_a_new_phone_only_with_proof(live, participant):
    from workshops import personal

    old, new = (Client(headers={"accept-language": "en"}) for _ in range(2))
    join(old, live.join_code, participant=participant.pk)
    taken = join(new, live.join_code, participant=participant.pk)
    assert taken["Location"] == reverse("live:join_taken", args=[live.join_code, participant.pk])
    assert old.get(reverse("live:phone", args=[live.join_code])).status_code == 200
    assert new.get(reverse("live:phone", args=[live.join_code])).status_code == 302
    new.post(taken["Location"], {"action": "code", "code": personal.personal_code(participant)})
    assert Attendee.objects.count() == 1
    assert (
        "You have moved to another phone"
        in old.get(reverse("live:phone", args=[live.join_code])).text
    )
    assert new.get(reverse("live:phone", args=[live.join_code])).status_code == 200


def test_phone_without_cookie_goes_to_join(client, live):
    response = client.get(reverse("live:phone", args=[live.join_code]))
    assert response["Location"] == reverse("live:join_day", args=[live.join_code])
    assert client.get(reverse("live:phone_stream", args=[live.join_code])).status_code == 404


def test_phone_of_another_day_is_refused(client, live, programme, alice, participant):
    import datetime as dt

    join(client, live.join_code, participant=participant.pk)
    other = Workshop.objects.create(programme=programme, number=9, date=dt.date(2026, 12, 1))
    other.add_item(kind="talk", title="Annet", duration_minutes=10)
    live_day.start(other, by=alice)
    assert client.get(reverse("live:phone", args=[other.join_code])).status_code == 302


# Console and presenter


def test_console_before_start_offers_start(alice_client, workshop, agenda):
    page = alice_client.get(reverse("live:console", args=[workshop.pk]))
    assert "Start day" in page.text
    response = alice_client.post(
        reverse("live:console_action", args=[workshop.pk, "start"]), {"version": 0}, **HTMX
    )
    assert "Join code" in response.text
    workshop.refresh_from_db()
    assert workshop.is_live


def test_console_next_shows_the_new_item(alice_client, live, agenda):
    response = alice_client.post(
        reverse("live:console_action", args=[live.pk, "next"]), {"version": 1}, **HTMX
    )
    assert response.status_code == 200
    assert '<h2 id="now-heading">Relasjonsorientert ledelse</h2>' in response.text


def test_stale_console_click_gets_the_fresh_state_and_a_message(alice_client, live, agenda):
    url = reverse("live:console_action", args=[live.pk, "next"])
    alice_client.post(url, {"version": 1}, **HTMX)
    response = alice_client.post(url, {"version": 1}, **HTMX)
    assert response.status_code == 409
    assert "The day has moved on in another window." in response.text
    assert '<h2 id="now-heading">Relasjonsorientert ledelse</h2>' in response.text
    live.refresh_from_db()
    assert live.version == 2


def test_console_without_javascript_redirects_with_a_message(alice_client, live):
    url = reverse("live:console_action", args=[live.pk, "previous"])
    page = alice_client.post(url, {"version": 1}, follow=True)
    assert "This is the first item." in page.text


def test_console_action_without_a_version_is_refused(alice_client, live):
    url = reverse("live:console_action", args=[live.pk, "next"])
    assert alice_client.post(url, {}).status_code == 400
    live.refresh_from_db()
    assert live.version == 1


def test_stale_click_is_409_in_norwegian_too(alice_client, live):
    url = reverse("live:console_action", args=[live.pk, "next"])
    alice_client.post(url, {"version": 1}, **HTMX)
    response = alice_client.post(url, {"version": 1}, HTTP_ACCEPT_LANGUAGE="nb", **HTMX)
    assert response.status_code == 409


def test_unknown_console_action_is_404(alice_client, live):
    url = reverse("live:console_action", args=[live.pk, "explode"])
    assert alice_client.post(url, {"version": 1}).status_code == 404


def test_timer_buttons(alice_client, live):
    url = reverse("live:console_action", args=[live.pk, "timer_pause"])
    response = alice_client.post(url, {"version": 1}, **HTMX)
    assert "Resume" in response.text
    live.refresh_from_db()
    assert live.timer.paused


def test_presenter_shows_code_and_qr_while_joining_is_open(bob_client, live):
    page = bob_client.get(reverse("live:presenter", args=[live.pk]))
    assert live.join_code in page.text
    assert "<svg" in page.text
    assert "Velkommen!" in page.text
    live_day.end(live, by=None, expected_version=None)
    page = bob_client.get(reverse("live:presenter", args=[live.pk]))
    assert live.join_code not in page.text
    assert "Thank you for today!" in page.text


def test_day_stream_only_for_console_and_presenter(alice_client, live):
    url = reverse("live:day_stream", args=[live.pk, "participants"])
    assert alice_client.get(url).status_code == 404


# Streams, driven through the real ASGI application


class Stream:
    def __init__(self, path: str, cookies: dict[str, str], headers: list | None = None):
        from config.asgi import application

        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.scope = http_scope(
            path,
            [(b"cookie", cookie.encode()), (b"accept-language", b"en"), *(headers or [])],
        )
        self.app = application
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.buffer = ""

    async def __aenter__(self) -> Stream:
        await self.inbox.put({"type": "http.request", "body": b"", "more_body": False})
        self.task = asyncio.create_task(self.app(self.scope, self.inbox.get, self.outbox.put))
        start = await asyncio.wait_for(self.outbox.get(), 10)
        self.status = start["status"]
        self.headers = {k.lower(): v for k, v in start["headers"]}
        return self

    async def event(self, timeout: float = 5) -> dict:
        while "\n\n" not in self.buffer:
            message = await asyncio.wait_for(self.outbox.get(), timeout)
            self.buffer += message.get("body", b"").decode()
        raw, self.buffer = self.buffer.split("\n\n", 1)
        if raw.startswith(":"):
            return await self.event(timeout)
        fields: dict = {"data": []}
        for line in raw.splitlines():
            key, _sep, value = line.partition(": ")
            if key == "data":
                fields["data"].append(value)
            else:
                fields[key] = value
        fields["data"] = "\n".join(fields["data"])
        return fields

    async def __aexit__(self, *exc) -> None:
        await self.inbox.put({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 10)


@pytest.mark.django_db(transaction=True)
def test_phone_stream_sends_a_snapshot_then_the_new_item(workshop, agenda, alice, participant):
    from workshops.bus import get_bus

    live_day.start(workshop, by=alice)
    phone = Client()
    join(phone, workshop.join_code, participant=participant.pk)
    cookies = {DEVICE_COOKIE: phone.cookies[DEVICE_COOKIE].value}
    path = reverse("live:phone_stream", args=[workshop.join_code])

    async def scenario():
        async with Stream(path, cookies) as stream:
            assert stream.status == 200
            assert stream.headers[b"content-type"] == b"text/event-stream"
            snapshot = await stream.event()
            assert snapshot["event"] == "participants"
            assert snapshot["id"] == "1"
            assert "Velkommen!" in snapshot["data"]
            await sync_to_async(live_day.advance)(workshop, +1, by=alice, expected_version=1)
            pushed = await stream.event()
            assert pushed["id"] == "2"
            assert "Relasjonsorientert ledelse" in pushed["data"]
        # Reconnecting (as a phone back from a tunnel would) starts with the whole state.
        headers = [(b"last-event-id", b"1")]
        async with Stream(path, cookies, headers) as stream:
            again = await stream.event()
            assert again["id"] == "2"
            assert "Relasjonsorientert ledelse" in again["data"]
        channel = f"day:{workshop.pk}:participants:en"
        await asyncio.sleep(0.05)
        assert get_bus().count(channel) == 0  # a closed stream leaves nothing behind

    run_async(scenario)


@pytest.mark.django_db(transaction=True)
def test_presenter_stream_follows_the_console(workshop, agenda, alice):
    live_day.start(workshop, by=alice)
    facilitator = Client()
    facilitator.force_login(alice)
    cookies = {"sessionid": facilitator.cookies["sessionid"].value}
    path = reverse("live:day_stream", args=[workshop.pk, "presenter"])

    async def scenario():
        async with Stream(path, cookies) as stream:
            first = await stream.event()
            assert "Velkommen!" in first["data"]
            url = reverse("live:console_action", args=[workshop.pk, "timer_pause"])
            response = await sync_to_async(facilitator.post)(url, {"version": 1})
            assert response.status_code == 302
            paused = await stream.event()
            assert "Paused" in paused["data"]

    run_async(scenario)


def test_agenda_changes_on_a_live_day_reach_the_screens(
    alice_client, live, agenda, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("live.broadcast.day_changed") as pushed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        alice_client.post(
            reverse("exercises:agenda_item_edit", args=[agenda[0].pk]),
            {"edit-kind": "talk", "edit-title": "Velkommen til alle", "edit-duration_minutes": 30},
            **HTMX,
        )
    pushed.assert_called_once_with(live.pk, ALL_AUDIENCES)


def test_agenda_changes_on_a_planned_day_push_nothing(
    alice_client, workshop, agenda, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("live.broadcast.day_changed") as pushed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        alice_client.post(
            reverse("exercises:agenda_item_move", args=[agenda[1].pk]), {"direction": "up"}, **HTMX
        )
    pushed.assert_not_called()


def test_the_current_item_cannot_be_deleted(alice_client, live, agenda):
    response = alice_client.post(
        reverse("exercises:agenda_item_delete", args=[agenda[0].pk]), **HTMX
    )
    assert "is on right now" in response.text
    assert live.agenda_items.count() == len(agenda)


def test_one_phone_can_join_two_days(client, live, programme, alice):
    import datetime as dt

    join(client, live.join_code, display_name="Kari")
    other = Workshop.objects.create(programme=programme, number=9, date=dt.date(2026, 12, 1))
    other.add_item(kind="talk", title="Annet", duration_minutes=10)
    live_day.start(other, by=alice)
    join(client, other.join_code, display_name="Kari")
    assert Attendee.objects.count() == 2
    assert client.get(reverse("live:phone", args=[live.join_code])).status_code == 200
    assert client.get(reverse("live:phone", args=[other.join_code])).status_code == 200


def test_what_a_person_sent_follows_them_to_a_new_phone(live, participant):
    from exercises.models import Exercise, Run, Submission
    from workshops import personal

    old, new = (Client(headers={"accept-language": "en"}) for _ in range(2))
    join(old, live.join_code, participant=participant.pk)
    first = Attendee.objects.get()
    exercise = Exercise.objects.create(agenda_item=live.current_item, kind="word_cloud")
    run = Run.objects.create(exercise=exercise, workshop=live)
    Submission.objects.create(run=run, author=first, key="word", text="Tillit", token=uuid.uuid4())
    join(old, live.join_code, participant=participant.pk)  # joining again keeps the attendee
    # Then she moves to another phone, with her personal code.
    new.post(
        reverse("live:join_taken", args=[live.join_code, participant.pk]),
        {"action": "code", "code": personal.personal_code(participant)},
    )
    assert Attendee.objects.filter(participant=participant).get().pk == first.pk
    assert Submission.objects.get().author_id == first.pk
    assert "You are Kari Nordmann" in new.get(reverse("live:phone", args=[live.join_code])).text
