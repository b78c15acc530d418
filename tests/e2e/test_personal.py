"""The personal page on a phone: a check-in written and saved as it is typed, and axe-core
on every personal page.
"""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LOCALE
from workshops import personal
from workshops.models import ActionLearningAnswer, NetworkGroup, Participant, Workshop

PHONE = {"viewport": {"width": 390, "height": 800}, "is_mobile": True, "has_touch": True}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def kari(programme) -> Participant:
    group = NetworkGroup.objects.create(programme=programme, name="Nettverksgruppe 1")
    return Participant.objects.create(
        programme=programme, name="Kari Nordmann", email="kari@example.no", network_group=group
    )


@pytest.fixture
def phone(browser: Browser) -> Page:
    context = browser.new_context(locale=LOCALE, **PHONE)
    context.set_default_timeout(5_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, live_server, participant: Participant) -> None:
    token = personal.create_link(participant)
    page.goto(live_server.url + reverse("workshops:personal_link", args=[token]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(reverse("workshops:personal_page"))


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_check_in_on_a_phone_is_saved_as_it_is_written(phone, live_server, kari, workshop):
    workshop.between_work = "Gi tre konkrete tilbakemeldinger"
    workshop.save()
    sign_in(phone, live_server, kari)
    phone.locator(f"a[href='{reverse('workshops:personal_day', args=[workshop.pk])}']").click()
    expect(phone.locator("main h1")).to_contain_text(workshop.theme)
    form = phone.locator(f"#answer-{workshop.pk}-tried")
    form.locator("textarea").fill("Jeg ga ros i morgenmøtet <b>hver dag</b>")
    form.locator("textarea").blur()
    wait_for(lambda: ActionLearningAnswer.objects.filter(question="tried").exists())
    expect(phone.locator(f"#answer-{workshop.pk}-tried [role=status]")).not_to_be_empty()
    share = phone.locator(f"#answer-{workshop.pk}-peer_problem")
    share.locator("textarea").fill("Hvordan gi korrigerende tilbakemelding?")
    share.locator("input[type=checkbox]").check()
    wait_for(
        lambda: ActionLearningAnswer.objects.filter(question="peer_problem", shared=True).exists()
    )
    answer = ActionLearningAnswer.objects.get(question="tried")
    assert (answer.text, answer.shared, answer.workshop_id) == (
        "Jeg ga ros i morgenmøtet <b>hver dag</b>",
        False,
        workshop.pk,
    )
    # Reloaded, the page shows the text as written, not as markup.
    phone.reload()
    expect(phone.locator(f"#answer-{workshop.pk}-tried textarea")).to_have_value(answer.text)


def _pages(workshop: Workshop) -> dict[str, str]:
    return {
        "page": reverse("workshops:personal_page"),
        "day": reverse("workshops:personal_day", args=[workshop.pk]),
        "group": reverse("workshops:personal_group"),
        "erase": reverse("workshops:personal_erase"),
        "export": reverse("workshops:personal_export", args=["html"]),
    }


@pytest.mark.parametrize("name", ["start", "page", "day", "group", "erase", "export"])
def test_no_serious_violations_on_personal_pages(phone, live_server, kari, workshop, name):
    workshop.between_work = "Gi tre konkrete tilbakemeldinger"
    workshop.save()
    if name == "start":
        phone.goto(live_server.url + reverse("workshops:personal_start"))
    else:
        sign_in(phone, live_server, kari)
        phone.goto(live_server.url + _pages(workshop)[name])
    expect(phone.locator("main h1")).to_be_visible()
    violations = Axe().run(phone).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: {blocking}"
