"""Demo data from the source day (Seljord kommune, Samling 2). Safe to run again and again."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from exercises.models import Exercise, Run, Submission
from library import builtin, plans
from library.models import PlanTemplate
from platforms import services as platform_services
from workshops.models import (
    AgendaItem,
    Attendee,
    Membership,
    NetworkGroup,
    Organisation,
    Participant,
    Programme,
    Workshop,
)

# Demo only: printed by `make run` so a first-time user can log straight in. None of the
# organisation's people has any rights in the Django admin; the operator has those and belongs
# to no organisation.
DEMO_PASSWORD = "samling-demo"
DEMO_USERS = [
    ("kursholder", "Kari", "Kursholder", Membership.Role.FACILITATOR),
    ("hr", "Hanne", "Rådgiver", Membership.Role.HR),
    ("orgadmin", "Ola", "Administrator", Membership.Role.ADMIN),
]
DEMO_OPERATOR = ("drift", "Dag", "Drift")

PROGRAMME_TITLE = "Lederutviklingsprogram 2026, Seljord kommune"

GROUPS = ["Nettverksgruppe 1", "Nettverksgruppe 2", "Nettverksgruppe 3", "Nettverksgruppe 4"]

PARTICIPANTS = [
    ("Anne Berit Haugen", "Enhetsleder, Seljord sjukeheim"),
    ("Bjørn Olav Tveit", "Rektor, Seljord barneskule"),
    ("Camilla Nordbø", "Avdelingsleder, heimetenesta"),
    ("Dag Einar Flatland", "Driftsleder, teknisk"),
    ("Elin Kvåle", "Styrar, Seljord barnehage"),
    ("Frode Hovde", "Kommunalsjef, oppvekst"),
    ("Gunhild Bakken", "Leder, NAV Seljord"),
    ("Håvard Lie", "Leder, plan og byggesak"),
    ("Ingrid Svalastog", "Enhetsleder, helse"),
    ("Jon Arne Skogen", "Økonomisjef"),
    ("Kristin Aasland", "Rektor, Seljord ungdomsskule"),
    ("Lars Kjetil Dale", "Brannsjef"),
    ("Marit Homme", "Leder, kultur og bibliotek"),
    ("Nils Torvald Nes", "Leder, eiendom"),
    ("Oddny Grave", "Personalsjef"),
    ("Per Gunnar Rue", "Kommunalsjef, helse og omsorg"),
    ("Ragnhild Berge", "Leder, barnevern"),
    ("Sigurd Tjønn", "IKT-leder"),
    ("Tone Lunde", "Leder, servicetorget"),
    ("Vigdis Åsland", "Avdelingsleder, legekontoret"),
]

DAYS = [
    {
        "number": 1,
        "date": dt.date(2026, 10, 15),
        "start_time": dt.time(8, 30),
        "end_time": dt.time(15, 0),
        "venue": "Seljord kulturhus",
        "theme": "Oppstart: formål og lederplattform",
        "between_work": (
            "Start ditt aksjonslæringsprosjekt: svar på de fem spørsmålene om hva som skal "
            "kjennetegne lederskapet ditt, og avtal første møte i nettverksgruppen."
        ),
        "agenda": [
            ("talk", "Velkommen og bli kjent", "", 30),
            ("talk", "Hva er en lederplattform?", "", 45),
            ("pause", "Pause", "", 15),
            (
                "exercise",
                "Ledergruppens formål",
                "IGP: Hva er det viktigste formålet med ledergruppen, for organisasjonen og "
                "for oss som er her?",
                60,
            ),
            (
                "exercise",
                "Verdidiamanten",
                "Diamant: plasser de ni verdiene for god ledelse, den viktigste øverst.",
                45,
            ),
            ("lunch", "Lunsj", "", 45),
            ("exercise", "Oppstart aksjonslæringsprosjekt", "Fem spørsmål, individuelt.", 60),
            ("pause", "Pause", "", 15),
            ("plenum", "Oppsummering og mellomarbeid", "", 30),
            ("plenum", "Tilbakemelding på dagen", "", 15),
        ],
    },
    {
        # Samling 2 of the source programme, made from the built-in template of that day
        # (library/builtin/samling-2.toml): its times, agenda, exercises and notes.
        "number": 2,
        "date": dt.date(2026, 11, 26),
        "venue": "Seljord kulturhus",
        "template": "samling-2",
    },
    {
        "number": 3,
        "date": dt.date(2027, 1, 21),
        "start_time": dt.time(8, 30),
        "end_time": dt.time(15, 0),
        "venue": "Seljord kulturhus",
        "theme": "Kjennetegn på god praksis",
        "between_work": "",
        "agenda": [],
    },
]


# Samling 1's value diamond: the nine values, and the diamonds the twenty participants placed
# (three ways of placing them, so the room's order is not the list's). The platform takes its
# nine values from here; the demo leaves that step to the facilitator.
DIAMOND_VALUES = [
    "Tillit",
    "Trygghet",
    "Åpen",
    "Tydelig",
    "Lojal",
    "Helhetsperspektiv",
    "Modig",
    "Omtanke",
    "Raushet",
]
DIAMOND_PLACEMENTS = [
    (
        8,
        [
            "Tillit",
            "Trygghet",
            "Omtanke",
            "Åpen",
            "Tydelig",
            "Raushet",
            "Modig",
            "Helhetsperspektiv",
            "Lojal",
        ],
    ),
    (
        6,
        [
            "Trygghet",
            "Tillit",
            "Åpen",
            "Omtanke",
            "Raushet",
            "Tydelig",
            "Lojal",
            "Modig",
            "Helhetsperspektiv",
        ],
    ),
    (
        6,
        [
            "Tillit",
            "Omtanke",
            "Trygghet",
            "Tydelig",
            "Åpen",
            "Modig",
            "Raushet",
            "Lojal",
            "Helhetsperspektiv",
        ],
    ),
]


# The exercises of Samling 1 (Samling 2's come with its template): an IGP on the leader
# group's purpose and the value diamond.
EXERCISES = {
    "Verdidiamanten": (
        "diamond",
        {
            "prompt": "Hvilke verdier er viktigst for god ledelse i Seljord kommune?",
            "items": "\n".join(DIAMOND_VALUES),
            "minutes": 8,
        },
    ),
    "Ledergruppens formål": (
        "igp",
        {
            "prompt": "Hva er det viktigste formålet med ledergruppen, for organisasjonen og "
            "for oss som er her?",
            "target": 5,
            "minutes_individual": 4,
            "minutes_group": 20,
            "minutes_plenary": 3,
            "grouping": "network",
            "secretary_rule": "fair",
        },
    ),
}


# The lederplattform as the source day left it: the purpose summarised from the group work,
# the vision proposals (none chosen yet on the day; the demo picks one so a poster shows a
# vision), and nine values from the day's examples and the purpose summary.
PLATFORM_PURPOSE_LEAD = (
    "Vår ledergruppe skal skape MERVERDI for organisasjonen og det enkelte medlem av gruppen ved å:"
)
PLATFORM_PURPOSE_POINTS = [
    "Anerkjenne kompetanse",
    "Gi trygghet og tillit",
    "Ha forståelse for hverandre",
    "Kunne prioritere bedre",
    "Være lojale",
    "Tenke helhetlig – spille hverandre gode",
    "Være en rollemodell",
    "Dele – være transparente og åpne",
    "Kommunisere – tydelig innad og utad",
    "Være faglig kompetente – faglig trygghet",
    "Jobbe tverrfaglig",
    "Gi mening til organisasjonen",
    "Dele – jobbe på tvers – dele kompetanse – delingskultur",
    "Skape fellesskap – stå sammen – felles ansvar for resultatet",
    "Gi retning – prioriteringer – gå i flokk på en positiv måte",
]
PLATFORM_VISION = "Sammen for Seljord"
PLATFORM_VISION_PROPOSALS = [
    "Seljord mot felles mål",
    "Fag og kvalitet i fellesskap",
    "Samhold og stoltheit",
    "Mot i leiarskap",
    "Trygg, kompetente og rettferdig",
    "Saman i stormen, klar for fremtiden",
    "God alene, men best i lag",
    "Det gode vertskap",
    "Trykke til når vi vil",
    "Gode med folk",
    "Viser vei",
    "Sammen for felleskapet",
    "Styrke gjennom fellesskap",
]
PLATFORM_VALUES = DIAMOND_VALUES


def load_platform(programme: Programme, facilitator, day: Workshop | None) -> None:
    platform = platform_services.platform_for(programme)
    if platform.versions.exists():
        return  # the facilitator's work (or an earlier load) is kept as it is
    platform_services.set_purpose(
        platform, lead=PLATFORM_PURPOSE_LEAD, points=PLATFORM_PURPOSE_POINTS, by=facilitator
    )
    platform_services.set_vision(
        platform,
        vision=PLATFORM_VISION,
        alternatives=PLATFORM_VISION_PROPOSALS,
        by=facilitator,
    )
    platform.vision_proposals.update(source_workshop=day, source_label="Foreløpige forslag")
    platform.purpose_points.update(source_label="Innspill fra gruppearbeid")
    for name in PLATFORM_VALUES:
        platform_services.add_value(
            platform,
            name=name,
            by=facilitator,
            source_workshop=day,
            source_label="Diamant: verdier for god ledelse",
        )
    platform_services.set_step(platform, 4, by=facilitator)
    platform.versions.filter(number=platform.latest_version().number).update(
        name="Utkast etter samling 2"
    )


def load_diamond_results(programme: Programme) -> None:
    """Samling 1's diamond as the day left it: the twenty placed, the result revealed.

    Added once, when the day has the diamond on its agenda and it has not run yet; a run that
    exists (this demo's, or one the facilitator ran) is left as it is.
    """
    exercise = Exercise.objects.filter(
        kind="diamond", agenda_item__workshop__programme=programme, agenda_item__workshop__number=1
    ).first()
    if exercise is None:
        return
    day = exercise.agenda_item.workshop
    run, created = Run.objects.get_or_create(
        exercise=exercise, workshop=day, defaults={"state": {"revealed": True}}
    )
    if not created:
        return
    placements = [order for count, order in DIAMOND_PLACEMENTS for _ in range(count)]
    participants = programme.participants.order_by("name")
    for participant, order in zip(participants, placements, strict=False):
        attendee, _created = Attendee.objects.get_or_create(
            workshop=day,
            participant=participant,
            # No phone's cookie hashes to this: the demo attendees were never on a phone.
            defaults={"display_name": participant.name, "device_hash": f"demo-{participant.pk}"},
        )
        rows = [order[0:1], order[1:3], order[3:6], order[6:8], order[8:9]]
        Submission.objects.create(
            run=run,
            author=attendee,
            key="placement",
            text=" / ".join(", ".join(row) for row in rows),
            data={"rows": rows},
            token=uuid.uuid4(),
        )


class Command(BaseCommand):
    help = "Load the Seljord demo programme (idempotent: running it again changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        organisation, _created = Organisation.objects.get_or_create(
            slug="seljord", defaults={"name": "Seljord kommune"}
        )
        facilitator = None
        for username, first, last, role in DEMO_USERS:
            user = _demo_user(username, first, last)
            if user.is_staff or user.is_superuser:
                # Earlier demos made the facilitator a superuser; the admin site is for operators.
                user.is_staff = user.is_superuser = False
                user.save(update_fields=["is_staff", "is_superuser"])
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            if role == Membership.Role.FACILITATOR:
                facilitator = user
        operator = _demo_user(*DEMO_OPERATOR)
        if not (operator.is_staff and operator.is_superuser):
            operator.is_staff = operator.is_superuser = True
            operator.save(update_fields=["is_staff", "is_superuser"])

        programme, _created = Programme.objects.get_or_create(
            organisation=organisation,
            title=PROGRAMME_TITLE,
            defaults={
                "description": (
                    "Et lederutviklingsprogram for alle ledere i kommunen, med fire samlinger, "
                    "nettverksgrupper og en felles lederplattform."
                ),
                "created_by": facilitator,
            },
        )
        groups = [
            NetworkGroup.objects.get_or_create(programme=programme, name=name)[0] for name in GROUPS
        ]
        for index, (name, title) in enumerate(PARTICIPANTS):
            Participant.objects.get_or_create(
                programme=programme,
                name=name,
                defaults={"title": title, "network_group": groups[index % len(groups)]},
            )
        builtin.load()  # the built-in templates, as `load_templates` loads them
        for day in DAYS:
            if "template" in day:
                if not programme.workshops.filter(number=day["number"]).exists():
                    plans.day_from_template(
                        PlanTemplate.objects.get(key=day["template"]),
                        programme,
                        date=day["date"],
                        number=day["number"],
                        venue=day["venue"],
                    )
                continue
            fields = {k: v for k, v in day.items() if k not in ("number", "agenda")}
            workshop, created = Workshop.objects.get_or_create(
                programme=programme, number=day["number"], defaults=fields
            )
            if created:
                items = AgendaItem.objects.bulk_create(
                    AgendaItem(
                        workshop=workshop,
                        position=position,
                        kind=kind,
                        title=title,
                        description=description,
                        duration_minutes=minutes,
                    )
                    for position, (kind, title, description, minutes) in enumerate(day["agenda"])
                )
                for item in items:
                    if item.title in EXERCISES:
                        kind, settings = EXERCISES[item.title]
                        Exercise.objects.create(agenda_item=item, kind=kind, settings=settings)

        load_diamond_results(programme)
        load_platform(programme, facilitator, programme.workshops.filter(number=2).first())

        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {programme}"))
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<12} user {username!r} password {DEMO_PASSWORD!r}")
        self.stdout.write(
            f"  {'operator':<12} user {DEMO_OPERATOR[0]!r} password {DEMO_PASSWORD!r}"
            " (the Django admin at /admin/ only; member of no organisation)"
        )


def _demo_user(username: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@seljord.example.no",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
