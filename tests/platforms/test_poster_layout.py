"""The lederplakat as a wall poster, read back from the PDF: how many pages, whether every
word stays on its page and off the footer, and how large the type is.

The three platforms are in poster_samples.py: a small one, the demo's (typical) and a long one
with characteristics of good practice for all nine values.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections import Counter
from types import SimpleNamespace

import pdfplumber
import pytest
from django.utils import timezone, translation
from pdfminer.pdftypes import resolve1

from platforms import poster, poster_layout
from workshops.models import Organisation

from . import poster_samples

A3 = (841.89, 1190.55)
A4 = (595.28, 841.89)
PROGRAMME = SimpleNamespace(
    title="Lederutviklingsprogram 2026", organisation=SimpleNamespace(name="Seljord kommune")
)
VERSION = SimpleNamespace(
    number=7, created_at=timezone.make_aware(dt.datetime(2026, 11, 26, 15, 0))
)
# Point sizes at A3 (A4 is the same poster at 1/√2).
VALUES, BULLETS = (28, 36), 16


@pytest.fixture
def organisation() -> Organisation:
    return Organisation(name="Seljord kommune", slug="seljord")


def render(organisation, data, *, size="a3", language="nb") -> bytes:
    pdf, fetcher = poster.render_pdf(
        organisation, data, size=size, language=language, version=VERSION, programme=PROGRAMME
    )
    assert fetcher.refused == []
    return pdf


def layout_of(organisation, data, *, size="a3", language="nb") -> poster_layout.Layout:
    with translation.override(language):
        return poster.poster_context(organisation, data, size=size, for_pdf=True)["layout"]


def words(page) -> list[dict]:
    return page.extract_words(extra_attrs=["size"], keep_blank_chars=False)


def sizes_of(page, text: str) -> set[float]:
    """The font sizes of the words of `text` where they appear in that order on the page."""
    wanted = text.split()
    found = words(page)
    texts = [w["text"] for w in found]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start : start + len(wanted)] == wanted:
            return {round(w["size"], 1) for w in found[start : start + len(wanted)]}
    raise AssertionError(f"{text!r} is not on the page")


def assert_on_the_page(pdf: bytes, paper: tuple[float, float], footer_texts: list[str]):
    """Every character inside the page, clear of its edges; nothing but the footer in the
    footer's band at the foot of each page."""
    scale = paper[0] / A3[0]
    edge = 10 * scale
    band = poster_layout.FOOTER_HEIGHT * scale
    footer_words = {w for text in footer_texts for w in text.split()}
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            assert (page.width, page.height) == pytest.approx(paper, abs=0.5)
            for char in page.chars:
                assert edge <= char["x0"] and char["x1"] <= page.width - edge, (number, char)
                assert edge <= char["top"] and char["bottom"] <= page.height - edge / 2, (
                    number,
                    char["text"],
                )
            for word in words(page):
                if word["bottom"] > page.height - band:
                    assert word["text"] in footer_words, (number, word["text"], word["top"])
                    assert word["top"] >= page.height - band, (number, word["text"])


def platform_texts(data: dict) -> list[str]:
    texts = [data["vision"]["text"], data["purpose"]["lead"]]
    texts += [p["text"] for p in data["purpose"]["points"]]
    for value in data["values"]:
        texts += [value["name"], value["meaning"]]
        texts += [p["text"] for side in value["practices"].values() for p in side]
    return texts


def assert_nothing_is_lost(pdf: bytes, data: dict):
    """Every letter of the platform is drawn: a text cut off at a page's foot, or pushed off
    it, would leave fewer (the words of a table's cells interleave, so letters are counted)."""
    wanted = Counter(c for text in platform_texts(data) for c in text if c.isalnum())
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        # A ligature (ﬂ in "flokk") is one glyph for two letters.
        drawn = Counter(
            letter
            for page in document.pages
            for c in page.chars
            for letter in unicodedata.normalize("NFKC", c["text"])
        )
    missing = {c: n - drawn[c] for c, n in wanted.items() if drawn[c] < n}
    assert not missing, missing


