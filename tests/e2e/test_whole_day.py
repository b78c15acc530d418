"""A whole day, run the way a room runs it.

One facilitator with the console and the projector, seven phones (six people on the list, in
two network groups, and a guest who typed a name) that join while "Velkommen" is on and are
never reloaded. The agenda holds every kind of exercise, a pause and a lunch; the facilitator
moves the day on, steps the phases, reveals and ends the day. In every phase each phone does
what a participant would, some of them typing while another phone sends.

The test fails on any console or page error on any page, any answer of 400 or more, any phone
that does not show the current item within two seconds of an advance, and any half-typed
answer lost to a push. At the end, every submission the phones made is in the database once.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from exercises.models import Exercise, Member, Run, Submission
from tests.e2e import support
from tests.e2e import test_live as live
from workshops import personal
from workshops.models import ActionLearningAnswer, AgendaItem, Participant, Workshop

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = ["Ane Dahl", "Bo Lie", "Cato Ruud", "Dina Berg", "Erik Moe", "Frida Nes"]
GUEST = "Gjest fra Bø"
DIAMOND_ITEMS = ["Tillit", "Respekt", "Mot", "Ærlighet", "Raushet", "Humor", "Ansvar", "Åpenhet"]
DIAMOND_ITEMS += ["Lytte", "Omsorg"]  # ten: each phone leaves one out

AGENDA = [
    ("talk", "Velkommen", 10, None),
    ("exercise", "Innsjekk", 10, ("checkin", {})),
    (
        "exercise",
        "Ordsky",
        10,
        ("word_cloud", {"prompt": "Hva kjennetegner god ledelse?", "max_entries": 3}),
    ),
    ("pause", "Pause", 15, None),
    (
        "exercise",
        "IGP: verdier",
        30,
        ("igp", {"prompt": "Hvilke verdier?", "target": 3, "grouping": "network"}),
    ),
    (
        "exercise",
        "Rekkeframlegg",
        30,
        ("round_robin", {"prompt": "Gode eksempler", "grouping": "size", "group_size": 3}),
    ),
    (
        "exercise",
        "Diamant",
        15,
        ("diamond", {"prompt": "Hva er viktigst?", "items": "\n".join(DIAMOND_ITEMS)}),
    ),
    ("lunch", "Lunsj", 45, None),
    (
        "exercise",
        "Gallerivandring",
        30,
        (
            "gallery_walk",
            {"prompt": "Hva mangler?", "source": "now", "grouping": "size", "group_size": 3},
        ),
    ),
    ("exercise", "Tilbakemeldinger i trioer", 36, ("feedback_triads", {})),
    ("exercise", "Duo", 10, ("duo", {"prompt": "Hva tar du med deg?", "note": True})),
    (
        "exercise",
        "Refleksjon",
        10,
        ("reflection", {"prompt": "Hva gjorde lederen?\nHva tar du med deg?"}),
    ),
    (
        "exercise",
        "Egenvurdering",
        10,
        (
            "survey",
            {
                "template": "blank",
                "loaded": "blank",
                "statements": "Jeg lytter.\nJeg gir ros.",
                "questions": "Hva er din styrke?",
                "min_answers": 3,
            },
        ),
    ),
    (
        "exercise",
        "Visjon",
        30,
        ("proposals", {"prompt": "Visjonen vår?", "min_per_person": 1, "dots": 2}),
    ),
]


def _plan(workshop: Workshop) -> None:
    for position, (kind, title, minutes, exercise) in enumerate(AGENDA):
        item = AgendaItem.objects.create(
            workshop=workshop, position=position, kind=kind, title=title, duration_minutes=minutes
        )
        if exercise:
            Exercise.objects.create(agenda_item=item, kind=exercise[0], settings=exercise[1])


class Day:
    """The room: the console, the projector and the phones, and what the phones sent."""

    def __init__(self, server, watch, console: Page, presenter: Page, phones: dict[str, Page]):
        self.server, self.watch = server, watch
        self.console, self.presenter, self.phones = console, presenter, phones
        self.sent: Counter[tuple[str, str]] = Counter()  # (item title, key) -> submissions

    def next(self, title: str) -> Run | None:
        support.press_next(self.console, title)
        support.showing(self.phones, title)
        return Run.objects.filter(exercise__agenda_item__title=title).first()

    def members(self, run: Run) -> dict[str, Member]:
        return {m.attendee.display_name: m for m in run.members.select_related("attendee")}

    def groups(self, run: Run) -> list[list[str]]:
        by_group: dict[int, list[str]] = {}
        for name, member in self.members(run).items():
            by_group.setdefault(member.group_id, []).append(name)
        return list(by_group.values())


def check_in(day: Day, run: Run) -> None:
    # The guest has no personal page: the phone says so instead of a form.
    expect(day.phones[GUEST].locator(f"#checkin-{run.pk} [role=alert]")).to_be_visible()
    half = day.phones["Ane Dahl"].locator(f"#checkin-{run.pk} textarea[name=learnt]")
    half.fill("Halvveis skrevet")
    for name in PEOPLE:
        form = day.phones[name].locator(f"#checkin-{run.pk} form")
        form.locator("textarea[name=tried]").fill(f"Prøvde noe nytt, {name}")
        if name != "Ane Dahl":
            form.locator("button[type=submit]").click()
            expect(day.phones[name].locator(f"#checkin-{run.pk} [role=status]")).to_be_visible()
    expect(half).to_have_value("Halvveis skrevet")  # the others' check-ins redrew nothing here
    day.phones["Ane Dahl"].locator(f"#checkin-{run.pk} button[type=submit]").click()
    expect(day.phones["Ane Dahl"].locator(f"#checkin-{run.pk} [role=status]")).to_be_visible()
    expect(day.presenter.locator(".cloud-stage__count")).to_contain_text("6")


def word_cloud(day: Day, run: Run) -> None:
    for name, phone in day.phones.items():
        field = phone.locator(f"#word-{run.pk}")
        for word in (f"Tillit {name}", "Mot"):
            field.fill(word)
            field.press("Enter")
            expect(phone.locator(f"#mine-{run.pk} .inline-list")).to_contain_text(word)
            expect(field).to_have_value("")
            day.sent["Ordsky", "word"] += 1
    # A word half typed while the facilitator reveals the cloud stays, and is sent after.
    half = day.phones["Bo Lie"].locator(f"#word-{run.pk}")
    half.fill("Raushet")
    support.act(day.console, run.pk, "reveal")
    expect(day.presenter.locator(".cloud__word").first).to_be_visible()
    expect(half).to_have_value("Raushet")
    half.press("Enter")
    expect(day.phones["Bo Lie"].locator(f"#mine-{run.pk} .inline-list")).to_contain_text("Raushet")
    day.sent["Ordsky", "word"] += 1


def igp(day: Day, run: Run) -> None:
    for name, phone in day.phones.items():
        field = phone.locator(f"#igp-note-{run.pk}")
        field.fill(f"Notat fra {name}")
        field.press("Enter")
        expect(phone.locator(f"#igp-{run.pk}-individual .igp-notes")).to_contain_text(name)
        day.sent["IGP: verdier", "note"] += 1
    support.next_phase(day.console, run.pk, "gruppen")
    members = day.members(run)
    support.reconnect(day.server, day.watch, day.phones["Cato Ruud"], streams=2)
    for secretary in [n for n, m in members.items() if m.role == "secretary"]:
        group = members[secretary].group_id
        mates = [n for n, m in members.items() if m.group_id == group and n != secretary]
        # A mate types a note while the secretary's point redraws the group's view.
        day.phones[mates[0]].locator(f"#igp-note-{run.pk}").fill("Et halvt notat")
        field = day.phones[secretary].locator(f"#igp-output-{run.pk}")
        field.fill(f"Verdi fra {secretary}")
        field.press("Enter")
        day.sent["IGP: verdier", "output"] += 1
        for mate in mates:
            expect(day.phones[mate].locator(".igp-output")).to_contain_text(
                f"Verdi fra {secretary}"
            )
        expect(day.phones[mates[0]].locator(f"#igp-note-{run.pk}")).to_have_value("Et halvt notat")
    support.next_phase(day.console, run.pk, "plenum")
    expect(day.presenter.locator(".igp-column")).to_have_count(len(day.groups(run)))


def round_robin(day: Day, run: Run) -> None:
    group_box = f"#rr-group-{run.pk}"
    for names in day.groups(run):

        def whose_turn(names=names) -> str:
            text = day.phones[names[0]].locator(f"{group_box} .is-turn").inner_text()
            return next(name for name in names if name in text)

        for number in range(len(names)):  # the first round: a point each
            name = whose_turn()
            day.phones[name].locator(f"{group_box} .rr-point").fill(f"Punkt fra {name}")
            day.phones[name].locator(f"{group_box} button[value=point]").click()
            day.sent["Rekkeframlegg", "point"] += 1
            for other in names:
                expect(day.phones[other].locator(f"{group_box} .rr-points li")).to_have_count(
                    number + 1
                )
        for _ in names:  # the second round: everyone passes, and the rounds are over
            name = whose_turn()
            before = day.phones[names[0]].locator(f"{group_box} .rr-turn").inner_text()
            day.phones[name].locator(f"{group_box} button[value=pass]").click()
            now = day.phones[names[0]].locator(f"{group_box} .rr-turn, {group_box} .notice").first
            expect(now).not_to_have_text(before, use_inner_text=True)
    support.next_phase(day.console, run.pk, "Argument")
    for names in day.groups(run):
        typing, writer = day.phones[names[0]], day.phones[names[1]]
        typing.locator(f"#rr-arg-text-{run.pk}").fill("Halvskrevet argument")
        writer.locator(f"#rr-arg-text-{run.pk}").fill(f"For, sier {names[1]}")
        writer.locator(f"#rr-{run.pk}-arguments button").first.click()
        day.sent["Rekkeframlegg", "argument"] += 1
        for name in names:
            expect(day.phones[name].locator(f"{group_box} .rr-for")).to_contain_text(names[1])
        expect(typing.locator(f"#rr-arg-text-{run.pk}")).to_have_value("Halvskrevet argument")
    support.next_phase(day.console, run.pk, "Rangering")
    members = day.members(run)
    for names in day.groups(run):
        group = members[names[0]].group_id
        points = list(
            Submission.objects.filter(run=run, key="point", group_id=group)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # The first member chooses places, unsaved, while the others save theirs.
        first = day.phones[names[0]]
        first.locator(f"#rr-place-{points[0]}").select_option(str(len(points)))
        for name in names[1:]:
            phone = day.phones[name]
            for place, point in enumerate(points, start=1):
                phone.locator(f"#rr-place-{point}").select_option(str(place))
            phone.locator(f"#rr-{run.pk}-rank button[type=submit]").click()
            expect(phone.locator(f"#rr-{run.pk}-rank [role=status]")).to_be_visible()
            day.sent["Rekkeframlegg", "ranking"] += 1
        expect(first.locator(f"#rr-place-{points[0]}")).to_have_value(str(len(points)))
        for place, point in enumerate(points[1:], start=1):
            first.locator(f"#rr-place-{point}").select_option(str(place))
        first.locator(f"#rr-{run.pk}-rank button[type=submit]").click()
        expect(first.locator(f"#rr-{run.pk}-rank [role=status]")).to_be_visible()
        day.sent["Rekkeframlegg", "ranking"] += 1


def diamond(day: Day, run: Run) -> None:
    # Each phone places nine of the ten in the plain lists, leaving out a different one.
    rows = [1, 2, 2, 3, 3, 3, 4, 4, 5]
    for number, phone in enumerate(day.phones.values()):
        left_out = number % len(DIAMOND_ITEMS)
        chosen = [i for i in range(len(DIAMOND_ITEMS)) if i != left_out]
        phone.locator(f"#mine-{run.pk}-place [data-diamond-mode]").click()  # "Bruk lister i stedet"
        for index, row in zip(chosen, rows, strict=True):
            phone.locator(f"#diamond-{run.pk}-{index}").select_option(str(row))
        phone.locator(f"#mine-{run.pk}-place button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk}-place .meta[role=status]")).to_be_visible()
        day.sent["Diamant", "placement"] += 1
    support.act(day.console, run.pk, "reveal")
    expect(day.presenter.locator(".room-diamond__item").first).to_be_visible()
    for phone in day.phones.values():
        expect(phone.locator(".room-diamond__item").first).to_be_visible()


def gallery_walk(day: Day, run: Run) -> None:
    members = day.members(run)
    writers = [n for n, m in members.items() if m.role == "secretary"]
    for writer in writers:
        phone = day.phones[writer]
        phone.locator(f"#gallery-text-{run.pk}").fill(f"Stasjon til {writer}")
        phone.locator(f"#gallery-{run.pk}-write button[type=submit]").click()
        expect(phone.locator(f"#gallery-group-{run.pk}")).to_contain_text(f"Stasjon til {writer}")
        day.sent["Gallerivandring", "station"] += 1
    visits = len(day.groups(run)) - 1
    visitors = [n for n, m in members.items() if m.role != "host"]
    for visit in range(1, visits + 1):
        support.next_phase(day.console, run.pk, f"Besøk {visit}")
        for visitor in visitors:
            phone = day.phones[visitor]
            expect(phone.locator(f"#gallery-group-{run.pk} .gallery-visit")).to_be_visible()
            phone.locator(f"#gallery-comment-{run.pk}").fill(f"Kommentar fra {visitor}")
            phone.locator(f"#gallery-{run.pk}-visit-{visit} button[type=submit]").click()
            expect(phone.locator(f"#gallery-comment-{run.pk}")).to_have_value("")
            day.sent["Gallerivandring", "comment"] += 1
    support.next_phase(day.console, run.pk, "Tilbake")
    for writer in writers:
        phone = day.phones[writer]
        expect(phone.locator(f"#gallery-group-{run.pk}")).to_contain_text("Kommentar fra")
        phone.locator(f"#gallery-text-{run.pk}").fill(f"Endelig fra {writer}")
        phone.locator(f"#gallery-{run.pk}-home button[type=submit]").click()
        expect(phone.locator(f"#gallery-group-{run.pk}")).to_contain_text(f"Endelig fra {writer}")
        day.sent["Gallerivandring", "final"] += 1


def feedback_triads(day: Day, run: Run) -> None:
    rounds = max(len(names) for names in day.groups(run))
    for number in range(1, rounds + 1):
        if number > 1:
            support.next_phase(day.console, run.pk, "forbered")
        for phone in day.phones.values():
            expect(phone.locator(f"#triads-{run.pk}-prepare-{number} .triads-role")).to_be_visible()
        support.next_phase(day.console, run.pk, "tren")
        # The observers (one per trio, two in a group of four) tick the checklist.
        for phone in day.phones.values():
            form = phone.locator(f"#triads-{run.pk}-practise-{number} form")
            if not form.count():
                continue
            form.locator("input[value=direct]").check()
            form.locator(f"#triads-went_well-{run.pk}").fill("Konkret og raus")
            form.locator("button[type=submit]").click()
            expect(
                phone.locator(f"#triads-{run.pk}-practise-{number} [role=status]")
            ).to_be_visible()
            day.sent["Tilbakemeldinger i trioer", f"observation-{number}"] += 1
        support.next_phase(day.console, run.pk, "drøft")


def duo(day: Day, run: Run) -> None:
    for phone in day.phones.values():
        expect(phone.locator(f"#duo-{run.pk}-talk .duo-partner")).to_be_visible()
    support.next_phase(day.console, run.pk, "notat")
    for name, phone in day.phones.items():
        phone.locator(f"#note-{run.pk}").fill(f"Notat fra {name}")
        phone.locator(f"#duo-{run.pk}-note button[type=submit]").click()
        expect(phone.locator(f"#duo-{run.pk}-note [role=status]")).to_be_visible()
        day.sent["Duo", "note"] += 1


def reflection(day: Day, run: Run) -> None:
    typing = day.phones["Frida Nes"].locator(f"#reflection-text-{run.pk}-0")
    typing.fill("Halvveis")
    for name, phone in day.phones.items():
        if name == "Frida Nes":
            continue
        phone.locator(f"#reflection-text-{run.pk}-0").fill(f"Delt svar fra {name}")
        phone.locator(f"#reflection-text-{run.pk}-1").fill(f"Privat svar fra {name}")
        phone.locator(f"#reflection-{run.pk} input[name=shared-0]").check()
        phone.locator(f"#reflection-{run.pk} button[type=submit]").click()
        expect(phone.locator(f"#reflection-{run.pk} [role=status]")).to_be_visible()
        day.sent["Refleksjon", "reflection"] += 1
    expect(typing).to_have_value("Halvveis")
    typing.fill("Hun lyttet")
    day.phones["Frida Nes"].locator(f"#reflection-{run.pk} button[type=submit]").click()
    expect(day.phones["Frida Nes"].locator(f"#reflection-{run.pk} [role=status]")).to_be_visible()
    day.sent["Refleksjon", "reflection"] += 1
    # What Bo shared reaches his group; what he kept to himself reaches no other phone.
    for name, phone in day.phones.items():
        if name != "Bo Lie":
            expect(phone.locator(f"#reflection-{run.pk}")).not_to_contain_text("Privat svar fra Bo")


def survey(day: Day, run: Run) -> None:
    for number, (name, phone) in enumerate(day.phones.items()):
        form = phone.locator(f"#mine-{run.pk} form")
        for radio in form.locator(f".scale__options label:text-is('{number % 5 + 1}')").all():
            radio.click()
        form.locator("textarea").fill(f"Styrken til {name}")
        form.locator("button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk} .survey-done")).to_be_visible()
        day.sent["Egenvurdering", "answers"] += 1
    support.act(day.console, run.pk, "reveal")
    expect(day.presenter.locator(".survey-stage__written")).to_contain_text("Styrken til Bo Lie")


def proposals(day: Day, run: Run) -> None:
    for name, phone in day.phones.items():
        field = phone.locator(f"#proposal-{run.pk}")
        field.fill(f"Visjon fra {name}")
        field.press("Enter")
        expect(field).to_have_value("")
        day.sent["Visjon", "proposal"] += 1
    support.next_phase(day.console, run.pk, "Slå sammen")
    support.next_phase(day.console, run.pk, "Prioriter")
    favourite = Submission.objects.filter(run=run, key="proposal").order_by("pk").first()
    # One phone chooses its dots while the others send theirs.
    waiting = day.phones["Ane Dahl"]
    waiting.locator(f"#dots-{run.pk}-{favourite.pk}").fill("2")
    for name, phone in day.phones.items():
        if name == "Ane Dahl":
            continue
        phone.locator(f"#dots-{run.pk}-{favourite.pk}").fill("2")
        phone.locator(f"#mine-{run.pk}-prioritise form button[type=submit]").click()
        expect(phone.locator(f"#mine-{run.pk}-prioritise [role=status]")).to_be_visible()
        day.sent["Visjon", "vote"] += 1
    expect(waiting.locator(f"#dots-{run.pk}-{favourite.pk}")).to_have_value("2")
    waiting.locator(f"#mine-{run.pk}-prioritise form button[type=submit]").click()
    expect(waiting.locator(f"#mine-{run.pk}-prioritise [role=status]")).to_be_visible()
    day.sent["Visjon", "vote"] += 1
    support.next_phase(day.console, run.pk, "Vis")
    expect(day.presenter.locator(".results .result").first).to_contain_text(favourite.text)


def a_break(day: Day, title: str) -> None:
    day.next(title)
    expect(day.presenter.locator(".countdown")).to_be_visible()


def test_a_whole_day_with_phones_that_stay_open(
    asgi_server, facilitator, new_phone, watch, alice, workshop, programme
):
    groups = [programme.groups.create(name=f"Nettverk {n}") for n in (1, 2)]
    people = {
        name: Participant.objects.create(
            programme=programme, name=name, network_group=groups[number % 2]
        )
        for number, name in enumerate(PEOPLE)
    }
    codes = {name: personal.personal_code(person) for name, person in people.items()}
    _plan(workshop)

    watch.context(facilitator, "facilitator")
    console = live._open_console(facilitator, asgi_server, workshop)
    console.locator(".console__start button").click()
    expect(console.locator("#now-heading")).to_have_text("Velkommen")
    workshop.refresh_from_db()
    presenter = support.open_presenter(facilitator, asgi_server, workshop)
    phones = {}
    for name in [*PEOPLE, GUEST]:
        context = watch.context(new_phone(), name)
        if name == GUEST:
            phones[name] = support.join(context, asgi_server, workshop.join_code, name=name)
            continue
        phones[name] = support.join(context, asgi_server, workshop.join_code, pick=name)
        # The check-in goes on the person's own page: the phone shows with the personal code
        # (which the person has from their page or an earlier day) that it is them.
        live._prove(phones[name], asgi_server, workshop.join_code, codes[name])
    support.showing(phones, "Velkommen")
    day = Day(asgi_server, watch, console, presenter, phones)

    check_in(day, day.next("Innsjekk"))
    word_cloud(day, day.next("Ordsky"))
    a_break(day, "Pause")
    igp(day, day.next("IGP: verdier"))
    round_robin(day, day.next("Rekkeframlegg"))
    diamond(day, day.next("Diamant"))
    a_break(day, "Lunsj")
    gallery_walk(day, day.next("Gallerivandring"))
    feedback_triads(day, day.next("Tilbakemeldinger i trioer"))
    duo(day, day.next("Duo"))
    reflection(day, day.next("Refleksjon"))
    survey(day, day.next("Egenvurdering"))
    proposals(day, day.next("Visjon"))

    live._settled(console)
    console.once("dialog", lambda dialog: dialog.accept())
    console.locator(
        f"form[action='{reverse('live:console_action', args=[workshop.pk, 'end'])}'] button"
    ).click()
    for phone in phones.values():
        expect(phone.locator(".phone-now h1")).to_have_text(
            live._message("The day is over. Thank you!"), timeout=support.SHOWN_WITHIN
        )

    # Everything the phones sent is saved, once.
    saved = Counter(
        (title, key)
        for title, key in Submission.objects.values_list("run__exercise__agenda_item__title", "key")
    )
    for (title, key), count in day.sent.items():
        assert saved[title, key] == count, f"{title}/{key}: {saved[title, key]} saved of {count}"
    # Nothing else was saved but the round robin's passes (a turn given up is recorded too).
    assert set(saved) - set(day.sent) == {("Rekkeframlegg", "pass")}
    assert Submission.objects.values("token").distinct().count() == Submission.objects.count()
    check_ins = ActionLearningAnswer.objects.filter(workshop=workshop, question="tried")
    assert sorted(check_ins.values_list("participant__name", flat=True)) == sorted(PEOPLE)
    assert (
        ActionLearningAnswer.objects.get(workshop=workshop, question="learnt").text
        == "Halvveis skrevet"
    )
    watch.assert_clean()
