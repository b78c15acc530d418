"""The end of the day, in browsers: the facilitator ends the day and the console shows the
summary; the projector shows the closing screen; an open phone (never reloaded) shows what its
person did today with a link to the personal page. axe-core checks the results page and the
summary in bokmål and nynorsk. Served by uvicorn like test_live.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from exercises.models import Run
from tests.e2e import support
from tests.e2e import test_live as live
from tests.e2e.conftest import DESKTOP, PASSWORD, exercise_agenda

pytestmark = pytest.mark.django_db(transaction=True)


def _blocking(axe, page: Page) -> list[str]:
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    return [live._report(page, blocking)] if blocking else []


def _logged_in(new_context, server, locale: str) -> BrowserContext:
    context = new_context(locale=locale, viewport=DESKTOP)
    context.set_default_timeout(5_000)
    page = context.new_page()
    page.goto(server.url + reverse("login"))
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.close()
    return context


def test_the_facilitator_ends_the_day(
    asgi_server, facilitator, new_phone, new_context, axe, watch, programme, workshop
):
    for name in ("Ane", "Bo"):
        programme.participants.create(name=name)
    exercise_agenda(
        workshop,
        "word_cloud",
        "Ordsky",
        {"prompt": "Hva kjennetegner god ledelse?", "max_entries": 3},
        minutes=10,
        welcome=True,
    )
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    console.locator(".console__start button").click()
    expect(console.locator("#now-heading")).to_have_text("Velkommen")
    workshop.refresh_from_db()
    presenter = support.open_presenter(facilitator, asgi_server, workshop)
    # The phones open before the facilitator moves on, and are never reloaded.
    phones = support.open_phones(new_phone, asgi_server, workshop, watch, ["Ane", "Bo"], pick=True)
    support.press_next(console, "Ordsky")
    support.showing(phones, "Ordsky")
    run = Run.objects.get(workshop=workshop)
    for name, word in (("Ane", "Tillit"), ("Ane", "Mot"), ("Bo", "Tillit")):
        form = phones[name].locator(f"#mine-{run.pk} form")
        form.locator("input[name=text]").fill(word)
        form.locator("button[type=submit]").click()
        expect(phones[name].locator(f"#mine-{run.pk} .inline-list")).to_contain_text(word)

    live._settled(console)
    console.once("dialog", lambda dialog: dialog.accept())
    console.locator(
        f"form[action='{reverse('live:console_action', args=[workshop.pk, 'end'])}'] button"
    ).click()

    # The console: the summary of the day, fetched when the day ended.
    summary = console.locator("#live-state .end-summary")
    expect(summary).to_be_visible()
    expect(summary.locator(f"tr[data-run='{run.pk}'] td[data-senders]")).to_have_text("2")
    expect(summary.locator("h2")).to_have_text(live._message("How the day went"))
    # Nothing left to press, and one way to the results (the console's own, above the summary).
    expect(console.locator(".shortcuts")).to_be_hidden()
    results = reverse("platforms:day_results", args=[workshop.pk])
    expect(console.locator(f"#live-state a[href='{results}']")).to_have_count(1)
    # The projector: the closing screen with the day's cloud.
    expect(presenter.locator(".stage__title")).to_have_text(
        live._message("Thank you for today!"), timeout=support.SHOWN_WITHIN
    )
    expect(presenter.locator(".closing__result .cloud")).to_contain_text("Tillit")
    # Each phone: what its person did, pushed (the phone was never reloaded).
    for name, sent in (("Ane", 2), ("Bo", 1)):
        today = phones[name].locator(".today")
        expect(today.locator("h2")).to_have_text(
            live._message("What you did today"), timeout=support.SHOWN_WITHIN
        )
        expect(today).to_contain_text(f"{sent} bidrag")
        expect(today.locator("a")).to_have_attribute("href", reverse("personal:personal_page"))

    found = _blocking(axe, console) + _blocking(axe, presenter) + _blocking(axe, phones["Ane"])
    # The results page and the summary page, in bokmål and nynorsk.
    for locale in ("nb-NO", "nn-NO"):
        context = watch.context(_logged_in(new_context, asgi_server, locale), locale)
        page = context.new_page()
        page.goto(asgi_server.url + reverse("platforms:day_results", args=[workshop.pk]))
        expect(page.locator(f"#run-{run.pk} .cloud")).to_contain_text("Tillit")
        found += _blocking(axe, page)
        page.goto(asgi_server.url + reverse("platforms:day_summary", args=[workshop.pk]))
        expect(page.locator(".end-summary")).to_be_visible()
        found += _blocking(axe, page)
    assert not found, "\n".join(found)
    watch.assert_clean()
