"""One person, one identity: taken names, moving to a new phone, the facilitator's approval,
removal, known devices across days, and the personal code's life.

Kari is on the list; her own phone picked her name first. A second phone (maybe Kari's new one,
maybe someone else's) tries to be her.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from unittest import mock

import pytest
import redis
from django.core import mail
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Member, Run
from exercises.runs import form_groups
from live import day as live_day
from workshops import bus, identity, personal
from workshops.identity import DEVICE_COOKIE
from workshops.models import (
    ActionLearningAnswer,
    Attendee,
    ClaimRequest,
    ContentDeletion,
    KnownDevice,
    Participant,
    PersonEvent,
    Workshop,
)

Q = ActionLearningAnswer.Question


@pytest.fixture
def live(workshop, agenda, alice) -> Workshop:
    live_day.start(workshop, by=alice)
    return workshop


@pytest.fixture
def kari(participant) -> Participant:
    personal.save_answer(participant, Q.MARKED_BY, "KARI-PRIVATE project", shared=False)
    return participant


def unmasked(page: str) -> str:
    # The CSRF token and the CSP nonce are new in every answer, whatever the code.
    return re.sub(
        r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[\w-]+', r"\1", page
    )


def phone(device: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.cookies[DEVICE_COOKIE] = device
    return client


def join(client: Client, workshop: Workshop, **data):
    return client.post(reverse("live:join_day", args=[workshop.join_code]), data)


def phone_page(client: Client, workshop: Workshop):
    return client.get(reverse("live:phone", args=[workshop.join_code]))


def taken_url(workshop: Workshop, participant: Participant) -> str:
    return reverse("live:join_taken", args=[workshop.join_code, participant.pk])


@pytest.fixture
def karis_phone(live, kari) -> Client:
    """Kari's own phone: picked her name, then showed with her code that it is her."""
    client = phone("kari-phone")
    join(client, live, participant=kari.pk)
    client.post(
        reverse("live:phone_prove", args=[live.join_code]),
        {"action": "code", "code": personal.personal_code(kari)},
    )
    assert identity.is_known(kari, identity.device_hash("kari-phone"))
    return client


# A taken name


def test_the_name_list_shows_a_taken_name_as_in_use(live, kari, karis_phone):
    page = phone("other").get(reverse("live:join_day", args=[live.join_code])).text
    assert taken_url(live, kari) in page
    assert "in use" in page
    # Kari's own phone sees her name as hers, not as in use.
    own = karis_phone.get(reverse("live:join_day", args=[live.join_code]) + "?change=1")
    assert taken_url(live, kari) not in own.text


def test_a_second_phone_picking_a_taken_name_is_refused_and_sees_nothing_of_hers(
    live, kari, karis_phone
):
    intruder = phone("intruder")
    response = join(intruder, live, participant=kari.pk)
    assert response["Location"] == taken_url(live, kari)
    page = intruder.get(response["Location"]).text
    assert "Kari Nordmann has already joined on another phone" in page
    assert personal.personal_code(kari) not in page
    assert "KARI-PRIVATE" not in page
    assert phone_page(intruder, live).status_code == 302  # back to joining: it is no one
    assert intruder.get(reverse("personal:personal_page")).status_code == 302
    # Kari's phone is still Kari, and still knows her page.
    assert "You are Kari Nordmann" in phone_page(karis_phone, live).text
    assert Attendee.objects.get(participant=kari).device_hash == identity.device_hash("kari-phone")


def test_a_wrong_code_moves_nothing(live, kari, karis_phone):
    intruder = phone("intruder")
    response = intruder.post(taken_url(live, kari), {"action": "code", "code": "AAAAA-AAAAA"})
    assert response.status_code == 400
    assert "That is not the personal code of Kari Nordmann." in response.text
    assert Attendee.objects.get(participant=kari).device_hash == identity.device_hash("kari-phone")


def test_moving_with_the_personal_code_signs_the_old_phone_out_after(live, kari, karis_phone):
    new = phone("kari-new-phone")
    join(new, live, participant=kari.pk)
    # Until the new phone has shown it is her, the old one is her.
    assert "You are Kari Nordmann" in phone_page(karis_phone, live).text
    with_code = new.post(
        taken_url(live, kari), {"action": "code", "code": personal.personal_code(kari)}
    )
    assert with_code["Location"] == reverse("live:phone", args=[live.join_code])
    assert "You are Kari Nordmann" in phone_page(new, live).text
    assert personal.personal_code(kari) in phone_page(new, live).text
    old = phone_page(karis_phone, live)
    assert "You have moved to another phone" in old.text
    assert karis_phone.get(reverse("personal:personal_page")).status_code == 302
    assert Attendee.objects.filter(participant=kari).count() == 1
    assert PersonEvent.objects.filter(participant=kari, action="move", how="known").exists()


