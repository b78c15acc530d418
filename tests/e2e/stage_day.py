"""A day with every kind of exercise, moved on through the services and stopped in every
phase: what the presenter and phone tests look at (tests/e2e/test_stage.py), and what the
screenshots in docs/screens/ are taken of.

Twenty people in four network groups join through the services; one more person, on a real
phone, joins in the browser. The twenty send what a room sends (words of several sizes, long
notes, a survey of many statements) so every screen is shown as full as a real day makes it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from exercises.kinds import proposals as proposals_kind
from exercises.kinds import survey as survey_kind
from exercises.models import Exercise, Member, Run
from exercises.runs import change
from live import day as live_day
from live.run_views import PHASE_STEPS
from workshops import identity
from workshops.models import AgendaItem, Attendee, Participant, Workshop

PEOPLE = [
    "Ane Dahl",
    "Bo Lie",
    "Cato Ruud",
    "Dina Berg",
    "Erik Moe",
    "Frida Nes",
    "Geir Haug",
    "Hanne Lund",
    "Ivar Bakke",
    "Jorunn Aas",
    "Knut Vik",
    "Liv Strand",
    "Magnus Holm",
    "Nora Sæther",
    "Ola Brekke",
    "Per Solberg",
    "Randi Myhre",
    "Siri Foss",
    "Tor Eide",
    "Unni Lie",
]
PHONE_PERSON = "Vilde Aune"  # on the browser phone
DIAMOND_ITEMS = ["Tillit", "Respekt", "Mot", "Ærlighet", "Raushet", "Humor", "Ansvar"]
DIAMOND_ITEMS += ["Åpenhet", "Lytte", "Omsorg"]
WORDS = [
    ("Tillit", 14),
    ("Raushet", 9),
    ("Mot", 8),
    ("Tydelighet", 7),
    ("Lytte", 6),
    ("Ærlighet", 5),
    ("Respekt", 5),
    ("Nærvær", 4),
    ("Humor", 3),
    ("Medvirkning", 3),
    ("Åpenhet", 2),
    ("Ansvar", 2),
    ("Være tilgjengelig", 2),
    ("Samarbeid på tvers", 1),
    ("Læring", 1),
    ("Omsorg", 1),
    ("Rettferdighet", 1),
    ("Struktur", 1),
    ("Gi tilbakemelding", 1),
    ("Tåle uenighet", 1),
]
LONG_NOTE = (
    "Vi må bli bedre til å si fra tidlig når noe skurrer, også når det gjelder våre egne "
    "beslutninger og ikke bare de andres"
)

AGENDA = [
    ("talk", "Velkommen", 10, None),
    ("exercise", "Innsjekk", 10, ("checkin", {})),
    (
        "exercise",
        "Ordsky",
        10,
        (
            "word_cloud",
            {"prompt": "Hva kjennetegner god ledelse hos oss?", "max_entries": 3},
        ),
    ),
    ("pause", "Pause", 15, None),
    (
        "exercise",
        "IGP: verdier",
        30,
        ("igp", {"prompt": "Hvilke verdier skal prege oss som ledere?", "target": 5}),
    ),
    (
        "exercise",
        "Rekkeframlegg",
        30,
        ("round_robin", {"prompt": "Gode eksempler på raus ledelse", "grouping": "network"}),
    ),
    (
        "exercise",
        "Diamant",
        15,
        ("diamond", {"prompt": "Hva er viktigst for oss?", "items": "\n".join(DIAMOND_ITEMS)}),
    ),
    ("lunch", "Lunsj", 45, None),
    (
        "exercise",
        "Gallerivandring",
        30,
        ("gallery_walk", {"prompt": "Hva mangler i plakaten?", "source": "now"}),
    ),
    ("exercise", "Tilbakemeldinger i trioer", 36, ("feedback_triads", {})),
    ("exercise", "Duo", 10, ("duo", {"prompt": "Hva tar du med deg herfra?", "note": True})),
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
                "template": "relational",
                "loaded": "relational",
                "statements": survey_kind.TEMPLATES["relational"]["statements"],
                "questions": survey_kind.TEMPLATES["relational"]["questions"],
            },
        ),
    ),
    (
        "exercise",
        "Visjon",
        30,
        ("proposals", {"prompt": "Hva er visjonen vår?", "min_per_person": 1, "dots": 3}),
    ),
]


@dataclass(frozen=True)
class Stop:
    """A moment of the day to look at: `slug` names it (and its screenshots)."""

    slug: str
    kind: str  # the exercise kind, or the agenda item's kind
    run: Run | None


def plan(workshop: Workshop) -> list[Participant]:
    """The programme's people in four network groups, and the agenda with every kind."""
    programme = workshop.programme
    groups = [programme.groups.create(name=f"Nettverk {n}") for n in range(1, 5)]
    people = [
        Participant.objects.create(
            programme=programme, name=name, network_group=groups[number % len(groups)]
        )
        for number, name in enumerate([*PEOPLE, PHONE_PERSON])
    ]
    for position, (kind, title, minutes, exercise) in enumerate(AGENDA):
        item = AgendaItem.objects.create(
            workshop=workshop, position=position, kind=kind, title=title, duration_minutes=minutes
        )
        if exercise:
            Exercise.objects.create(agenda_item=item, kind=exercise[0], settings=exercise[1])
    return people


