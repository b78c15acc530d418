"""HR's front door in a browser, on the demo data: the HR adviser opens the programme, finds
the lederplakat at the top (its picture, when and which version) and downloads it without
scrolling; axe-core checks the page in bokmål and nynorsk, and the browser logs no error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from platforms import poster
from platforms.models import PosterRender
from tests.e2e import test_live as live
from workshops.models import Programme

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "samling-demo"
DESKTOP = {"width": 1366, "height": 768}
LOCALES = {"nb-NO": "nb", "nn-NO": "nn"}
DOWNLOAD = {"nb": "Last ned lederplakaten (PDF)", "nn": "Last ned leiarplakaten (PDF)"}


@pytest.fixture
def demo(live_server) -> Programme:
    call_command("load_demo", verbosity=0)
    programme = Programme.objects.get()
    platform = programme.platform
    # The facilitator made the A3 poster; with no broker the task runs at once, on commit.
    job, _created = poster.request_render(
        platform, size="a3", language="nb", by=programme.created_by
    )
    job.refresh_from_db()
    assert job.status == PosterRender.Status.READY
    return programme


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} {message.location}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize("locale", list(LOCALES))
def test_hr_downloads_the_poster_from_the_top_of_the_programme_page(
    live_server, new_context, axe, demo, locale
):
    language = LOCALES[locale]
    job = demo.platform.renders.get()
    context = new_context(locale=locale, viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill("hr")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(live_server.url + demo.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", language)

    button = page.get_by_role("link", name=DOWNLOAD[language])
    expect(button).to_be_visible()
    # At the top: in the first screenful, without scrolling.
    box = button.bounding_box()
    assert box and box["y"] + box["height"] <= DESKTOP["height"], box
    picture = page.locator("#poster-showcase img")
    expect(picture).to_be_visible()
    assert (
        page.evaluate("(img) => img.complete && img.naturalWidth", picture.element_handle()) == 800
    )
    expect(page.locator("#poster-showcase")).to_contain_text(f"{job.version.number}")
    expect(page.locator("#poster-showcase")).to_contain_text("A3")
    # HR reads: the page offers nothing HR cannot do.
    expect(page.get_by_role("link", name="Administrer nettverksgrupper")).to_have_count(0)
    expect(
        page.locator(f"a[href='{reverse('workshops:programme_edit', args=[demo.pk])}']")
    ).to_have_count(0)

    with page.expect_download() as download:
        button.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf == Path(job.file.path).read_bytes()

    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    assert not blocking, live._report(page, blocking)
    assert not errors, errors
