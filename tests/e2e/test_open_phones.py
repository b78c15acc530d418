"""Every kind on phones that were open before its item started and stay open through all its
phases: they join on "Velkommen", the facilitator moves on from the console, and the phones,
never reloaded, do what the kind asks in each phase (one of them after its streams were cut).
Any console error, page error or failed answer on any page fails the test."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exercises.models import Run, Submission
from live import day as live_day
from tests.e2e import support
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops import personal

pytestmark = pytest.mark.django_db(transaction=True)


def _start(workshop, alice, kind, title, settings, *, minutes=15):
    exercise_agenda(workshop, kind, title, settings, minutes=minutes, welcome=True)
    live_day.start(workshop, by=alice)


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
        text = phones[names[0]].locator(f"{group} .is-turn").inner_text()
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
        before = phones[names[0]].locator(f"{group} .rr-turn").inner_text()
        phones[name].locator(f"{group} button[value=pass]").click()
        now = phones[names[0]].locator(f"{group} .rr-turn, {group} .notice").first
        expect(now).not_to_have_text(before, use_inner_text=True)
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


def _members(run) -> dict:
    """Who is in which group with which role, read once the phones show the run (SQLite in
    memory refuses a read while the server writes)."""
    return {m.attendee.display_name: m for m in run.members.select_related("attendee", "group")}


def test_check_in(asgi_server, facilitator, new_phone, watch, alice, workshop, programme):
    names = ["Ane Dahl", "Bo Lie"]
    _network(programme, names)
    _start(workshop, alice, "checkin", "Innsjekk", {})
    codes = {name: personal.personal_code(programme.participants.get(name=name)) for name in names}
    console, presenter, phones = _day(
        asgi_server, facilitator, new_phone, watch, workshop, names, pick=True
    )
    # A check-in goes on the person's own page: each phone shows with the code that it is them.
    for name, phone in phones.items():
        live._prove(phone, asgi_server, workshop.join_code, codes[name])
    support.press_next(console, "Innsjekk")
    support.showing(phones, "Innsjekk")
    run = Run.objects.get()
    for name, phone in phones.items():
        form = phone.locator(f"#checkin-{run.pk} form")
        form.locator("textarea[name=tried]").fill(f"Prøvde noe, {name}")
    support.reconnect(asgi_server, watch, phones["Bo Lie"])
    for phone in phones.values():
        phone.locator(f"#checkin-{run.pk} button[type=submit]").click()
        expect(phone.locator(f"#checkin-{run.pk} [role=status]")).to_be_visible()
    expect(presenter.locator(".cloud-stage__count")).to_contain_text("2")
    from workshops.models import ActionLearningAnswer

    assert ActionLearningAnswer.objects.filter(question="tried").count() == 2
    watch.assert_clean()


def test_igp(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(
        workshop,
        alice,
        "igp",
        "IGP",
        {"prompt": "Hvilke verdier?", "target": 3, "grouping": "size", "group_size": 2},
        minutes=30,
    )
    names = ["Ane", "Bo", "Cato", "Dina"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "IGP")
    support.showing(phones, "IGP")
    run = Run.objects.get()
    for name, phone in phones.items():
        field = phone.locator(f"#igp-note-{run.pk}")
        field.fill(f"Notat fra {name}")
        field.press("Enter")
        expect(phone.locator(f"#igp-{run.pk}-individual .igp-notes")).to_contain_text(name)
    support.next_phase(console, run.pk, "gruppen")
    members = _members(run)
    for name, phone in phones.items():
        mates = [n for n, m in members.items() if m.group_id == members[name].group_id]
        for mate in mates:
            expect(phone.locator(f"#igp-group-{run.pk}")).to_contain_text(f"Notat fra {mate}")
    secretaries = [n for n, m in members.items() if m.role == "secretary"]
    support.reconnect(asgi_server, watch, phones[secretaries[0]], streams=2)
    for secretary in secretaries:
        group = members[secretary].group_id
        mate = next(n for n, m in members.items() if m.group_id == group and n != secretary)
        # The mate types a note while the secretary's point redraws the group's view.
        phones[mate].locator(f"#igp-note-{run.pk}").fill("Et halvt notat")
        field = phones[secretary].locator(f"#igp-output-{run.pk}")
        field.fill(f"Verdi fra {secretary}")
        field.press("Enter")
        expect(phones[mate].locator(".igp-output")).to_contain_text(f"Verdi fra {secretary}")
        expect(phones[mate].locator(f"#igp-note-{run.pk}")).to_have_value("Et halvt notat")
    support.next_phase(console, run.pk, "plenum")
    expect(presenter.locator(".igp-column")).to_have_count(2)
    for phone in phones.values():
        expect(phone.locator(f"#igp-note-{run.pk}")).to_have_count(0)
    assert Submission.objects.filter(run=run, key="output").count() == 2
    watch.assert_clean()


def test_proposals(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(
        workshop,
        alice,
        "proposals",
        "Visjon",
        {"prompt": "Visjonen?", "min_per_person": 1, "max_per_person": 2, "dots": 2},
        minutes=30,
    )
    names = ["Ane", "Bo", "Cato"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "Visjon")
    support.showing(phones, "Visjon")
    run = Run.objects.get()
    for name, phone in phones.items():
        field = phone.locator(f"#proposal-{run.pk}")
        field.fill(f"Visjon fra {name}")
        field.press("Enter")
        expect(field).to_have_value("")
    support.reconnect(asgi_server, watch, phones["Cato"])
    phones["Cato"].locator(f"#proposal-{run.pk}").fill("Enda en visjon")
    phones["Cato"].locator(f"#proposal-{run.pk}").press("Enter")
    expect(phones["Cato"].locator(f"#proposal-{run.pk}")).to_be_disabled()
    support.next_phase(console, run.pk, "Slå sammen")
    for phone in phones.values():
        expect(phone.locator(".proposal-list li")).to_have_count(4)
    support.next_phase(console, run.pk, "Prioriter")
    favourite = Submission.objects.filter(run=run, key="proposal").order_by("pk").first()
    # Ane chooses her dots while the others send theirs.
    phones["Ane"].locator(f"#dots-{run.pk}-{favourite.pk}").fill("2")
    for name in ("Bo", "Cato"):
        phone = phones[name]
        phone.locator(f"#dots-{run.pk}-{favourite.pk}").fill("2")
        phone.locator(f"#mine-{run.pk}-prioritise form button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk}-prioritise [role=status]")).to_be_visible()
    expect(phones["Ane"].locator(f"#dots-{run.pk}-{favourite.pk}")).to_have_value("2")
    phones["Ane"].locator(f"#mine-{run.pk}-prioritise form button[type=submit]").click()
    expect(phones["Ane"].locator(f"#mine-{run.pk}-prioritise [role=status]")).to_be_visible()
    support.next_phase(console, run.pk, "Vis")
    expect(presenter.locator(".results .result").first).to_contain_text(favourite.text)
    for phone in phones.values():
        expect(phone.locator(".results .result").first).to_contain_text(favourite.text)
    assert Submission.objects.filter(run=run, key="vote").count() == 3
    watch.assert_clean()


def test_gallery_walk(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(
        workshop,
        alice,
        "gallery_walk",
        "Gallerivandring",
        {
            "prompt": "Hva mangler?",
            "source": "now",
            "grouping": "size",
            "group_size": 2,
            "host_rule": "fair",
        },
        minutes=30,
    )
    names = ["Ane", "Bo", "Cato", "Dina"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "Gallerivandring")
    support.showing(phones, "Gallerivandring")
    run = Run.objects.get()
    for phone in phones.values():
        expect(phone.locator(f"#gallery-{run.pk}-write .igp-role")).to_be_visible()
    members = _members(run)
    writers = [n for n, m in members.items() if m.role == "secretary"]
    for writer in writers:
        phone = phones[writer]
        phone.locator(f"#gallery-text-{run.pk}").fill(f"Stasjon til {writer}")
        phone.locator(f"#gallery-{run.pk}-write button[type=submit]").click()
        expect(phone.locator(f"#gallery-group-{run.pk}")).to_contain_text(f"Stasjon til {writer}")
    support.next_phase(console, run.pk, "Besøk 1")
    visitors = [n for n, m in members.items() if m.role != "host"]
    support.reconnect(asgi_server, watch, phones[visitors[0]], streams=2)
    for visitor in visitors:
        phone = phones[visitor]
        expect(phone.locator(f"#gallery-group-{run.pk} .gallery-visit")).to_be_visible()
        phone.locator(f"#gallery-comment-{run.pk}").fill(f"Kommentar fra {visitor}")
        phone.locator(f"#gallery-{run.pk}-visit-1 button[type=submit]").click()
        expect(phone.locator(f"#gallery-comment-{run.pk}")).to_have_value("")
    support.next_phase(console, run.pk, "Tilbake")
    for writer in writers:
        phone = phones[writer]
        expect(phone.locator(f"#gallery-group-{run.pk}")).to_contain_text("Kommentar fra")
        phone.locator(f"#gallery-text-{run.pk}").fill(f"Endelig fra {writer}")
        phone.locator(f"#gallery-{run.pk}-home button[type=submit]").click()
        expect(phone.locator(f"#gallery-group-{run.pk}")).to_contain_text(f"Endelig fra {writer}")
    assert Submission.objects.filter(run=run, key="comment").count() == len(visitors)
    watch.assert_clean()


def test_feedback_triads(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(workshop, alice, "feedback_triads", "Trioer", {}, minutes=36)
    names = ["Ane", "Bo", "Cato"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "Trioer")
    support.showing(phones, "Trioer")
    run = Run.objects.get()
    for phone in phones.values():
        expect(phone.locator(f"#triads-{run.pk}-prepare-1 .triads-role")).to_be_visible()
        expect(phone.locator(f"#triads-group-{run.pk} .triads-members")).to_be_visible()
    support.next_phase(console, run.pk, "tren")
    for phone in phones.values():
        expect(phone.locator(f"#triads-{run.pk}-practise-1 .triads-role")).to_be_visible()
    observer = next(
        name
        for name, phone in phones.items()
        if phone.locator(f"#triads-{run.pk}-practise-1 form").count()
    )
    support.reconnect(asgi_server, watch, phones[observer], streams=2)
    form = phones[observer].locator(f"#triads-{run.pk}-practise-1 form")
    form.locator("input[value=direct]").check()
    form.locator(f"#triads-went_well-{run.pk}").fill("Konkret")
    form.locator("button[type=submit]").click()
    expect(phones[observer].locator(f"#triads-{run.pk}-practise-1 [role=status]")).to_be_visible()
    support.next_phase(console, run.pk, "drøft")
    for phone in phones.values():
        expect(phone.locator(f"#triads-group-{run.pk} .triads-observation")).to_contain_text(
            "Konkret"
        )
    watch.assert_clean()


def test_duo(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(workshop, alice, "duo", "Duo", {"prompt": "Hva nå?", "minutes": 6, "note": True})
    names = ["Ane", "Bo", "Cato", "Dina"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "Duo")
    support.showing(phones, "Duo")
    run = Run.objects.get()
    for phone in phones.values():
        expect(phone.locator(f"#duo-{run.pk}-talk .duo-partner")).to_be_visible()
    support.reconnect(asgi_server, watch, phones["Ane"])
    support.next_phase(console, run.pk, "notat")
    for name, phone in phones.items():
        phone.locator(f"#note-{run.pk}").fill(f"Notat fra {name}")
        phone.locator(f"#duo-{run.pk}-note button[type=submit]").click()
        expect(phone.locator(f"#duo-{run.pk}-note [role=status]")).to_be_visible()
    assert Submission.objects.filter(run=run, key="note").count() == 4
    watch.assert_clean()


def test_reflection(asgi_server, facilitator, new_phone, watch, alice, workshop, programme):
    names = ["Ane Dahl", "Bo Lie", "Cato Ruud"]
    _network(programme, names)
    _start(
        workshop,
        alice,
        "reflection",
        "Refleksjon",
        {"prompt": "Tenk på en leder. Hva gjorde hun?\nHva tar du med deg?"},
    )
    console, presenter, phones = _day(
        asgi_server, facilitator, new_phone, watch, workshop, names, pick=True
    )
    support.press_next(console, "Refleksjon")
    support.showing(phones, "Refleksjon")
    run = Run.objects.get()
    typing = phones["Cato Ruud"]
    typing.locator(f"#reflection-text-{run.pk}-0").fill("Halvveis")
    support.reconnect(asgi_server, watch, phones["Bo Lie"], streams=2)
    for name in ("Ane Dahl", "Bo Lie"):
        phone = phones[name]
        phone.locator(f"#reflection-text-{run.pk}-0").fill(f"Delt svar fra {name}")
        phone.locator(f"#reflection-text-{run.pk}-1").fill(f"Privat svar fra {name}")
        phone.locator(f"#reflection-{run.pk} input[name=shared-0]").check()
        phone.locator(f"#reflection-{run.pk} button[type=submit]").click()
        expect(phone.locator(f"#reflection-{run.pk} [role=status]")).to_be_visible()
    for phone in phones.values():
        group = phone.locator(f"#reflection-group-{run.pk}")
        expect(group).to_contain_text("Delt svar fra Bo Lie")
        expect(group).to_contain_text("Hva gjorde hun?")
        expect(group).not_to_contain_text("Privat svar")
    expect(typing.locator(f"#reflection-text-{run.pk}-0")).to_have_value("Halvveis")
    expect(presenter.locator(".reflection-questions li")).to_have_count(2)
    expect(presenter.locator(".cloud-stage__count")).to_contain_text("2")
    watch.assert_clean()


def test_survey(asgi_server, facilitator, new_phone, watch, alice, workshop):
    _start(
        workshop,
        alice,
        "survey",
        "Egenvurdering",
        {
            "template": "blank",
            "loaded": "blank",
            "statements": "Jeg lytter.\nJeg gir ros.",
            "questions": "Hva er din styrke?",
            "min_answers": 3,
        },
    )
    names = ["Ane", "Bo", "Cato"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "Egenvurdering")
    support.showing(phones, "Egenvurdering")
    run = Run.objects.get()
    support.reconnect(asgi_server, watch, phones["Bo"])
    for number, (name, phone) in enumerate(phones.items(), start=2):
        form = phone.locator(f"#mine-{run.pk} form")
        for radio in form.locator(f".scale__options label:text-is('{number}')").all():
            radio.click()
        form.locator("textarea").fill(f"Styrken til {name}")
        if name == "Cato":
            break  # Cato has filled it in, and sends after the others
        form.locator("button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk} .survey-done")).to_be_visible()
    support.act(console, run.pk, "reveal")
    expect(presenter.locator(".survey-stage")).to_be_visible()
    cato = phones["Cato"].locator(f"#mine-{run.pk} form")
    expect(cato.locator("textarea")).to_have_value("Styrken til Cato")
    cato.locator("button[type=submit]").click()
    expect(phones["Cato"].locator(f"#mine-{run.pk} .survey-done")).to_be_visible()
    expect(presenter.locator(".survey-stage__written")).to_contain_text("Styrken til Cato")
    assert Submission.objects.filter(run=run, key="answers").count() == 3
    watch.assert_clean()


DIAMOND_ITEMS = [
    "Tillit",
    "Respekt",
    "Mot",
    "Ærlighet",
    "Raushet",
    "Humor",
    "Ansvar",
    "Åpenhet",
    "Lytte",
    "Humør",
    "Omsorg",
    "Tålmodighet",
]
# Where each phone puts nine of the twelve (the other three are left out).
DIAMOND_ROWS = {
    "Ane": {
        "Tillit": 1,
        "Respekt": 2,
        "Mot": 2,
        "Ærlighet": 3,
        "Raushet": 3,
        "Humor": 3,
        "Ansvar": 4,
        "Åpenhet": 4,
        "Lytte": 5,
    },
    "Bo": {
        "Tillit": 1,
        "Omsorg": 2,
        "Mot": 2,
        "Ærlighet": 3,
        "Raushet": 3,
        "Humør": 3,
        "Ansvar": 4,
        "Tålmodighet": 4,
        "Lytte": 5,
    },
}


def test_diamond_nine_of_twelve_by_touch_and_by_keyboard(
    asgi_server, facilitator, new_phone, watch, alice, workshop
):
    _start(
        workshop,
        alice,
        "diamond",
        "Diamant",
        {"prompt": "Viktigst?", "items": "\n".join(DIAMOND_ITEMS)},
    )
    names = ["Ane", "Bo"]
    console, presenter, phones = _day(asgi_server, facilitator, new_phone, watch, workshop, names)
    support.press_next(console, "Diamant")
    support.showing(phones, "Diamant")
    run = Run.objects.get()
    support.reconnect(asgi_server, watch, phones["Bo"])
    for name, phone in phones.items():
        board = phone.locator("[data-diamond-board]")
        expect(board).to_be_visible()
        expect(board.locator(".diamond__tray .diamond__chip")).to_have_count(12)
        for item, row in DIAMOND_ROWS[name].items():
            chip = board.locator(".diamond__chip", has_text=item).first
            target = board.locator(f"[data-target-row='{row}']")
            if name == "Ane":  # by touch: tap the item, then its row
                chip.tap()
                target.tap()
            else:  # by keyboard: Enter on the item, then Enter on its row
                chip.focus()
                phone.keyboard.press("Enter")
                target.focus()
                phone.keyboard.press("Enter")
            expect(
                board.locator(f"[data-row='{row}'] .diamond__chip", has_text=item)
            ).to_be_visible()
        expect(board.locator(".diamond__tray .diamond__chip")).to_have_count(3)
        phone.locator(f"#mine-{run.pk}-place button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk}-place .meta[role=status]")).to_be_visible()
    support.act(console, run.pk, "reveal")
    expect(presenter.locator(".room-diamond__item").first).to_contain_text("Tillit")
    expect(presenter.locator(".diamond-stage__left-out")).to_contain_text("Humor")
    for name, phone in phones.items():
        expect(phone.locator(".room-diamond__item").first).to_contain_text("Tillit")
        left_out = [item for item in DIAMOND_ITEMS if item not in DIAMOND_ROWS[name]]
        expect(phone.locator(f"#mine-{run.pk}-revealed .diamond-left-out")).to_contain_text(
            ", ".join(left_out)
        )
    placed = Submission.objects.filter(run=run, key="placement")
    assert sorted(len([i for row in p.data["rows"] for i in row]) for p in placed) == [9, 9]
    watch.assert_clean()