def test_the_old_phone_is_told_after_the_move_commits(
    live, kari, karis_phone, django_capture_on_commit_callbacks
):
    new = phone("kari-new-phone")
    with (
        mock.patch("live.broadcast.tell_phones") as told,
        django_capture_on_commit_callbacks(execute=True),
    ):
        new.post(taken_url(live, kari), {"action": "code", "code": personal.personal_code(kari)})
    told.assert_called_once_with(
        live.pk, "gone", identity.device_tag(identity.device_hash("kari-phone"))
    )


def test_moving_by_the_facilitators_approval(live, kari, karis_phone, alice_client):
    new = phone("kari-new-phone")
    asked = new.post(taken_url(live, kari), {"action": "ask"})
    claim = ClaimRequest.objects.get()
    assert asked["Location"] == reverse("live:join_wait", args=[live.join_code, claim.pk])
    assert "Waiting for the facilitator" in new.get(asked["Location"]).text
    # Only the phone that asked can follow its request.
    assert phone("someone").get(asked["Location"]).status_code == 404
    # The console shows the request; the old phone is Kari until the facilitator decides.
    console = alice_client.get(reverse("live:console", args=[live.pk])).text
    assert "Kari Nordmann wants to use another phone — approve?" in console
    assert "You are Kari Nordmann" in phone_page(karis_phone, live).text
    approve = reverse("live:console_claim", args=[live.pk, claim.pk, "approve"])
    assert alice_client.post(approve, HTTP_HX_REQUEST="true").status_code == 200
    waiting = new.get(asked["Location"], HTTP_HX_REQUEST="true")
    assert waiting["HX-Redirect"] == reverse("live:phone", args=[live.join_code])
    assert "You are Kari Nordmann" in phone_page(new, live).text
    assert "You have moved to another phone" in phone_page(karis_phone, live).text
    assert identity.is_known(kari, identity.device_hash("kari-new-phone"))
    assert not identity.is_known(kari, identity.device_hash("kari-phone"))
    event = PersonEvent.objects.get(participant=kari, action="move")
    assert event.how == "facilitator" and event.actor is not None


def test_a_refused_request_changes_nothing(live, kari, karis_phone, alice_client):
    new = phone("stranger")
    new.post(taken_url(live, kari), {"action": "ask"})
    claim = ClaimRequest.objects.get()
    alice_client.post(reverse("live:console_claim", args=[live.pk, claim.pk, "refuse"]))
    page = new.get(reverse("live:join_wait", args=[live.join_code, claim.pk])).text
    assert "The facilitator said no" in page
    assert "You are Kari Nordmann" in phone_page(karis_phone, live).text
    assert not identity.is_known(kari, identity.device_hash("stranger"))
    # Deciding twice changes nothing.
    alice_client.post(reverse("live:console_claim", args=[live.pk, claim.pk, "approve"]))
    assert ClaimRequest.objects.get().status == "refused"


def test_asking_twice_makes_one_request(live, kari, karis_phone):
    new = phone("kari-new-phone")
    new.post(taken_url(live, kari), {"action": "ask"})
    new.post(taken_url(live, kari), {"action": "ask"})
    assert ClaimRequest.objects.count() == 1


def test_a_typed_name_cannot_become_a_person_on_the_list_without_proof(live, kari):
    guest = phone("guest")
    join(guest, live, display_name="Gjest")
    # Kari has not joined: her name is free, but not for a phone that is someone else today.
    response = join(guest, live, participant=kari.pk)
    assert response["Location"] == taken_url(live, kari)
    assert Attendee.objects.get().display_name == "Gjest"
    assert not Attendee.objects.filter(participant=kari).exists()
    # With her code, it is her (what the guest sent stays with the guest's row).
    guest.post(taken_url(live, kari), {"action": "code", "code": personal.personal_code(kari)})
    assert "You are Kari Nordmann" in phone_page(guest, live).text


def test_a_known_device_joins_the_next_day_by_itself_and_takes_over_a_pick(
    live, kari, karis_phone, alice, programme
):
    day3 = Workshop.objects.create(programme=programme, number=3, date=dt.date(2026, 12, 3))
    day3.add_item(kind="talk", title="Velkommen tilbake", duration_minutes=10)
    live_day.start(day3, by=alice)
    # Someone picks Kari's name on day 3 before she arrives.
    early = phone("early-bird")
    join(early, day3, participant=kari.pk)
    # Her known phone opens the day: it is her, without picking; the pick is signed out.
    arrived = karis_phone.get(reverse("live:join_day", args=[day3.join_code]))
    assert arrived["Location"] == reverse("live:phone", args=[day3.join_code])
    assert "You are Kari Nordmann" in phone_page(karis_phone, day3).text
    assert "You have moved to another phone" in phone_page(early, day3).text


