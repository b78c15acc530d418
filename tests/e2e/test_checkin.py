"""The check-in as a live agenda item, in browsers: the facilitator reaches it, the phones show
it, Kari checks in from her phone and finds it on her personal page; a guest who typed a name
is told why there is nothing to save. Served by uvicorn like test_live.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from exercises.kinds import checkin
from exercises.models import Run
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops import personal
from workshops.models import ActionLearningAnswer, AgendaItem, NetworkGroup, Participant

pytestmark = pytest.mark.django_db(transaction=True)


def _no_page() -> str:
    with translation.override("nb"):
        return checkin.no_page_message()


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    return exercise_agenda(
        workshop,
        "checkin",
        "Innsjekk",
        {"intro": "Før vi går videre", "minutes": 8},
        minutes=10,
        welcome=True,
    )


@pytest.fixture
def kari(programme) -> Participant:
    group = NetworkGroup.objects.create(programme=programme, name="Nettverksgruppe 1")
    return Participant.objects.create(
        programme=programme, name="Kari Nordmann", network_group=group
    )


def test_a_check_in_on_a_phone_when_the_facilitator_reaches_it(
    asgi_server, facilitator, new_phone, axe, workshop, agenda, kari
):
    console = live._open_console(facilitator, asgi_server, workshop)
    console.locator(".console__start button").click()
    expect(console.locator("#now-heading")).to_have_text("Velkommen")
    code = console.locator(".join-code").inner_text()
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    phone = live._join(new_phone(), asgi_server, code, pick="Kari Nordmann")
    # Her check-in goes on her personal page: the phone shows first that it is her.
    live._prove(phone, asgi_server, code, personal.personal_code(kari))
    guest = live._join(new_phone(), asgi_server, code, name="Gjest fra Bø")
    expect(phone.locator(".phone-now h1")).to_have_text("Velkommen")

    live._settled(console)
    console.locator("[data-shortcut=n]").click()
    expect(console.locator("#now-heading")).to_have_text("Innsjekk")
    run = Run.objects.get()
    # Pushed: the phone shows the check-in without a reload, its own form fetched once.
    expect(phone.locator(".phone-now h1")).to_have_text("Innsjekk", timeout=live.PUSHED_WITHIN * 3)
    form = phone.locator(f"#checkin-{run.pk} form")
    expect(form.locator("textarea")).to_have_count(4)
    expect(guest.locator(f"#checkin-{run.pk} [role=alert]")).to_contain_text(_no_page())
    expect(guest.locator(f"#checkin-{run.pk} form")).to_have_count(0)

    # Sent empty: refused, with the reason, and nothing saved.
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-errors[role=alert]")).to_have_text(
        live._message("Write at least one answer first.")
    )
    assert not ActionLearningAnswer.objects.exists()
    refused = axe.run(phone).response["violations"]

    form.locator("textarea[name=tried]").fill("Ros i morgenmøtet <b>hver dag</b>")
    form.locator("textarea[name=peer_problem]").fill("Korrigerende tilbakemelding")
    form.locator("input[name='peer_problem-shared']").check()
    form.locator("button[type=submit]").click()
    status = phone.locator(f"#checkin-{run.pk} [role=status]")
    expect(status).to_contain_text(
        live._message("Saved on your personal page. Change it there or here whenever you like.")
    )

    saved = {
        a.question: (a.text, a.shared)
        for a in ActionLearningAnswer.objects.filter(participant=kari, workshop=workshop)
    }
    assert saved == {
        "tried": ("Ros i morgenmøtet <b>hver dag</b>", False),
        "peer_problem": ("Korrigerende tilbakemelding", True),
    }
    # The console and the projector count her; neither shows what she wrote.
    expect(console.locator(f"#console-run-{run.pk}")).to_be_visible()
    with translation.override("nb"):
        counted = translation.ngettext(
            "%(counter)s has checked in for this day; %(roster)s joined from the list of "
            "participants.",
            "%(counter)s have checked in for this day; %(roster)s joined from the list of "
            "participants.",
            1,
        ) % {"counter": 1, "roster": 1}
        shown = translation.ngettext(
            "%(counter)s has checked in", "%(counter)s have checked in", 1
        ) % {"counter": 1}
    expect(console.locator(".exercise-console")).to_contain_text(
        counted, timeout=live.PUSHED_WITHIN * 3
    )
    expect(presenter.locator(".cloud-stage__count")).to_have_text(shown)
    for page in (console, presenter):
        expect(page.locator("body")).not_to_contain_text("morgenmøtet")

    found = []
    blocking = [v for v in refused if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(phone, blocking))
    for page in (phone, guest, console, presenter):
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in live.BLOCKING]
        if blocking:
            found.append(live._report(page, blocking))

    # The same check-in on her personal page, opened from the phone (its cookie opens it).
    with phone.expect_navigation():
        status.locator("a").click()
    assert phone.url.endswith(reverse("personal:personal_day", args=[workshop.pk]))
    expect(phone.locator(f"#answer-{workshop.pk}-tried textarea")).to_have_value(
        "Ros i morgenmøtet <b>hver dag</b>"
    )
    expect(
        phone.locator(f"#answer-{workshop.pk}-peer_problem input[type=checkbox]")
    ).to_be_checked()
    violations = axe.run(phone).response["violations"]
    blocking = [v for v in violations if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(phone, blocking))
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