def join_room(workshop: Workshop, people: list[Participant]) -> list[Attendee]:
    """The twenty join (each proven, so the check-in reaches their own page)."""
    attendees = []
    for person in people:
        if person.name == PHONE_PERSON:
            continue
        hashed = identity.device_hash(identity.new_device_token())
        attendees.append(identity.join_with_code(workshop, hashed, person))
    return attendees


class Room:
    """The twenty, sending through the kinds' own submit (as the phones' POSTs do)."""

    def __init__(self, workshop: Workshop, attendees: list[Attendee], by) -> None:
        self.workshop, self.attendees, self.by = workshop, attendees, by
        self.random = random.Random(23)
        # The phone's person answers the whole-room questions too (through the services, so
        # the phone keeps showing its form): then the room has all answered.
        self.phone = Attendee.objects.filter(workshop=workshop, display_name=PHONE_PERSON).first()

    @property
    def everyone(self) -> list[Attendee]:
        return [*self.attendees, *([self.phone] if self.phone else [])]

    def send(self, run: Run, attendee: Attendee, data: dict) -> bool:
        form = run.module.submit(run, attendee, data, uuid.uuid4())
        return not form.errors

    def act(self, run: Run, action: str, **data) -> Run:
        """As the console's exercise controls do (live/run_views.act)."""
        if action in PHASE_STEPS:
            return live_day.step_phase(run, PHASE_STEPS[action], by=self.by, expected_version=None)
        return change(run, action, by=self.by, expected_version=None, data=data)

    def members(self, run: Run, *, everyone: bool = False) -> dict[int, list[Member]]:
        """The run's groups of the twenty (and, with `everyone`, the phone's person too)."""
        members = Member.objects.filter(run=run).select_related("attendee").order_by("pk")
        if not everyone:
            members = members.filter(attendee__in=self.attendees)
        groups: dict[int, list[Member]] = {}
        for member in members:
            groups.setdefault(member.group_id, []).append(member)
        return groups

    def by_role(self, run: Run, role: str) -> list[Member]:
        return [m for ms in self.members(run).values() for m in ms if m.role == role]


def next_item(workshop: Workshop, by) -> Run | None:
    live_day.advance(workshop, +1, by=by, expected_version=None)
    workshop.refresh_from_db()
    item = workshop.current_item
    return Run.objects.filter(workshop=workshop, exercise__agenda_item=item).first()


def stops(workshop: Workshop, room: Room) -> Iterator[Stop]:
    """Moves the day on from its first item and yields each moment worth looking at."""
    yield Stop("welcome", "talk", None)
    kinds = {
        "checkin": checkin,
        "word_cloud": word_cloud,
        "igp": igp,
        "round_robin": round_robin,
        "diamond": diamond,
        "gallery_walk": gallery,
        "feedback_triads": triads,
        "duo": duo,
        "reflection": reflection,
        "survey": survey,
        "proposals": proposals,
    }
    for _kind, title, _minutes, exercise in AGENDA[1:]:
        run = next_item(workshop, room.by)
        if exercise is None:
            yield Stop(title.lower(), workshop.current_item.kind, None)
            continue
        yield from kinds[exercise[0]](room, run)
    live_day.end(workshop, by=room.by, expected_version=None)
    yield Stop("ended", "ended", None)


