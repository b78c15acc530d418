"""The word cloud as an image, laid out in rows like on the projector: SVG (text stays text) and
PNG (for slides and intranets that won't take SVG)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from exercises.aggregate import CloudWord

SIZES = {1: 18, 2: 24, 3: 32, 4: 42, 5: 54, 6: 68}
WIDTH = 1200
MARGIN = 40
GAP = 30
TOP = 90
INK = "#083f4c"
MUTED = "#4a5563"


@dataclass(frozen=True)
class Placed:
    word: CloudWord
    x: int
    y: int  # the baseline
    size: int


def layout(
    words: list[CloudWord], measure: Callable[[CloudWord, int], int]
) -> tuple[list[Placed], int, int]:
    """Rows filled left to right and centred; returns the placed words and the image's width
    (wider than usual only for a word too long for a row) and height."""
    rows: list[list[tuple[CloudWord, int]]] = [[]]
    used = 0
    for word in words:
        width = measure(word, SIZES[word.weight]) + GAP
        if used + width > WIDTH - MARGIN and rows[-1]:
            rows.append([])
            used = 0
        rows[-1].append((word, width))
        used += width
    canvas = max([WIDTH, *(sum(w for _, w in row) + 2 * MARGIN for row in rows)])
    placed = []
    y = TOP
    for row in rows:
        y += max((SIZES[w.weight] for w, _ in row), default=20) + 16
        x = (canvas - sum(width for _, width in row)) // 2 + GAP // 2
        for word, width in row:
            placed.append(Placed(word, x, y, SIZES[word.weight]))
            x += width
    return placed, canvas, y + MARGIN


def cloud_svg(title: str, words: list[CloudWord]) -> str:
    # A rough width estimate (0.6 em per character): with no font metrics in the file it
    # renders the same everywhere, and the words stay text a screen reader can read.
    placed, width, height = layout(words, lambda word, size: int(len(word.text) * size * 0.6))
    parts = [
        f'<text x="{p.x}" y="{p.y}" font-size="{p.size}" '
        f'font-weight="{600 if p.word.weight > 3 else 400}">{escape(p.word.text)}</text>'
        for p in placed
    ]
    label = escape(title, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{MARGIN}" y="50" font-size="26" fill="{MUTED}" font-family="sans-serif">'
        f"{escape(title)}</text>"
        f'<g fill="{INK}" font-family="sans-serif">{"".join(parts)}</g></svg>'
    )


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    # The fonts shipped with the app (Norwegian letters included), never the system's.
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(settings.BASE_DIR) / "static" / "fonts" / name), size)


def cloud_png(title: str, words: list[CloudWord]) -> bytes:
    """The same rows as the SVG, measured with the real font so nothing overlaps."""

    def measure(word: CloudWord, size: int) -> int:
        return int(_font(size, word.weight > 3).getlength(word.text))

    placed, width, height = layout(words, measure)
    image = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    heading = _font(26, False)
    while len(title) > 1 and heading.getlength(title) > width - 2 * MARGIN:
        title = title[:-2] + "…"  # a long prompt is cut, not drawn off the edge
    draw.text((MARGIN, 50), title, font=heading, fill=MUTED, anchor="ls")
    for p in placed:
        draw.text(
            (p.x, p.y), p.word.text, font=_font(p.size, p.word.weight > 3), fill=INK, anchor="ls"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
