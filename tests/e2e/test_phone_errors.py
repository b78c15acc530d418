"""What a phone meets when a send does not go through: offline, moved to another phone. The
phone says what happened and what to do, in its language, and what was typed stays."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exercises.models import Run, Submission
from live import day as live_day
from tests.e2e import support
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops import personal
from workshops.models import Participant

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_offline_send_says_not_sent_and_goes_through_once_on_retry(
    asgi_server, facilitator, new_phone, watch, alice, workshop
):
    exercise_agenda(
        workshop, "word_cloud", "Ordsky", {"prompt": "Verdier?"}, minutes=10, welcome=True
    )
    live_day.start(workshop, by=alice)
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    phones = support.open_phones(new_phone, asgi_server, workshop, watch, ["Ane"])
    support.press_next(console, "Ordsky")
    support.showing(phones, "Ordsky")
    run = Run.objects.get()
    phone = phones["Ane"]
    field = phone.locator(f"#word-{run.pk}")
    field.fill("Tillit")
    # Offline, the browser and htmx log the failed send: expected here, and only here.
    offline = r"^Ane: console error: (.*ERR_INTERNET_DISCONNECTED|htmx:(sendError|afterRequest))"
    with watch.tolerating(offline):
        phone.context.set_offline(True)
        field.press("Enter")
        expect(phone.locator("#phone-alert")).to_contain_text(
            live._message(
                "Not sent: check the network and try again. What you typed is still here."
            )
        )
        expect(field).to_have_value("Tillit")
        # Beside the button too, in so many words: not sent, try again.
        expect(phone.locator(f"#mine-{run.pk} .send-state--failed")).to_have_text(
            live._message("Not sent – try again")
        )
        phone.context.set_offline(False)
    field.press("Enter")
    expect(phone.locator(f"#mine-{run.pk} .inline-list")).to_contain_text("Tillit")
    expect(phone.locator(f"#mine-{run.pk} .send-state--sent")).to_have_text(live._message("Sent"))
    expect(phone.locator("#phone-alert")).to_be_empty()
    assert list(Submission.objects.values_list("text", flat=True)) == ["Tillit"]

    # The answer lost on the way back (the word was saved, the phone never heard): the phone
    # says "not sent", and the retry, the same entry, leaves one copy.
    submit = reverse("live:submit", args=[workshop.join_code, run.pk])

    def lose_the_answer(route):
        route.fetch()  # the server gets it and saves it
        route.abort("connectionreset")

    field.fill("Mot")
    with watch.tolerating(
        r"^Ane: console error: (.*ERR_CONNECTION_RESET|htmx:(sendError|afterRequest))"
    ):
        phone.route(f"**{submit}", lose_the_answer, times=1)
        field.press("Enter")
        expect(phone.locator(f"#mine-{run.pk} .send-state--failed")).to_be_visible()
        expect(field).to_have_value("Mot")
    field.press("Enter")
    expect(phone.locator(f"#mine-{run.pk} .inline-list")).to_contain_text("Mot")
    assert sorted(Submission.objects.values_list("text", flat=True)) == ["Mot", "Tillit"]
    watch.assert_clean()


def test_a_phone_that_moved_away_is_told_and_keeps_its_text(
    asgi_server, facilitator, new_phone, watch, alice, workshop, programme
):
    kari = Participant.objects.create(programme=programme, name="Kari Nordmann")
    code = personal.personal_code(kari)
    exercise_agenda(
        workshop, "word_cloud", "Ordsky", {"prompt": "Verdier?"}, minutes=10, welcome=True
    )
    live_day.start(workshop, by=alice)
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    old = support.open_phones(new_phone, asgi_server, workshop, watch, ["Kari Nordmann"], pick=True)
    old = old["Kari Nordmann"]
    support.press_next(console, "Ordsky")
    run = Run.objects.get()
    old.locator(f"#word-{run.pk}").fill("Halvt skrevet")
    # Her new phone shows with her code that it is her; the old one is signed out after.
    new = watch.context(new_phone(), "new phone").new_page()
    new.goto(asgi_server.url + f"/j/{workshop.join_code}/taken/{kari.pk}/")
    new.locator("#id_code").fill(code)
    with new.expect_navigation():
        new.get_by_role("button", name=live._message("Continue")).click()
    expect(new.locator(".phone__who")).to_contain_text("Kari Nordmann")
    # The old phone hears it and loads its page again, which says why.
    expect(old.locator("main h1")).to_have_text(
        live._message("Signed out on this phone"), timeout=support.SHOWN_WITHIN * 2
    )
    assert not Submission.objects.exists()
    watch.assert_clean()