def _all(room: Room, run: Run, data_of) -> None:
    for number, attendee in enumerate(room.everyone):
        data = data_of(number, attendee)
        if data is not None:
            room.send(run, attendee, data)


def checkin(room: Room, run: Run) -> Iterator[Stop]:
    yield Stop("checkin-empty", "checkin", run)
    _all(room, run, lambda n, a: {"tried": f"Prøvde å lytte mer, {a.display_name}"})
    yield Stop("checkin", "checkin", run)


def word_cloud(room: Room, run: Run) -> Iterator[Stop]:
    bag = [word for word, count in WORDS for _ in range(count)]
    room.random.shuffle(bag)
    everyone = room.everyone
    for number, word in enumerate(bag[: 3 * len(everyone)]):
        room.send(run, everyone[number % len(everyone)], {"text": word})
    yield Stop("word_cloud-collect", "word_cloud", run)
    run = room.act(run, "reveal")
    yield Stop("word_cloud-revealed", "word_cloud", run)


def igp(room: Room, run: Run) -> Iterator[Stop]:
    _all(room, run, lambda n, a: {"text": f"Notat {n}: {LONG_NOTE[: 40 + n * 4]}"})
    yield Stop("igp-individual", "igp", run)
    run = room.act(run, "next_phase")
    for number, secretary in enumerate(room.by_role(run, "secretary")):
        for point in ["Tillit", "Raushet", "Tydelige forventninger", LONG_NOTE, "Mot"][
            : 3 + number % 3
        ]:
            room.send(run, secretary.attendee, {"step": "output", "text": point})
    yield Stop("igp-group", "igp", run)
    run = room.act(run, "next_phase")
    yield Stop("igp-plenary", "igp", run)


def round_robin(room: Room, run: Run) -> Iterator[Stop]:
    for members in room.members(run, everyone=True).values():
        # Whoever's turn it is sends a point (the others are refused), once round; the
        # phone's person passes, as a phone in a pocket would.
        for _turn in range(len(members)):
            for member in members:
                text = f"{member.attendee.display_name.split()[0]}: ga ros foran hele teamet"
                step = "pass" if member.attendee.display_name == PHONE_PERSON else "point"
                if room.send(run, member.attendee, {"step": step, "text": text}):
                    break
    yield Stop("round_robin-rounds", "round_robin", run)
    run = room.act(run, "next_phase")
    for members in room.members(run).values():
        point = run.submissions.filter(group_id=members[0].group_id, key="point").first()
        for member in members[:2]:
            room.send(
                run,
                member.attendee,
                {"step": "argument", "point": point.pk, "text": "Det gir tillit i gruppa"},
            )
    yield Stop("round_robin-arguments", "round_robin", run)
    run = room.act(run, "next_phase")
    for members in room.members(run).values():
        points = list(run.submissions.filter(group_id=members[0].group_id, key="point"))
        for member in members:
            places = {f"place-{p.pk}": str(n) for n, p in enumerate(points, start=1)}
            room.send(run, member.attendee, {"step": "ranking", **places})
    yield Stop("round_robin-rank", "round_robin", run)


def diamond(room: Room, run: Run) -> Iterator[Stop]:
    rows = [1, 2, 2, 3, 3, 3, 4, 4, 5]

    def placement(number: int, attendee: Attendee) -> dict:
        order = list(range(len(DIAMOND_ITEMS)))
        random.Random(number).shuffle(order)
        return {f"item-{index}": str(row) for index, row in zip(order, rows, strict=False)}

    _all(room, run, placement)
    yield Stop("diamond-placing", "diamond", run)
    run = room.act(run, "reveal")
    yield Stop("diamond-revealed", "diamond", run)


