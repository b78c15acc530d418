"""One person, one identity, in browsers: a phone picks a name from the list, a second phone
tries the same name and is refused, then shows with the personal code that it is the person's
new phone; the first is signed out after, and told. axe-core checks the name picker and the
pages of the move in bokmål and nynorsk."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from live import day as live_day
from tests.e2e import support
from tests.e2e import test_live as live
from tests.e2e.conftest import PHONE
from tests.e2e.test_live import BLOCKING, _report
from workshops import personal
from workshops.models import Attendee, Participant

pytestmark = pytest.mark.django_db(transaction=True)


def _accessible(axe, page: Page, language: str, found: list[str]) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language[:2])
    blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        found.append(_report(page, blocking))


@pytest.mark.parametrize("locale", ["nb-NO", "nn-NO"])
def test_a_taken_name_is_refused_then_moved_with_the_personal_code(
    asgi_server, new_context, watch, axe, alice, workshop, programme, locale
):
    from django.utils import translation

    def say(text: str) -> str:
        with translation.override(locale[:2]):
            return str(translation.gettext(text))

    kari = Participant.objects.create(programme=programme, name="Kari Nordmann")
    for name in ("Ola Hansen", "Per Olsen", "Siri Berg"):
        Participant.objects.create(programme=programme, name=name)
    code = personal.personal_code(kari)
    workshop.add_item(kind="talk", title="Velkommen", duration_minutes=10)
    live_day.start(workshop, by=alice)
    found: list[str] = []

    def phone(label: str) -> Page:
        context = new_context(locale=locale, **PHONE)
        context.set_default_timeout(5_000)
        return watch.context(context, label).new_page()

    first = phone("first phone")
    first.goto(asgi_server.url + reverse("live:join_day", args=[workshop.join_code]))
    # The picker: a filter over a button per name, "not on the list" a second path.
    first.locator("#name-filter").fill("kar")
    expect(first.locator(".name-list li:visible")).to_have_count(1)
    _accessible(axe, first, locale, found)
    with first.expect_navigation():
        first.get_by_role("button", name="Kari Nordmann").click()
    expect(first.locator(".phone__who")).to_contain_text("Kari Nordmann")

    second = phone("second phone")
    second.goto(asgi_server.url + reverse("live:join_day", args=[workshop.join_code]))
    taken = second.locator(".name-button--taken", has_text="Kari Nordmann")
    expect(taken).to_contain_text(say("in use"))
    _accessible(axe, second, locale, found)
    with second.expect_navigation():
        taken.click()
    expect(second.locator("main h1")).to_contain_text("Kari Nordmann")
    expect(second.locator("main")).not_to_contain_text(code)
    _accessible(axe, second, locale, found)
    # A wrong code is refused, with the message at the field; nothing moves.
    second.locator("#id_code").fill("AAAAA-AAAAA")
    with watch.tolerating(r"^second phone: (400 for POST |console error: Failed to load.*400)"):
        with second.expect_navigation():
            second.get_by_role("button", name=say("Continue")).click()
        expect(second.locator(".errorlist")).to_be_visible()
    _accessible(axe, second, locale, found)
    assert Attendee.objects.get(participant=kari).pk  # still the first phone's
    expect(first.locator(".phone__who")).to_contain_text("Kari Nordmann")

    # The right code: the second phone is Kari now, and the first hears that it is not.
    second.locator("#id_code").fill(code.lower())
    with second.expect_navigation():
        second.get_by_role("button", name=say("Continue")).click()
    expect(second.locator(".phone__who")).to_contain_text("Kari Nordmann")
    expect(first.locator("main h1")).to_have_text(
        say("Signed out on this phone"), timeout=support.SHOWN_WITHIN * 2
    )
    _accessible(axe, first, locale, found)
    assert Attendee.objects.filter(participant=kari).count() == 1
    assert not found, "\n".join(found)
    watch.assert_clean()


def test_a_phone_asks_the_facilitator_and_is_let_in(
    asgi_server, facilitator, new_phone, watch, axe, alice, workshop, programme
):
    kari = Participant.objects.create(programme=programme, name="Kari Nordmann")
    workshop.add_item(kind="talk", title="Velkommen", duration_minutes=10)
    live_day.start(workshop, by=alice)
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    first = support.open_phones(new_phone, asgi_server, workshop, watch, [kari.name], pick=True)
    second = watch.context(new_phone(), "second phone").new_page()
    second.goto(asgi_server.url + reverse("live:join_taken", args=[workshop.join_code, kari.pk]))
    with second.expect_navigation():
        second.get_by_role("button", name=live._message("Ask the facilitator")).click()
    expect(second.locator("main h1")).to_have_text(live._message("Waiting for the facilitator"))
    found: list[str] = []
    _accessible(axe, second, "nb", found)
    # The request reaches the console by itself; the facilitator approves it there.
    request = console.locator(".claims li", has_text="Kari Nordmann")
    expect(request).to_be_visible(timeout=5_000)
    request.get_by_role("button", name=live._message("Approve")).click()
    # The waiting phone moves on by itself; the first is signed out.
    expect(second.locator(".phone__who")).to_contain_text("Kari Nordmann", timeout=6_000)
    expect(first[kari.name].locator("main h1")).to_have_text(
        live._message("Signed out on this phone"), timeout=support.SHOWN_WITHIN * 2
    )
    assert not found, "\n".join(found)
    watch.assert_clean()