def test_signing_out_on_a_phone_frees_it_and_forgets_it(live, kari, karis_phone):
    karis_phone.post(reverse("live:phone_sign_out", args=[live.join_code]))
    assert phone_page(karis_phone, live).status_code == 302
    assert not KnownDevice.objects.filter(participant=kari).exists()
    assert karis_phone.get(reverse("personal:personal_page")).status_code == 302
    # Her name needs proof now: what she sent today is on it.
    assert join(phone("someone"), live, participant=kari.pk)["Location"] == taken_url(live, kari)


def test_a_personal_page_link_opened_on_the_phone_proves_it(live, kari):
    client = phone("kari-phone")
    join(client, live, participant=kari.pk)
    assert personal.personal_code(kari) not in phone_page(client, live).text
    client.post(reverse("personal:personal_link"), {"token": personal.create_link(kari)})
    assert personal.personal_code(kari) in phone_page(client, live).text


def test_the_prove_page_sends_a_link_to_the_address_on_the_list(
    live, kari, django_capture_on_commit_callbacks
):
    client = phone("kari-phone")
    join(client, live, participant=kari.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("live:phone_prove", args=[live.join_code]), {"action": "link"})
    assert "a link is on its way" in page.text
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert "kari@example.no" not in page.text  # the address itself is not shown


# Removal


def test_removing_a_phone_tells_it_and_leaves_it_out_of_new_groups(
    live, kari, agenda, alice, alice_client, django_capture_on_commit_callbacks
):
    ghost = phone("ghost")
    join(ghost, live, display_name="Spøkelse")
    join(phone("per"), live, display_name="Per")
    join(phone("kari"), live, participant=kari.pk)
    spook = Attendee.objects.get(display_name="Spøkelse")
    people = reverse("live:console_people", args=[live.pk])
    assert "3 phones on the day" in alice_client.get(people).text
    remove = reverse("live:console_person", args=[live.pk, spook.pk, "remove"])
    with (
        mock.patch("live.broadcast.tell_phones") as told,
        django_capture_on_commit_callbacks(execute=True),
    ):
        listed = alice_client.post(remove, HTTP_HX_REQUEST="true").text
    told.assert_called_once_with(
        live.pk, "gone", identity.device_tag(identity.device_hash("ghost"))
    )
    assert "2 phones on the day" in listed
    assert "Taken off the day" in listed
    assert "taken this phone off the day" in phone_page(ghost, live).text
    # It cannot join again on its own.
    assert "taken this phone off the day" in join(ghost, live, display_name="Igjen").text
    # Groups formed after the removal leave it out.
    exercise = Exercise.objects.create(agenda_item=agenda[3], kind="duo", settings={})
    run = Run.objects.create(exercise=exercise, workshop=live)
    form_groups(run)
    assert set(Member.objects.filter(run=run).values_list("attendee__display_name", flat=True)) == {
        "Per",
        "Kari Nordmann",
    }
    assert PersonEvent.objects.filter(action="remove", attendee=spook, actor=alice).exists()
    # Undone while the day is on.
    alice_client.post(reverse("live:console_person", args=[live.pk, spook.pk, "restore"]))
    assert phone_page(ghost, live).status_code == 200
    assert "3 phones on the day" in alice_client.get(people).text


def test_a_day_for_the_list_only_refuses_typed_names(live, kari, alice_client):
    alice_client.post(reverse("live:console_roster_only", args=[live.pk]), {"roster_only": "on"})
    page = phone("guest").get(reverse("live:join_day", args=[live.join_code])).text
    assert "I&#x27;m not on the list" not in page and "not-on-list" not in page
    refused = join(phone("guest"), live, display_name="Gjest")
    assert "Only people on the list can join this day." in refused.text
    assert not Attendee.objects.exists()
    assert join(phone("kari"), live, participant=kari.pk).status_code == 302


# The personal code