def gallery(room: Room, run: Run) -> Iterator[Stop]:
    for secretary in room.by_role(run, "secretary"):
        text = f"Gruppa til {secretary.attendee.display_name}: {LONG_NOTE}"
        room.send(run, secretary.attendee, {"step": "station", "text": text})
    yield Stop("gallery-write", "gallery_walk", run)
    visits = len(run.phases()) - 2
    for visit in range(1, visits + 1):
        run = room.act(run, "next_phase")
        _all(room, run, lambda n, a, v=visit: {"visit": str(v), "text": "Mangler konkrete mål"})
        yield Stop(f"gallery-visit-{visit}", "gallery_walk", run)
    run = room.act(run, "next_phase")
    for secretary in room.by_role(run, "secretary"):
        room.send(run, secretary.attendee, {"step": "final", "text": f"Endelig: {LONG_NOTE}"})
    yield Stop("gallery-home", "gallery_walk", run)


def triads(room: Room, run: Run) -> Iterator[Stop]:
    for number, phase in enumerate(run.phases()):
        if number:
            run = room.act(run, "next_phase")
        if phase.key.startswith("practise"):
            round_number = phase.key.split("-")[1]
            _all(
                room,
                run,
                lambda n, a, r=round_number: {
                    "round": r,
                    "checks": ["direct", "precise"],
                    "went_well": "Konkret og raus",
                },
            )
        yield Stop(f"triads-{phase.key}", "feedback_triads", run)


def duo(room: Room, run: Run) -> Iterator[Stop]:
    yield Stop("duo-talk", "duo", run)
    run = room.act(run, "next_phase")
    _all(room, run, lambda n, a: {"text": "Jeg vil spørre mer og fortelle mindre."})
    yield Stop("duo-note", "duo", run)


def reflection(room: Room, run: Run) -> Iterator[Stop]:
    _all(
        room,
        run,
        lambda n, a: {
            "text-0": "Hun lyttet ferdig før hun svarte",
            "shared-0": "on",
            "text-1": "Å vente med svaret",
        },
    )
    yield Stop("reflection", "reflection", run)


def survey(room: Room, run: Run) -> Iterator[Stop]:
    settings = run.module.settings_of(run)
    sheet = survey_kind.parse(settings["statements"], settings["questions"])

    def answers(number: int, attendee: Attendee) -> dict:
        data = {
            survey_kind.field_name("s", text): str(min(5, 2 + (number * (index + 1)) % 4))
            for index, text in enumerate(sheet.statements)
        }
        for text in sheet.questions:
            data[survey_kind.field_name("q", text)] = f"Jeg er god til å lytte ({number})"
        return data

    _all(room, run, answers)
    yield Stop("survey-answered", "survey", run)
    run = room.act(run, "reveal")
    yield Stop("survey-revealed", "survey", run)


def proposals(room: Room, run: Run) -> Iterator[Stop]:
    visions = [
        "Sammen skaper vi trygghet og utvikling for innbyggerne",
        "Ledere som lytter, tør og leder an",
        "Vi gjør hverandre gode",
        "Nær, modig og raus",
        "Tillit i alt vi gjør",
    ]
    _all(room, run, lambda n, a: {"step": "propose", "text": visions[n % len(visions)]})
    yield Stop("proposals-collect", "proposals", run)
    run = room.act(run, "next_phase")
    # The facilitator merges the same wordings, as a room's duplicates are.
    same: dict[str, list[str]] = {}
    for proposal in proposals_kind.proposals_of(run):
        same.setdefault(proposal.text, []).append(proposal.id)
    for ids in same.values():
        if len(ids) > 1:
            run = room.act(run, "merge", ids=ids, keep=ids[0])
    yield Stop("proposals-merge", "proposals", run)
    run = room.act(run, "next_phase")
    shown = [p for p in proposals_kind.proposals_of(run) if not p.hidden]

    def dots(number: int, attendee: Attendee) -> dict:
        # Uneven, as a room is: most dots on the first proposals.
        first, second = shown[number % 2], shown[(number * 3) % len(shown)]
        if first.id == second.id:
            return {"step": "prioritise", f"dots-{first.id}": "3"}
        return {"step": "prioritise", f"dots-{first.id}": "2", f"dots-{second.id}": "1"}

    _all(room, run, dots)
    yield Stop("proposals-prioritise", "proposals", run)
    run = room.act(run, "next_phase")
    yield Stop("proposals-reveal", "proposals", run)
