"""Every kind on phones that were open before its item started and stay open through all its
phases: they join on "Velkommen", the facilitator moves on from the console, and the phones,
never reloaded, do what the kind asks in each phase (one of them after its streams were cut).
Any console error, page error or failed answer on any page fails the test."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exercises.models import Run, Submission
from tests.e2e import support
from tests.e2e.conftest import exercise_agenda

pytestmark = pytest.mark.django_db(transaction=True)


def _start(workshop, alice, kind, title, settings, *, minutes=15):
    exercise_agenda(workshop, kind, title, settings, minutes=minutes, welcome=True)
    workshop.start_day(by=alice)


def _day(asgi_server, facilitator, new_phone, watch, workshop, names, *, pick=False):
    """The facilitator's console and projector, and the phones, all on "Velkommen"."""
    watch.context(facilitator, "facilitator")
    console = support.open_console(facilitator, asgi_server, workshop)
    presenter = support.open_presenter(facilitator, asgi_server, workshop)
    phones = support.open_phones(new_phone, asgi_server, workshop, watch, names, pick=pick)
    support.showing(phones, "Velkommen")
    return console, presenter, phones


def test_word_cloud(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(
        workshop,
        alice,
        "word_cloud",
        "Verdier",
        {"prompt": "Hvilke verdier?", "max_entries": 3, "hidden_until_reveal": True},
    )
    console, presenter, phones = _day(
        asgi_server, facilitator, new_phone, watch, workshop, ["Ane", "Bo", "Cato"]
    )
    support.press_next(console, "Verdier")
    support.showing(phones, "Verdier")
    run = Run.objects.get()
    for name, phone in phones.items():
        field = phone.locator(f"#word-{run.pk}")
        for word in (f"Tillit {name}", f"Mot {name}"):
            field.fill(word)
            field.press("Enter")
            expect(phone.locator(f"#mine-{run.pk} .inline-list")).to_contain_text(word)
            expect(field).to_have_value("")
    # A phone whose streams dropped sends its last word after they come back.
    support.reconnect(asgi_server, watch, phones["Ane"])
    field = phones["Ane"].locator(f"#word-{run.pk}")
    field.fill("Raushet")
    field.press("Enter")
    expect(phones["Ane"].locator(f"#mine-{run.pk} .inline-list")).to_contain_text("Raushet")
    expect(field).to_be_disabled()  # three of three sent
    # Half a word typed while the facilitator reveals the cloud stays where it was.
    phones["Bo"].locator(f"#word-{run.pk}").fill("Halvt ord")
    support.act(console, run.pk, "reveal")
    expect(presenter.locator(".cloud__word").first).to_be_visible()
    expect(phones["Bo"].locator(f"#word-{run.pk}")).to_have_value("Halvt ord")
    phones["Bo"].locator(f"#word-{run.pk}").press("Enter")
    expect(phones["Bo"].locator(f"#mine-{run.pk} .inline-list")).to_contain_text("Halvt ord")
    assert Submission.objects.filter(run=run, key="word").count() == 8
    watch.assert_clean()


def _network(programme, names):
    group = programme.groups.create(name="Nettverk 1")
    for name in names:
        programme.participants.create(name=name, network_group=group)


def test_round_robin(asgi_server, facilitator, new_phone, watch, alice, workshop, programme):
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    _network(programme, names)
    _start(workshop, alice, "round_robin", "Rekkeframlegg", {"prompt": "Gode eksempler"})
    console, presenter, phones = _day(
        asgi_server, facilitator, new_phone, watch, workshop, names, pick=True
    )
    support.press_next(console, "Rekkeframlegg")
    support.showing(phones, "Rekkeframlegg")
    run = Run.objects.get()
    group = f"#rr-group-{run.pk}"
    for phone in phones.values():
        expect(phone.locator(f"{group} .rr-turn")).to_be_visible()

    def whose_turn() -> str:
        text = phones[names[0]].locator(f"{group} .rr-turn").inner_text()
        return next(name for name in names if name in text)

    # Round 1: each adds a point in turn; round 2: everyone passes, and the rounds are done.
    for number in range(3):
        name = whose_turn()
        phone = phones[name]
        phone.locator(f"{group} .rr-point").fill(f"Punkt fra {name}")
        phone.locator(f"{group} button[value=point]").click()
        for other in phones.values():
            expect(other.locator(f"{group} .rr-points li")).to_have_count(number + 1)
    support.reconnect(asgi_server, watch, phones[names[1]], streams=2)
    for _ in range(3):
        name = whose_turn()
        before = phones[name].locator(f"{group} .rr-turn").inner_text()
        phones[name].locator(f"{group} button[value=pass]").click()
        now = phones[names[0]].locator(f"{group} .rr-turn, {group} .notice").first
        expect(now).not_to_have_text(before)
    for phone in phones.values():
        expect(phone.locator(f"{group} .notice")).to_be_visible()

    support.next_phase(console, run.pk, "Argument")
    # One member types an argument while another's is sent and redraws the group's view.
    typing, writer = phones[names[0]], phones[names[2]]
    typing.locator(f"#rr-arg-text-{run.pk}").fill("Halvskrevet")
    writer.locator(f"#rr-arg-text-{run.pk}").fill("Et argument for")
    writer.locator(f"#rr-{run.pk}-arguments button").first.click()
    for phone in phones.values():
        expect(phone.locator(f"{group} .rr-for")).to_contain_text("Et argument for")
    expect(typing.locator(f"#rr-arg-text-{run.pk}")).to_have_value("Halvskrevet")
    expect(writer.locator(f"#rr-arg-text-{run.pk}")).to_have_value("")

    support.next_phase(console, run.pk, "Rangering")
    points = list(
        Submission.objects.filter(run=run, key="point").order_by("pk").values_list("pk", flat=True)
    )
    first, second = phones[names[0]], phones[names[1]]
    # The first member chooses two of three places, unsaved, while the second saves theirs.
    first.locator(f"#rr-place-{points[0]}").select_option("2")
    first.locator(f"#rr-place-{points[1]}").select_option("1")
    for point, place in zip(points, ["1", "2", "3"], strict=True):
        second.locator(f"#rr-place-{point}").select_option(place)
    second.locator(f"#rr-{run.pk}-rank button[type=submit]").click()
    for phone in phones.values():
        expect(phone.locator(f"{group} .rr-standings")).to_be_visible()
    expect(first.locator(f"#rr-place-{points[0]}")).to_have_value("2")
    expect(first.locator(f"#rr-place-{points[1]}")).to_have_value("1")
    first.locator(f"#rr-place-{points[2]}").select_option("3")
    first.locator(f"#rr-{run.pk}-rank button[type=submit]").click()
    expect(first.locator(f"#rr-{run.pk}-rank [role=status]")).to_be_visible()
    expect(first.locator(f"{group} .meta").last).to_contain_text("2")
    rankings = Submission.objects.filter(run=run, key="ranking")
    assert sorted(r.data["order"] for r in rankings) == sorted(
        [[points[1], points[0], points[2]], points]
    )
    expect(presenter.locator(".igp-columns")).to_contain_text("Punkt fra")
    watch.assert_clean()
