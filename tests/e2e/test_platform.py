"""The lederplattform in browsers, on the demo data: the facilitator promotes the demo diamond's top
nine, writes a vision and makes a poster whose status arrives over the live bus without a
reload; HR downloads it. axe-core checks the platform pages on the way.

Served by uvicorn like the live tests (see test_live.py), since the poster status streams over
SSE. A thread stands in for the Celery worker and renders a moment after the request, so the
page sees the poster queued first and ready later, as it does with a real worker.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from exercises.kinds import diamond
from exercises.models import Run
from platforms import poster, report, tasks
from tests.e2e import test_live as live
from tests.e2e.conftest import DESKTOP, LOCALE
from workshops.models import Programme

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "samling-demo"
VISION = "Sammen skaper vi Seljord"


@pytest.fixture
def demo(asgi_server) -> Programme:
    call_command("load_demo", verbosity=0)
    return Programme.objects.get()


@pytest.fixture
def slow_worker(monkeypatch):
    """Render each queued poster a second later, in a thread of its own, as a worker would."""
    threads: list[threading.Thread] = []

    def delay(render_id: int) -> None:
        def work() -> None:
            time.sleep(1.0)
            try:
                poster.render(render_id)
            finally:
                connection.close()

        thread = threading.Thread(target=work, name="poster-worker", daemon=True)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(tasks, "render_poster_task", SimpleNamespace(delay=delay))
    yield threads
    for thread in threads:
        thread.join(timeout=60)


def logged_in(new_context, server, username: str) -> BrowserContext:
    context = new_context(locale=LOCALE, viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(server.url + reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert reverse("login") not in page.url, f"{username} could not log in"
    page.close()
    return context


def check(axe, page: Page, found: list[str]) -> None:
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(page, blocking))


def value_names(page: Page) -> list[str]:
    return [
        re.sub(r"^\d+\.\s*", "", text.strip())
        for text in page.locator("#values .value-item__name").all_inner_texts()
    ]


def test_facilitator_promotes_the_diamond_makes_a_poster_and_hr_downloads_it(
    asgi_server, new_context, axe, demo, slow_worker
):
    found: list[str] = []
    server = asgi_server.url
    run = Run.objects.get(exercise__kind="diamond")
    [offer] = diamond.promotable(run)
    platform_url = server + reverse("platforms:platform_detail", args=[demo.pk])

    facilitator = logged_in(new_context, asgi_server, "kursholder")
    page = facilitator.new_page()
    page.goto(platform_url)
    check(axe, page, found)
    assert value_names(page) != list(offer.items)

    # Promote the diamond's top nine: pick the run, look at what it changes, promote it.
    page.locator("#promote a", has_text="Verdidiamanten").click()
    expect(page.locator("main h1")).to_contain_text("Verdidiamanten")
    expect(page.locator("#offer-room .promote-result li")).to_have_count(9)
    check(axe, page, found)
    with page.expect_navigation():
        page.locator("[data-promote='room']").click()
    assert page.url.startswith(platform_url)
    assert value_names(page) == list(offer.items)
    back_link = page.locator(
        f"#values a[href='{reverse('platforms:promote_preview', args=[run.pk])}']"
    )
    expect(back_link.first).to_be_visible()

    # A vision, written inline.
    page.locator("#vision a[href$='/platform/vision/']").click()
    page.locator("#id_vision").fill(VISION)
    page.locator("#vision form button[type=submit]").click()
    expect(page.locator(".platform-vision__text")).to_have_text(VISION)

    # The poster: queued at once, ready when the worker is done, without a reload.
    page.evaluate(
        """() => {
            window.stayedOnPage = true;
            window.sseMessages = 0;
            document.body.addEventListener("htmx:sseMessage", () => { window.sseMessages += 1; });
        }"""
    )
    page.locator("#posters form button[type=submit]").click()
    newest = page.locator("#poster-rows tbody tr").first
    expect(newest.locator(".status--queued, .status--rendering")).to_be_visible()
    expect(newest.locator(".status--ready")).to_be_visible(timeout=30_000)
    assert page.evaluate("window.stayedOnPage") is True
    assert page.evaluate("window.sseMessages") >= 1, "the status did not come over the stream"
    download_href = newest.locator("a[href$='/download/']").get_attribute("href")

    # The other platform pages, for axe.
    for name in ("versions", "version_compare"):
        page.goto(server + reverse(f"platforms:{name}", args=[demo.pk]))
        check(axe, page, found)
    preview = facilitator.new_page()
    preview.goto(server + reverse("platforms:poster_preview", args=[demo.pk]))
    expect(preview.locator(".poster-vision__text")).to_have_text(VISION)
    expect(preview.locator("html")).to_have_attribute("lang", "nb")
    violations = axe.run(preview).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(preview, blocking))

    # HR reads the platform and downloads the poster.
    hr = logged_in(new_context, asgi_server, "hr")
    hr_page = hr.new_page()
    hr_page.goto(platform_url)
    check(axe, hr_page, found)
    expect(hr_page.locator("#promote")).to_have_count(0)
    # The newest poster is the one at the top of the page, with its download button.
    link = hr_page.locator(f"#poster-showcase [data-poster-download][href='{download_href}']")
    with hr_page.expect_download() as download:
        link.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    response = hr.request.get(server + download_href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == pdf

    assert not found, "\n\n".join(found)


@pytest.fixture
def slow_report_worker(monkeypatch):
    """Make each queued programme report a second later, in a thread, as a worker would."""
    threads: list[threading.Thread] = []

    def delay(report_id: int) -> None:
        def work() -> None:
            time.sleep(1.0)
            try:
                report.render(report_id)
            finally:
                connection.close()

        thread = threading.Thread(target=work, name="report-worker", daemon=True)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(tasks, "render_report_task", SimpleNamespace(delay=delay))
    yield threads
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.parametrize(("locale", "lang"), [("nb-NO", "nb"), ("nn-NO", "nn")])
def test_hr_makes_the_programme_report_and_downloads_it_when_it_is_ready(
    asgi_server, new_context, axe, demo, slow_report_worker, locale, lang
):
    """The report is a job like the poster: asked for, shown queued, ready without a reload."""
    server = asgi_server.url
    context = new_context(locale=locale, viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(server + reverse("login"))
    page.locator("#id_username").fill("hr")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(server + reverse("platforms:platform_detail", args=[demo.pk]))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    # The downloads line leads to the report's section.
    page.locator(".platform-exports a[href='#reports']").click()
    expect(page.locator("#reports")).to_be_in_viewport()
    expect(page.locator("#id_report-language")).to_have_value(lang)
    page.evaluate("() => { window.stayedOnPage = true; }")
    page.locator("#reports form button[type=submit]").click()
    row = page.locator("#report-rows tbody tr").first
    expect(row.locator(".status--queued, .status--rendering")).to_be_visible()
    expect(row.locator(".status--ready")).to_be_visible(timeout=30_000)
    assert page.evaluate("window.stayedOnPage") is True
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    assert not blocking, live._report(page, blocking)
    with page.expect_download() as download:
        row.locator("a[href$='/download/']").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(f"-{lang}.pdf")
