"""The word cloud in browsers: three phones send words, the projector's cloud grows live,
the facilitator merges, hides and reveals. Served by uvicorn like test_live.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exercises.models import Run, Submission
from live import day as live_day
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    return exercise_agenda(
        workshop,
        "word_cloud",
        "Verdier",
        {
            "prompt": "Hvilke verdier?",
            "max_entries": 3,
            "max_length": 30,
            "minutes": 5,
            "hidden_until_reveal": True,
        },
        minutes=10,
        welcome=False,
    )


def test_three_phones_fill_the_cloud_and_the_facilitator_reveals_it(
    asgi_server, facilitator, new_phone, axe, alice, workshop, agenda
):
    live_day.start(workshop, by=alice)
    run = Run.objects.get()
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    console = live._open_console(facilitator, asgi_server, workshop)
    words = {"Ane": ["Tillit", "Mot"], "Bo": [" tillit ", "Lojalitet"], "Cato": ["TILLIT", "tull"]}
    phones = {}
    for name, entries in words.items():
        phone = live._join(new_phone(), asgi_server, workshop.join_code, name=name)
        phones[name] = phone
        field = phone.locator(f"#word-{run.pk}")
        for word in entries:
            field.fill(word)
            field.press("Enter")  # the keyboard's send key
            expect(phone.locator(f"#mine-{run.pk} .inline-list li")).to_contain_text([word.strip()])
            # The same field, emptied and still focused: a phone's keyboard stays open.
            expect(field).to_have_value("")
            expect(field).to_be_focused()
        expect(phone.locator(f"#mine-{run.pk} [role=status]")).to_contain_text("1")
    assert Submission.objects.filter(run=run).count() == 6

    # Hidden until revealed: the projector counts, and shows no words yet.
    expect(presenter.locator(".cloud-stage__count")).to_contain_text("6")
    expect(presenter.locator(".cloud__word")).to_have_count(0)

    live._settled(console)
    hide = reverse("live:act", args=[run.pk, "hide"])
    console.locator(f"form[action='{hide}']:has(input[value='tull']) button").click()
    live._settled(console)
    console.locator(f"#merge-from-{run.pk}").select_option("lojalitet")
    console.locator(f"#merge-into-{run.pk}").select_option("mot")
    console.locator(".merge-form button").click()
    live._settled(console)
    console.locator(f"form[action='{reverse('live:act', args=[run.pk, 'reveal'])}'] button").click()

    cloud = presenter.locator(".cloud__word")
    expect(cloud).to_have_count(2, timeout=live.PUSHED_WITHIN * 3)
    expect(presenter.locator(".cloud__word--6")).to_contain_text("Tillit")
    expect(presenter.locator(".cloud")).not_to_contain_text("tull")
    run.refresh_from_db()
    assert run.state == {"hidden": ["tull"], "merges": {"lojalitet": "mot"}, "revealed": True}

    found = []
    for page in (presenter, phones["Ane"], console):
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in live.BLOCKING]
        if blocking:
            found.append(live._report(page, blocking))
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
