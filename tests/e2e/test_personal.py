"""The personal page on a phone: a check-in written and saved with Save (the one save model:
nothing is saved while typing), the page grouped by day and short at 390×844 with no tap
target under 44 px, and axe-core on every personal page.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from exercises.models import Exercise, Run, Submission
from workshops import personal
from workshops.models import (
    ActionLearningAnswer,
    AgendaItem,
    Attendee,
    NetworkGroup,
    Participant,
    Workshop,
)

PHONE = {"viewport": {"width": 390, "height": 800}, "is_mobile": True, "has_touch": True}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def kari(programme) -> Participant:
    group = NetworkGroup.objects.create(programme=programme, name="Nettverksgruppe 1")
    return Participant.objects.create(
        programme=programme, name="Kari Nordmann", email="kari@example.no", network_group=group
    )


@pytest.fixture
def phone(browser: Browser, locale: str) -> Page:
    context = browser.new_context(locale=locale, **PHONE)
    context.set_default_timeout(5_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, live_server, participant: Participant) -> None:
    token = personal.create_link(participant)
    # As the e-mail has it: the token in the fragment, which the page's script posts.
    page.goto(live_server.url + reverse("personal:personal_link") + "#" + token)
    assert token not in page.url  # taken out of the address bar and the history
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(reverse("personal:personal_page"))


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_check_in_on_a_phone_is_saved_when_save_is_pressed(phone, live_server, kari, workshop):
    workshop.between_work = "Gi tre konkrete tilbakemeldinger"
    workshop.save()
    sign_in(phone, live_server, kari)
    day = phone.locator(f"#day-{workshop.pk}")
    day.locator(f"a[href='{reverse('personal:personal_day', args=[workshop.pk])}']").click()
    expect(phone.locator("main h1")).to_contain_text(workshop.theme)
    form = phone.locator(f"#answer-{workshop.pk}-tried")
    form.locator("textarea").fill("Jeg ga ros i morgenmøtet <b>hver dag</b>")
    form.locator("textarea").blur()
    # Typing and leaving the field saves nothing, and the page does not pretend it did.
    expect(form.locator("[role=status]")).to_have_text("Ikke lagret ennå")
    phone.wait_for_timeout(600)
    assert not ActionLearningAnswer.objects.exists()
    form.get_by_role("button", name="Lagre").click()
    expect(phone.locator(f"#answer-{workshop.pk}-tried [role=status]")).to_have_text(
        "✓ Lagret. Bare du ser det."
    )
    share = phone.locator(f"#answer-{workshop.pk}-peer_problem")
    share.locator("textarea").fill("Hvordan gi korrigerende tilbakemelding?")
    # A normal check row: the box first on the row, the text in normal weight to its right,
    # and the whole row (44 px high) taps it.
    row = share.locator(".field--check label")
    box, label = share.locator("input[type=checkbox]").bounding_box(), row.bounding_box()
    middle = {name: b["y"] + b["height"] / 2 for name, b in (("box", box), ("label", label))}
    assert abs(box["x"] - label["x"]) < 2 and label["width"] > 4 * box["width"]
    assert abs(middle["box"] - middle["label"]) < 4 and label["height"] >= 44
    assert row.evaluate("(el) => getComputedStyle(el).fontWeight") == "400"
    row.click()
    expect(share.locator("input[type=checkbox]")).to_be_checked()
    share.get_by_role("button", name="Lagre").click()
    expect(phone.locator(f"#answer-{workshop.pk}-peer_problem [role=status]")).to_have_text(
        "✓ Lagret og delt med nettverksgruppen din"
    )
    assert ActionLearningAnswer.objects.get(question="peer_problem").shared is True
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
        "page": reverse("personal:personal_page"),
        "day": reverse("personal:personal_day", args=[workshop.pk]),
        "group": reverse("personal:personal_group"),
        "erase": reverse("personal:personal_erase"),
        "export": reverse("personal:personal_export", args=["html"]),
    }


@pytest.fixture
def written(kari, workshop) -> None:
    """Kari has written in every part of her pages, so axe sees them filled, not empty: her
    project, a check-in, a shared answer of a group member, an assignment and a survey answered
    on two days (the page then shows the change since the first time)."""
    workshop.between_work = "Gi tre konkrete tilbakemeldinger"
    workshop.save()
    Q = ActionLearningAnswer.Question
    personal.save_answer(kari, Q.MARKED_BY, "Tillit og tydelighet", shared=True)
    personal.save_answer(kari, Q.TRIED, "Ros i morgenmøtet", shared=False, workshop=workshop)
    per = Participant.objects.create(
        programme=kari.programme, name="Per Hansen", network_group=kari.network_group
    )
    personal.save_answer(per, Q.LEARNT, "Å lytte lenger", shared=True, workshop=workshop)
    later = Workshop.objects.create(
        programme=kari.programme, number=2, date=workshop.date + dt.timedelta(days=40)
    )
    for day, score in ((workshop, 2), (later, 4)):
        item = AgendaItem.objects.create(
            workshop=day, position=0, kind="exercise", title="Egenvurdering", duration_minutes=10
        )
        exercise = Exercise.objects.create(
            agenda_item=item,
            kind="survey",
            settings={"statements": "## Relasjon\nJeg lytter for å forstå.", "questions": ""},
        )
        run = Run.objects.create(exercise=exercise, workshop=day)
        attendee = Attendee.objects.create(
            workshop=day, participant=kari, display_name=kari.name, device_hash=f"kari-{day.pk}"
        )
        Submission.objects.create(
            run=run,
            author=attendee,
            key="answers",
            text="",
            token=uuid.uuid4(),
            data={"scores": [["Jeg lytter for å forstå.", score]], "answers": []},
        )


def _path(name: str, workshop: Workshop, kari: Participant) -> str:
    match name:
        case "start":
            return reverse("personal:personal_start")
        case "link":
            return reverse("personal:personal_link") + "#" + personal.create_link(kari)
        case "link_invalid":
            return reverse("personal:personal_link") + "#no-such-link"
        case "progress":
            return reverse("personal:programme_progress", args=[workshop.programme_id])
        case _:
            return _pages(workshop)[name]


SIGNED_OUT = {"start", "link", "link_invalid"}


@pytest.mark.parametrize("locale", ["nb-NO", "nn-NO"])
def test_the_page_is_grouped_by_day_and_short_on_a_phone(
    browser, live_server, kari, workshop, written, locale, monkeypatch
):
    """At 390×844 with a day held, one to come, a project answer and two survey answers: the
    current day first and open, the next one folded; the page is under 2,600 px (4,625 px with
    the same content before it was grouped), no tap target under 44 px, no console error, and
    axe-core finds nothing serious."""
    from tests.e2e import support
    from tests.e2e.test_stage import SMALL_TARGETS, SMALLEST_TARGET_PX

    # Between the first day and the next, whatever the date the suite runs on.
    monkeypatch.setattr(timezone, "localdate", lambda *a: workshop.date + dt.timedelta(days=1))
    watch = support.Watch()
    context = watch.context(
        browser.new_context(
            locale=locale, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        ),
        "phone",
    )
    page = context.new_page()
    sign_in(page, live_server, kari)
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    later = Workshop.objects.get(programme=kari.programme, date__gt=workshop.date)
    sections = page.locator(".day-section")
    expect(sections).to_have_count(2)
    expect(sections.nth(0)).to_have_attribute("id", f"day-{workshop.pk}")
    expect(sections.nth(0)).to_have_attribute("open", "")
    expect(sections.nth(1)).to_have_attribute("id", f"day-{later.pk}")
    expect(sections.nth(1)).not_to_have_attribute("open", "")
    expect(sections.nth(0).locator(".sent-list")).to_contain_text("Egenvurdering")
    height = page.evaluate("document.scrollingElement.scrollHeight")
    assert height < 2600, height
    assert page.evaluate(SMALL_TARGETS, SMALLEST_TARGET_PX) == []
    if os.environ.get("SCREENS"):
        page.screenshot(path=f"{os.environ['SCREENS']}/personal-{locale[:2]}.png", full_page=True)
    # Unfolded, the earlier day and the project are reachable and just as tappable.
    sections.nth(1).locator("summary").click()
    page.locator("#project summary").click()
    expect(page.locator("#project textarea").first).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, SMALLEST_TARGET_PX) == []
    violations = Axe().run(page).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, blocking
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("locale", ["nb-NO", "nn-NO", "en-US"])
@pytest.mark.parametrize(
    "name",
    ["start", "link", "link_invalid", "page", "day", "group", "erase", "export", "progress"],
)
def test_no_serious_violations_on_personal_pages(
    phone, live_server, login, kari, workshop, written, locale, name
):
    if name == "progress":
        login(phone)  # the facilitator's overview of the same: names and counts
    elif name not in SIGNED_OUT:
        sign_in(phone, live_server, kari)
    phone.goto(live_server.url + _path(name, workshop, kari))
    if name == "link_invalid":  # the link's page posts the token, and hears it is no good
        with phone.expect_navigation():
            phone.locator("main form button[type=submit]").click()
    expect(phone.locator("main h1")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", locale[:2])
    if name == "page":
        expect(phone.locator(".survey-history")).to_have_count(2)
    violations = Axe().run(phone).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name} [{locale}]: {blocking}"


def test_an_answer_refused_on_the_page_is_accessible_too(phone, live_server, kari, workshop):
    """The error state: a too-long answer keeps the text, marks the field and says why."""
    sign_in(phone, live_server, kari)
    phone.goto(live_server.url + _pages(workshop)["day"])
    form = phone.locator(f"#answer-{workshop.pk}-tried")
    form.locator("textarea").evaluate("(area) => area.removeAttribute('maxlength')")
    form.locator("textarea").fill("x" * (ActionLearningAnswer.MAX_LENGTH + 1))
    form.locator("button[type=submit]").click()
    expect(phone.locator(f"#answer-{workshop.pk}-tried [role=alert]")).to_be_visible()
    expect(phone.locator(f"#answer-{workshop.pk}-tried textarea")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert not ActionLearningAnswer.objects.exists()
    violations = Axe().run(phone).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, blocking