def test_a_new_code_from_the_person_signs_out_their_other_devices(live, kari, karis_phone):
    laptop = Client(headers={"accept-language": "en"})
    laptop.post(reverse("personal:personal_link"), {"token": personal.create_link(kari)})
    old_code = personal.personal_code(kari)
    karis_phone.post(reverse("personal:personal_new_code"))
    new_code = personal.personal_code(kari)
    assert new_code != old_code
    assert personal.participant_of_code(old_code) is None
    assert personal.participant_of_code(new_code) == kari
    assert karis_phone.get(reverse("personal:personal_page")).status_code == 200
    assert laptop.get(reverse("personal:personal_page")).status_code == 302
    assert PersonEvent.objects.filter(participant=kari, action="new_code").count() == 1


def test_a_new_code_from_the_facilitator_signs_out_every_device(
    live, kari, karis_phone, alice_client, bob_client
):
    url = reverse("personal:participant_new_code", args=[kari.pk])
    assert bob_client.post(url).status_code == 403
    old_code = personal.personal_code(kari)
    page = alice_client.post(url, follow=True).text
    assert personal.personal_code(kari) not in page  # never shown to the facilitator
    assert personal.participant_of_code(old_code) is None
    assert karis_phone.get(reverse("personal:personal_page")).status_code == 302
    assert personal.personal_code(kari) not in phone_page(karis_phone, live).text


def test_the_code_expires_with_the_programmes_retention(live, kari):
    code = personal.personal_code(kari)
    deletion = live.programme.deletion_date()
    assert personal.participant_of_code(code, today=deletion - dt.timedelta(days=1)) == kari
    assert personal.participant_of_code(code, today=deletion) is None


def test_erasure_reaches_the_facilitator_as_a_count(alice_client, kari, programme):
    client = Client(headers={"accept-language": "en"})
    client.post(reverse("personal:personal_link"), {"token": personal.create_link(kari)})
    assert client.get(reverse("personal:personal_erase")).status_code == 200  # asks first
    client.post(reverse("personal:personal_erase"))
    assert ContentDeletion.objects.get().reason == "participant"
    page = alice_client.get(reverse("personal:programme_progress", args=[programme.pk])).text
    assert "1 participant has deleted what they wrote." in page
    assert not KnownDevice.objects.filter(participant=kari).exists()


# Join codes: guessing is hopeless, a room always gets in


def test_after_the_cap_a_right_and_a_wrong_code_get_the_same_answer(client, live, settings):
    for _ in range(settings.JOIN_WRONG_CODES_FREE):
        assert client.get(reverse("live:join_day", args=["ZZZZZZ"])).status_code == 404
    # One more wrong guess starts the wait.
    assert client.get(reverse("live:join_day", args=["ZZZZZY"])).status_code == 404
    right = client.get(reverse("live:join_day", args=[live.join_code]))
    wrong = client.get(reverse("live:join_day", args=["ZZZZZX"]))
    assert right.status_code == wrong.status_code == 429
    # The page echoes its own address (the language switch comes back to it), and nothing else.
    assert unmasked(right.text).replace(live.join_code, "CODE") == unmasked(wrong.text).replace(
        "ZZZZZX", "CODE"
    )
    assert "Too many wrong codes from this network" in right.text


def test_the_wait_grows_with_each_wrong_guess_and_does_not_reset(client, live, settings):
    from workshops import throttle

    settings.JOIN_WRONG_CODES_FREE = 2
    request = mock.Mock(META={"REMOTE_ADDR": "203.0.113.9"})
    waits = []
    for _ in range(6):
        throttle.count_wrong(request)
        waits.append(round(throttle.wait_seconds(request)))
    assert waits[:2] == [0, 0]
    assert waits[2:] == [2, 4, 8, 16]


def test_a_flood_of_wrong_codes_from_everywhere_delays_every_wrong_answer(
    client, live, settings, caplog
):
    from workshops import throttle

    settings.JOIN_GLOBAL_WRONG_PER_MINUTE = 5
    delays = []
    with caplog.at_level(logging.WARNING, logger="workshops.throttle"):
        for number in range(8):
            request = mock.Mock(META={"REMOTE_ADDR": f"198.51.100.{number}"})
            delays.append(throttle.count_wrong(request))
    assert delays[:5] == [0.0] * 5
    assert delays[5:] == [settings.JOIN_GLOBAL_DELAY_SECONDS] * 3
    assert [r.message for r in caplog.records].count(
        f"More than 5 wrong codes in a minute from all addresses: every wrong answer is "
        f"delayed by {settings.JOIN_GLOBAL_DELAY_SECONDS} s"
    ) == 1


def test_forty_phones_behind_one_address_with_the_right_code_all_get_in(live):
    for number in range(40):
        client = phone(f"venue-{number}")
        assert client.get(reverse("live:join_day", args=[live.join_code])).status_code == 200
        assert join(client, live, display_name=f"Deltaker {number}").status_code == 302
    assert Attendee.objects.count() == 40


