"""Three platforms for the lederplakat's layout: a small one, the demo's (typical) and a very
long one, as snapshot data (the shape services.snapshot gives and a version stores).

draw_docs() draws page one of each, A3, into docs/poster/ (see docs/poster/README.md).
"""

from __future__ import annotations

from library.management.commands import load_demo

SIDES = ("ourselves", "each_other", "others")


def _value(name: str, meaning: str = "", **practices: list[str]) -> dict:
    return {
        "name": name,
        "meaning": meaning,
        "practices": {side: [{"text": t} for t in practices.get(side, [])] for side in SIDES},
    }


def _platform(lead: str, points: list[str], vision: str, values: list[dict], step=4) -> dict:
    return {
        "step": step,
        "purpose": {"lead": lead, "points": [{"text": t} for t in points]},
        "vision": {"text": vision} if vision else None,
        "alternatives": [],
        "values": values,
    }


def small() -> dict:
    """A platform early in the programme: a vision, a short purpose, three values."""
    return _platform(
        "Vi skaper trygghet og retning for dem vi leder.",
        ["Vi deler det vi kan", "Vi står sammen om beslutningene"],
        "Sammen for Seljord",
        [_value("Tillit"), _value("Åpenhet"), _value("Mot")],
    )


def typical() -> dict:
    """The demo's platform (library/management/commands/load_demo.py) as the source day
    left it: fifteen purpose points, a vision and the nine values of the diamond."""
    return _platform(
        load_demo.PLATFORM_PURPOSE_LEAD,
        load_demo.PLATFORM_PURPOSE_POINTS,
        load_demo.PLATFORM_VISION,
        [_value(name) for name in load_demo.PLATFORM_VALUES],
    )


LONG_PRACTICES = {
    "Tillit": (
        "Tror det beste om hverandre",
        ["Jeg holder det jeg lover, også når det koster", "Jeg gir ansvar og lar det følge med"],
        ["Vi tar opp uenighet direkte med den det gjelder", "Vi deler det vi vet, tidlig"],
        ["En leder som stoler på deg og viser det i praksis"],
    ),
    "Trygghet": (
        "Det er lov å feile og si fra",
        ["Jeg sier fra når jeg ikke vet", "Jeg tåler å bli motsagt"],
        ["Vi støtter hverandre når det blåser", "Vi snakker med hverandre, ikke om hverandre"],
        ["Forutsigbare rammer og en leder som er til stede"],
    ),
    "Åpenhet": (
        "Vi deler informasjon og begrunner valgene",
        ["Jeg forklarer hvorfor, ikke bare hva"],
        ["Vi deler kunnskap på tvers av enhetene", "Vi inviterer inn før vi bestemmer"],
        ["Innsyn i hvordan beslutninger blir tatt", "Svar på henvendelser innen rimelig tid"],
    ),
    "Tydelighet": (
        "Klare forventninger og klare svar",
        ["Jeg setter ord på forventningene mine", "Jeg gir tilbakemelding som er presis"],
        ["Vi avklarer hvem som gjør hva før vi går fra møtet"],
        ["Å vite hva som er forventet og hvorfor"],
    ),
    "Lojalitet": (
        "Vi står for det vi har bestemt sammen",
        ["Jeg fremmer felles beslutninger som mine egne"],
        ["Vi tar diskusjonen i rommet, ikke i gangen etterpå"],
        ["Ledere som snakker med én stemme utad"],
    ),
    "Helhetsperspektiv": (
        "Vi ser kommunen som én organisasjon",
        ["Jeg tenker på hvordan mine valg virker for andre enheter"],
        ["Vi spiller hverandre gode og deler ressurser"],
        ["Tjenester som henger sammen for innbyggeren"],
    ),
    "Mot": (
        "Vi tar de vanskelige samtalene",
        ["Jeg tar opp det som skaver, i tide", "Jeg prøver nye måter å jobbe på"],
        ["Vi utfordrer hverandre med respekt"],
        ["En leder som sier fra og står i det"],
    ),
    "Omtanke": (
        "Vi ser mennesket bak rollen",
        ["Jeg tar meg tid til å lytte"],
        ["Vi legger merke til hverandre og spør hvordan det går"],
        ["Å bli sett og tatt på alvor", "Rom for livet utenfor jobben"],
    ),
    "Raushet": (
        "Vi gir hverandre rom og gjør hverandre gode",
        ["Jeg deler æren og tar min del av ansvaret"],
        ["Vi gir ros og heier på hverandre", "Vi lar feil bli læring"],
        ["En leder som gir rom for å vokse"],
    ),
}


def long() -> dict:
    """A finished platform: a long vision, twenty purpose points, nine values, each with a
    meaning and characteristics of good practice from all three sides."""
    points = [
        *load_demo.PLATFORM_PURPOSE_POINTS,
        "Ta vare på hverandre og på medarbeiderne våre",
        "Lære av det som går bra, og av det som går galt",
        "Være synlige ledere ute i tjenestene",
        "Sette innbyggeren i sentrum for det vi gjør",
        "Bruke ressursene klokt og se helheten",
    ]
    values = [
        _value(name, meaning, ourselves=ours, each_other=each, others=others)
        for name, (meaning, ours, each, others) in LONG_PRACTICES.items()
    ]
    return _platform(
        load_demo.PLATFORM_PURPOSE_LEAD,
        points,
        "Sammen skaper vi en trygg og modig kommune der alle blir sett og tjenestene henger sammen",
        values,
        step=6,
    )


SAMPLES = {"small": small, "typical": typical, "long": long}


# A made-up emblem for the pictures in docs/poster/: a shield with a mountain and a river,
# in no municipality's colours.
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 140" width="120" height="140">'
    '<path d="M10 8h100v62c0 34-25 56-50 64C35 126 10 104 10 70z" fill="#1F4E79"/>'
    '<path d="M20 84l26-36 14 18 12-14 28 32z" fill="#F2C14E"/>'
    '<path d="M24 100c14-8 26 8 40 0s26 8 32 2" stroke="#fff" stroke-width="6" fill="none"/>'
    "</svg>"
)


def draw_docs(folder) -> list:
    """Page one of each sample, A3, 800 pixels wide, with the made-up logo."""
    import tempfile
    from pathlib import Path
    from types import SimpleNamespace

    from django.test import override_settings
    from django.utils import timezone

    from platforms import poster
    from workshops.models import Organisation

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        (Path(media) / "logos").mkdir()
        (Path(media) / "logos" / "emblem.svg").write_text(LOGO)
        organisation = Organisation(name="Seljord kommune", slug="seljord")
        organisation.logo.name = "logos/emblem.svg"
        version = SimpleNamespace(number=7, created_at=timezone.now())
        programme = SimpleNamespace(title="Lederutviklingsprogram 2026", organisation=organisation)
        for name, sample in SAMPLES.items():
            pdf, _fetcher = poster.render_pdf(
                organisation, sample(), size="a3", version=version, programme=programme
            )
            path = Path(media) / f"{name}.pdf"
            path.write_bytes(pdf)
            picture = poster.make_thumbnail(path)
            target = folder / f"lederplakat-{name}-a3.png"
            target.write_bytes(picture.read_bytes())
            made.append(target)
    return made