def page_count(pdf: bytes) -> int:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


FOOTERS = {
    "small": ["Utkast 26. november 2026 · versjon 7", PROGRAMME.title],
    "typical": ["Utkast 26. november 2026 · versjon 7", PROGRAMME.title],
    "long": ["Vedtatt 26. november 2026 · versjon 7", PROGRAMME.title],
}


@pytest.mark.parametrize(
    ("sample", "pages", "mode"),
    [("small", 1, "fill"), ("typical", 1, "fill"), ("long", 2, "flow")],
)
def test_three_platforms_fill_their_pages_and_stay_on_them(organisation, sample, pages, mode):
    data = poster_samples.SAMPLES[sample]()
    layout = layout_of(organisation, data)
    assert layout.mode == mode
    pdf = render(organisation, data)
    assert page_count(pdf) == pages
    assert_on_the_page(pdf, A3, FOOTERS[sample])
    assert_nothing_is_lost(pdf, data)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            # The footer is on every page, with the date and version and the programme.
            text = page.extract_text()
            assert "versjon 7" in text and PROGRAMME.title in text
        first = document.pages[0]
        # The organisation's name once, in the header.
        assert first.extract_text().count("Seljord kommune") == 1
        vision = sizes_of(first, data["vision"]["text"])
        value_sizes = set()
        for page in document.pages:
            for value in data["values"]:
                name = [w for w in words(page) if w["text"] == value["name"]]
                value_sizes |= {round(w["size"], 1) for w in name}
        assert value_sizes, "no value name found"
        assert min(vision) > max(value_sizes)
        assert VALUES[0] <= min(value_sizes) and max(value_sizes) <= VALUES[1]
        for point in data["purpose"]["points"][:3]:
            assert min(sizes_of(first, point["text"])) >= BULLETS


def test_the_small_platform_is_set_large_and_the_long_one_small(organisation):
    small = layout_of(organisation, poster_samples.small())
    typical = layout_of(organisation, poster_samples.typical())
    long = layout_of(organisation, poster_samples.long())
    assert small.scale == 1 and small.sizes["value"] == 36 and small.sizes["bullet"] == 22
    assert 0 <= typical.scale < small.scale
    assert long.scale == 0 and long.sizes["value"] == 28 and long.sizes["practice"] == 16
    assert small.sizes["vision"] > typical.sizes["vision"] > long.sizes["vision"]
    # Page one's content as estimated fits in its room wherever the mode is "fill".
    for layout in (small, typical):
        assert layout.estimate <= layout.room


def test_the_characteristics_of_good_practice_stand_beside_their_value(organisation):
    data = poster_samples.long()
    assert layout_of(organisation, data).value_style == "matrix"
    pdf = render(organisation, data)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() for page in document.pages)
    for heading in ["Vi forventer av oss selv", "Vi forventer av hverandre"]:
        assert heading.split()[-1] in text
    for name, (_meaning, ours, each, others) in poster_samples.LONG_PRACTICES.items():
        assert name in text or name[:7] in text  # a long name may be hyphenated
        for practice in [*ours, *each, *others]:
            assert practice.split()[0] in text


def test_a_sides_column_shows_only_where_a_value_has_practices(organisation):
    data = poster_samples.typical()
    data["values"][0]["practices"]["others"] = [{"text": "En leder som er til stede"}]
    layout = layout_of(organisation, data)
    assert layout.value_style == "matrix" and layout.sides == ["others"]
    html = poster.render_html(organisation, data, size="a3", language="nb", for_pdf=True)
    assert html.count('<th scope="col">') == 2  # the value, and the one side


def test_a4_is_the_same_poster_scaled(organisation):
    data = poster_samples.typical()
    pdf = render(organisation, data, size="a4")
    assert page_count(pdf) == 1
    assert_on_the_page(pdf, A4, FOOTERS["typical"])
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = document.pages[0]
        vision = sizes_of(first, data["vision"]["text"])
        value = sizes_of(first, "Tillit")
        assert min(vision) > max(value)
        scale = A4[0] / A3[0]
        assert VALUES[0] * scale - 0.1 <= min(value) <= VALUES[1] * scale + 0.1