def test_joins_from_one_address_are_capped_per_day(live, settings):
    settings.JOINS_PER_ADDRESS_PER_DAY = 3
    for number in range(3):
        assert join(phone(f"p{number}"), live, display_name=f"D{number}").status_code == 302
    refused = join(phone("p4"), live, display_name="D4")
    assert refused.status_code == 400
    assert "Too many phones have joined from this network today." in refused.text
    # A phone already on the day is not a new one.
    assert join(phone("p0"), live, display_name="D0 igjen").status_code == 302


def test_a_cache_that_does_not_answer_locks_nobody_out(client, live, monkeypatch):
    # A bus of this test's own: the suite's (Redis, in CI) must not hear of this Redis error.
    monkeypatch.setattr(bus, "_bus", bus.LocalBus())
    with mock.patch("workshops.throttle.cache") as broken:
        broken.get.side_effect = redis.ConnectionError("cache down")
        broken.add.side_effect = redis.ConnectionError("cache down")
        assert client.get(reverse("live:join_day", args=[live.join_code])).status_code == 200
        assert client.get(reverse("live:join_day", args=["ZZZZZZ"])).status_code == 404


# A phone that is no one any more, sending


def test_a_phone_that_moved_away_is_told_and_keeps_what_it_typed(live, kari, karis_phone, agenda):
    Exercise.objects.create(agenda_item=agenda[1], kind="word_cloud", settings={})
    live_day.advance(live, +1, by=None, expected_version=None)
    run = Run.objects.get()
    phone("kari-new").post(
        taken_url(live, kari), {"action": "code", "code": personal.personal_code(kari)}
    )
    url = reverse("live:submit", args=[live.join_code, run.pk])
    sent = karis_phone.post(url, {"text": "Tillit", "token": "x"}, HTTP_HX_REQUEST="true")
    assert sent.status_code == 409
    assert sent["HX-Retarget"] == "#phone-alert"  # not the form: what was typed stays
    assert "You have moved to another phone" in sent.text
    without_js = karis_phone.post(url, {"text": "Tillit"})
    assert without_js.status_code == 410
    assert "You have moved to another phone" in without_js.text
    assert not run.submissions.exists()


def test_a_removed_phone_that_sends_is_told_why(live, agenda, alice):
    Exercise.objects.create(agenda_item=agenda[1], kind="word_cloud", settings={})
    live_day.advance(live, +1, by=None, expected_version=None)
    run = Run.objects.get()
    ghost = phone("ghost")
    join(ghost, live, display_name="Spøkelse")
    identity.remove(Attendee.objects.get().pk, live, by=alice)
    url = reverse("live:submit", args=[live.join_code, run.pk])
    sent = ghost.post(url, {"text": "Tull"}, HTTP_HX_REQUEST="true")
    assert "taken this phone off the day" in sent.text
    assert not run.submissions.exists()


@pytest.mark.django_db(transaction=True)
def test_in_a_flood_a_wrong_code_is_answered_late_without_holding_a_thread(
    workshop, agenda, alice, settings
):
    import asyncio
    import time

    from config.asgi import application
    from tests.support import http_scope, run_async

    settings.JOIN_GLOBAL_WRONG_PER_MINUTE = 1
    settings.JOIN_GLOBAL_DELAY_SECONDS = 1
    live_day.start(workshop, by=alice)
    answers = []

    async def ask(code: str) -> None:
        inbox, outbox = asyncio.Queue(), asyncio.Queue()
        await inbox.put({"type": "http.request", "body": b"", "more_body": False})
        started = time.monotonic()
        scope = http_scope(f"/j/{code}/", [(b"accept-language", b"en")])
        await application(scope, inbox.get, outbox.put)
        messages = []
        while not outbox.empty():
            messages.append(await outbox.get())
        body = b"".join(m.get("body", b"") for m in messages).decode()
        answers.append((messages[0]["status"], time.monotonic() - started, body))

    async def scenario() -> None:
        await ask("ZZZZZZ")  # the first wrong code of the minute: at once
        await asyncio.gather(ask("ZZZZZY"), ask("ZZZZZX"))  # past the ceiling: both late
        await ask(workshop.join_code)  # a right code is never delayed

    run_async(scenario)
    (first, late1, late2, right) = answers
    assert first[0] == 404 and first[1] < 1
    for status, seconds, body in (late1, late2):
        assert status == 404 and seconds >= 1
        assert "There is no running day with the code" in body
    assert late2[1] < 1.9  # waited together, not one after the other
    assert right[0] == 200 and right[1] < 1