@pytest.mark.parametrize(
    ("values", "points", "practices"),
    [(1, 0, 0), (4, 6, 0), (7, 10, 0), (12, 25, 0), (5, 8, 1), (12, 30, 3)],
)
def test_no_platform_runs_off_its_page(organisation, values, points, practices):
    """Platforms of other sizes than the three: whatever the content, nothing leaves its page
    and a platform that does not fit flows on instead."""
    sides = {
        side: [f"Kjennetegn {n} på god praksis sett fra {side}" for n in range(practices)]
        for side in poster_samples.SIDES
    }
    data = poster_samples._platform(
        "Ledergruppen vår skal skape merverdi for organisasjonen ved å:",
        [f"Formålspunkt nummer {n} om hva ledergruppen skal gjøre" for n in range(points)],
        "Sammen for Seljord",
        [
            poster_samples._value(f"Verdi{n}", "Hva verdien betyr for oss", **sides)
            for n in range(values)
        ],
    )
    layout = layout_of(organisation, data)
    pdf = render(organisation, data)
    assert_on_the_page(pdf, A3, FOOTERS["typical"])
    assert_nothing_is_lost(pdf, data)
    if layout.mode == "fill":
        assert page_count(pdf) == 1


def test_the_pdf_is_tagged_with_its_language_and_title(organisation):
    pdf = render(organisation, poster_samples.typical(), language="nn")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert document.metadata["Title"] == "Leiarplattform for Seljord kommune"
        assert document.metadata["Author"] == "Seljord kommune"
        catalog = document.doc.catalog
        assert resolve1(catalog["Lang"]) == b"nn"
        assert resolve1(resolve1(catalog["MarkInfo"])["Marked"]) is True
        assert "StructTreeRoot" in catalog
        assert resolve1(resolve1(catalog["ViewerPreferences"])["DisplayDocTitle"]) is True
        text = document.pages[0].extract_text()
    # The poster speaks nynorsk, labels and footer alike.
    assert "VISJONEN VÅR" in text
    assert "Utkast 26. november 2026 · versjon 7" in text


def test_a_logo_sits_in_the_header(organisation, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    organisation.logo.name = "logos/logo.svg"
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
        '<rect width="120" height="60" fill="#2E7D32"/></svg>'
    )
    layout = layout_of(organisation, poster_samples.typical())
    pdf, fetcher = poster.render_pdf(organisation, poster_samples.typical())
    assert any(url.endswith("logo.svg") for url in fetcher.served)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        header = poster_layout._header_height("Seljord kommune", True, "nb")
        green = [r for r in page.rects if r["non_stroking_color"] == GREEN]
        assert green and all(r["bottom"] < header for r in green)
    assert layout.mode == "fill"


GREEN = pytest.approx((0.18, 0.49, 0.2), abs=0.01)


def test_a_platform_of_many_pages_is_set_as_a_document(organisation):
    """Past a few pages a platform is no wall poster: it is set smaller, as a document, so it
    takes fewer pages and a worker renders it in time."""
    text = "Vi gir hverandre tydelige og ærlige tilbakemeldinger i hverdagen. " * 6
    data = poster_samples.typical()
    data["values"] += [
        poster_samples._value(f"Verdi {n}", text[:400], ourselves=[text[:480]] * 3)
        for n in range(40)
    ]
    layout = layout_of(organisation, data)
    assert layout.mode == "flow"
    assert layout.estimate > poster_layout.POSTER_PAGES * layout.room
    assert layout.sizes["practice"] == poster_layout.DOCUMENT["practice"] < BULLETS
    assert layout.sizes["vision"] > layout.sizes["value"]
    # Three such values beside the nine are still a poster, flowing on at its smallest sizes.
    data["values"] = data["values"][:12]
    layout = layout_of(organisation, data)
    assert layout.mode == "flow" and layout.sizes["practice"] == BULLETS
