"""The lederplakat's type sizes, worked out from its content before WeasyPrint lays it out.

A poster on a corridor wall is read from two metres, so the page is filled by design: the
texts are measured with the advance widths of the fonts the poster ships, wrapped word by word
into the widths the stylesheet gives them, and the largest sizes (within the limits below)
whose total height fits page one are chosen. A platform too long to fit even at the smallest
sizes keeps them and flows onto a second page.

The measure is deliberately a little pessimistic (no kerning, no hyphenation inside a line),
so the page never holds less than the estimate says; what is left over is shared out by the
stylesheet (the vision and the values stand in the space that remains).

All lengths are PDF points at A3; A4 is the same poster scaled by 1/√2, as the paper is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import pyphen
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

SANS = "fonts/DejaVuSans.ttf"
SANS_BOLD = "fonts/DejaVuSans-Bold.ttf"
SERIF_BOLD = "fonts/DejaVuSerif-Bold.ttf"

# The page (A3 portrait) and the fixed parts of the design, in points.
A3_WIDTH, A3_HEIGHT = 841.89, 1190.55
SCALE = {"a3": 1.0, "a4": 1 / math.sqrt(2)}
SIDE = 50  # left and right margin of everything but the header band
CONTENT_WIDTH = A3_WIDTH - 2 * SIDE
HEADER_PADDING = (28, 24)  # above and below the header's content
HEADER_STRIPE = 6  # the secondary colour under the header band
LOGO_HEIGHT, LOGO_WIDTH, LOGO_GAP = 76, 170, 26  # the white tile the logo sits on
KICKER = 14  # "LEDERPLATTFORM" over the organisation's name
ORGANISATION = 38
FOOTER_HEIGHT = 46
MAIN_PADDING = (26, 18)
SECTION_GAP = 26  # the least space between two sections
PURPOSE_PADDING = (20, 26)  # the tinted panel: top/bottom, left/right
PURPOSE_COLUMN_GAP = 36
VALUE_GAP = 12  # between the cells of the diamond and of the rows of values
CELL_PADDING = (12, 12)
MATRIX_VALUE_WIDTH = 192  # the matrix's first column, the values
MATRIX_PADDING = (9, 10)
MATRIX_RULE = 1  # the line under each row

# Line heights, as the stylesheet gives them.
LH_VISION, LH_NAME, LH_TEXT, LH_LABEL = 1.08, 1.1, 1.25, 1.2

# The limits of each size (the smallest, the largest), at A3. The brief of a wall poster:
# values 28-36 pt, running text and bullets at least 16 pt, the vision the largest text.
LIMITS = {
    "value": (28, 36),
    "bullet": (16, 22),
    "lead": (19, 27),
    "meaning": (16, 19),
    "practice": (16, 18),
    "perspective": (13, 15),
    "label": (13, 16),
}
VISION_LARGEST = (60, 120)  # the vision's largest size at the smallest and largest scale
VISION_ABOVE_VALUES = 10  # the vision is always at least this much larger than the values
STEPS = 20  # the scale runs from the smallest sizes to the largest in this many steps
# A platform longer than this many pages at the smallest poster sizes is set as a document.
POSTER_PAGES = 4
DOCUMENT = {
    "value": 20,
    "bullet": 11,
    "lead": 13,
    "meaning": 11,
    "practice": 11,
    "perspective": 10,
    "label": 10,
}


@dataclass(frozen=True)
class Font:
    path: str
    advances: dict[int, int]
    fallback: int
    units_per_em: int


@cache
def _font(name: str) -> Font:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    font = TTFont(Path(path), lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    advances = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    return Font(path, advances, hmtx[".notdef"][0], font["head"].unitsPerEm)


def _char_widths(text: str, font_name: str) -> list[float]:
    font = _font(font_name)
    return [font.advances.get(ord(c), font.fallback) / font.units_per_em for c in text]


@lru_cache(maxsize=8192)
def _width_in_em(font_name: str, text: str) -> float:
    return sum(_char_widths(text, font_name))


def width(text: str, font_name: str, size: float, letter_spacing: float = 0) -> float:
    return (_width_in_em(font_name, text) + letter_spacing * len(text)) * size


@cache
def _hyphenator(language: str) -> pyphen.Pyphen | None:
    lang = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}.get(language, language)
    return pyphen.Pyphen(lang=lang) if lang in pyphen.LANGUAGES else None


# Longer "words" (a pasted link, a row of letters) are cut anywhere, as the browser does.
HYPHENATE_UP_TO = 40


def _split_long(word: str, font_name: str, size: float, room: float, hyphenate) -> list[float]:
    """The widths of the pieces a word wider than a line is broken into: at a hyphenation
    point where there is one that fits (hyphens: auto), else anywhere (overflow-wrap)."""
    if hyphenate is not None and len(word) <= HYPHENATE_UP_TO:
        for head, tail in hyphenate.iterate(word):
            if width(head + "-", font_name, size) <= room:
                rest = _split_long(tail, font_name, size, room, hyphenate)
                return [width(head + "-", font_name, size), *rest]
    pieces, used = [], 0.0
    for advance in _char_widths(word, font_name):
        w = advance * size
        if used and used + w > room:
            pieces.append(used)
            used = 0.0
        used += w
    pieces.append(used)
    return pieces


def line_count(
    text: str,
    font_name: str,
    size: float,
    room: float,
    *,
    language: str = "nb",
    hyphens: bool = False,
) -> int:
    """How many lines `text` takes in a box `room` points wide, wrapped at spaces."""
    words = text.split()
    if not words:
        return 0
    hyphenate = _hyphenator(language) if hyphens else None
    space = width(" ", font_name, size)
    lines, used = 1, 0.0
    for word in words:
        w = width(word, font_name, size)
        pieces = [w] if w <= room else _split_long(word, font_name, size, room, hyphenate)
        for i, piece in enumerate(pieces):
            gap = space if used and i == 0 else 0
            if used and used + gap + piece > room:
                lines += 1
                used = piece
            else:
                used += gap + piece
    return lines


def _longest_word(text: str, font_name: str) -> float:
    return max((_width_in_em(font_name, w) for w in text.split()), default=0)


SIDES = ("ourselves", "each_other", "others")


def sides_present(values: list[dict]) -> list[str]:
    """The sides of good practice that any value has, in their order: the matrix's columns."""
    return [side for side in SIDES if any((v.get("practices") or {}).get(side) for v in values)]


@dataclass
class Layout:
    """What the stylesheet needs: the sizes (points), the arrangement, and the estimate."""

    page: str
    mode: str  # "fill": one page, the space shared out; "flow": as long as it takes
    scale: float  # 0 = the smallest sizes, 1 = the largest
    sizes: dict[str, float]
    # "diamond": nine values in rows of 1-2-3-2-1; "cards": the values in rows of cells;
    # "matrix": a row per value, its characteristics of good practice beside it, a column
    # for each side they are seen from.
    value_style: str
    value_columns: int
    rows: int  # of the diamond or the cells
    sides: list[str]
    purpose_columns: int
    estimate: float  # the estimated height of page one's content, at A3
    room: float  # the height page one has for it, at A3
    blocks: dict[str, float] = field(default_factory=dict)

    @property
    def spare(self) -> float:
        """What page one has left over, shared out around the vision and the values."""
        return max(self.room - self.estimate, 0) if self.mode == "fill" else 0

    def css(self) -> str:
        """Custom properties for the poster's <style> block: numbers only, never text."""
        k = SCALE[self.page]
        lengths = {
            **self.sizes,
            "side": SIDE,
            "page-width": A3_WIDTH,
            "page-height": A3_HEIGHT,
            # A hair less than the page, so rounding never pushes the footer onto a page two.
            "sheet-height": A3_HEIGHT - 1,
            "header-top": HEADER_PADDING[0],
            "header-bottom": HEADER_PADDING[1],
            "stripe": HEADER_STRIPE,
            "logo-height": LOGO_HEIGHT,
            "logo-width": LOGO_WIDTH,
            "logo-gap": LOGO_GAP,
            "kicker": KICKER,
            "organisation": ORGANISATION,
            "footer-height": FOOTER_HEIGHT,
            "main-top": MAIN_PADDING[0],
            "main-bottom": MAIN_PADDING[1],
            "section-gap": SECTION_GAP,
            "purpose-pad-y": PURPOSE_PADDING[0],
            "purpose-pad-x": PURPOSE_PADDING[1],
            "purpose-column-gap": PURPOSE_COLUMN_GAP,
            "value-gap": VALUE_GAP,
            "cell-pad-y": CELL_PADDING[0],
            "cell-pad-x": CELL_PADDING[1],
            # Half a point to spare, so rounding never wraps a row of cells early.
            "cell-width": _cell_width(self.value_columns) - 0.5,
            "matrix-pad-y": MATRIX_PADDING[0],
            "matrix-pad-x": MATRIX_PADDING[1],
            "matrix-value-width": MATRIX_VALUE_WIDTH,
            **self._spaces(),
        }
        return " ".join(f"--{name}: {value * k:.2f}pt;" for name, value in lengths.items())

    def _spaces(self) -> dict[str, float]:
        """Page one's spare height, shared out: the cells of the values grow first (taller
        tiles, up to a little more than a name's height), then the vision gets space above
        and below it, and the values above them; a section that is not there leaves its
        share to the other."""
        spare, extra = self.spare, 0.0
        if self.value_style in ("diamond", "cards") and self.rows:
            extra = min(spare * 0.3 / self.rows / 2, self.sizes["value"] * 0.6)
            spare -= extra * 2 * self.rows
        shares = {"vision": 0.4 if self.blocks.get("vision") else 0}
        shares["values"] = 0.6 if self.blocks.get("values") else 0
        total = sum(shares.values()) or 1
        return {
            "cell-extra": extra,
            "vision-space": spare * shares["vision"] / total / 2,
            # Half above the values; the other half stays under them, above the footer.
            "values-space": spare * shares["values"] / total / 2,
        }


def _cell_width(columns: int) -> float:
    # A row of cells is a table whose spacing is also outside its first and last cell.
    return (CONTENT_WIDTH - (columns + 1) * VALUE_GAP) / columns


def _sizes(scale: float) -> dict[str, float]:
    return {name: low + (high - low) * scale for name, (low, high) in LIMITS.items()}


def _vision_size(text: str, largest: float, smallest: float, language: str) -> float:
    """The largest size, down to `smallest`, at which the vision takes few lines and its
    longest word fits a line: two lines for a short vision, more for a long one."""
    if not text:
        return smallest
    words = len(text.split())
    most_lines = 2 if words <= 6 else 3 if words <= 16 else 6
    size = largest
    while size > smallest:
        fits_word = _longest_word(text, SERIF_BOLD) * size <= CONTENT_WIDTH
        lines = line_count(text, SERIF_BOLD, size, CONTENT_WIDTH, language=language)
        if fits_word and lines <= most_lines:
            return size
        size -= 2
    return smallest


def value_rows(values: list, columns: int) -> list[list]:
    """The values in rows of cells; the last row is the shorter, and centred."""
    return [values[i : i + columns] for i in range(0, len(values), columns)]


def _cards_columns(count: int) -> int:
    if count <= 3:
        return max(count, 1)
    if count == 4:
        return 2
    return 4 if count in (7, 8) or count > 9 else 3


def _label_height(s: dict) -> float:
    # The section's label (uppercase, one line) and the space under it.
    return s["label"] * LH_LABEL + s["label"] * 0.7


def _header_height(organisation: str, has_logo: bool, language: str) -> float:
    room = CONTENT_WIDTH - (LOGO_WIDTH + LOGO_GAP if has_logo else 0)
    lines = line_count(organisation, SANS_BOLD, ORGANISATION, room, language=language)
    title = KICKER * LH_LABEL + 4 + max(lines, 1) * ORGANISATION * LH_NAME
    content = max(title, LOGO_HEIGHT if has_logo else 0)
    return HEADER_PADDING[0] + content + HEADER_PADDING[1] + HEADER_STRIPE


def _purpose_height(data: dict, s: dict, columns: int, language: str) -> float:
    purpose = data.get("purpose") or {}
    lead, points = purpose.get("lead", ""), [p["text"] for p in purpose.get("points", [])]
    if not lead and not points:
        return 0
    inner = CONTENT_WIDTH - 2 * PURPOSE_PADDING[1]
    height = 2 * PURPOSE_PADDING[0] + _label_height(s)
    if lead:
        height += line_count(lead, SANS_BOLD, s["lead"], inner, language=language) * (
            s["lead"] * LH_TEXT
        )
        if points:
            height += s["lead"] * 0.5
    if points:
        column = (inner - (columns - 1) * PURPOSE_COLUMN_GAP) / columns
        room = column - s["bullet"] * 1.2  # the bullet's indent
        item_lines = [line_count(t, SANS, s["bullet"], room, language=language) for t in points]
        line = s["bullet"] * LH_TEXT
        space = s["bullet"] * 0.3  # between two points
        items = [n * line + space for n in item_lines]
        # Balanced columns are at most a column's share plus the tallest point (no point is
        # split between columns).
        height += min(sum(items), sum(items) / columns + max(items)) - space
    return height


def _value_block(value: dict, s: dict, room: float, language: str) -> float:
    height = line_count(
        value["name"], SANS_BOLD, s["value"], room, language=language, hyphens=True
    ) * (s["value"] * LH_NAME)
    if value.get("meaning"):
        height += s["meaning"] * 0.35 + line_count(
            value["meaning"], SANS, s["meaning"], room, language=language
        ) * (s["meaning"] * LH_TEXT)
    return height


def _practices_height(texts: list[str], s: dict, room: float, language: str) -> float:
    room -= s["practice"] * 1.1  # the bullet's indent
    line, space = s["practice"] * LH_TEXT, s["practice"] * 0.3
    lines = [line_count(t, SANS, s["practice"], room, language=language) for t in texts]
    return sum(n * line for n in lines) + space * max(len(texts) - 1, 0)


def _values_height(values: list[dict], s: dict, style: str, columns: int, sides, language):
    if not values:
        return 0
    if style == "diamond":
        # The cells of a row are as tall as its tallest (a long name in two lines makes its
        # row taller, not the whole diamond).
        room = _cell_width(3) - 2 * CELL_PADDING[1]
        rows = [values[0:1], values[1:3], values[3:6], values[6:8], values[8:9]]
        cells = sum(max(_value_block(v, s, room, language) for v in row) for row in rows)
        return _label_height(s) + cells + 5 * 2 * CELL_PADDING[0] + 4 * VALUE_GAP
    if style == "cards":
        room = _cell_width(columns) - 2 * CELL_PADDING[1]
        rows = value_rows(values, columns)
        cells = sum(max(_value_block(v, s, room, language) for v in row) for row in rows)
        return (
            _label_height(s) + cells + len(rows) * 2 * CELL_PADDING[0] + (len(rows) - 1) * VALUE_GAP
        )
    side_room = (CONTENT_WIDTH - MATRIX_VALUE_WIDTH) / len(sides) - 2 * MATRIX_PADDING[1]
    header_lines = max(
        line_count(label, SANS_BOLD, s["perspective"], side_room, language=language)
        for label in sides.values()
    )
    height = _label_height(s) + header_lines * s["perspective"] * LH_LABEL + 2 * MATRIX_PADDING[0]
    value_room = MATRIX_VALUE_WIDTH - 2 * MATRIX_PADDING[1]
    for value in values:
        practices = value.get("practices") or {}
        cells = [_value_block(value, s, value_room, language)] + [
            _practices_height([p["text"] for p in practices.get(side, [])], s, side_room, language)
            for side in sides
        ]
        height += max(cells) + 2 * MATRIX_PADDING[0] + MATRIX_RULE
    return height


def compute(
    data: dict,
    *,
    page: str,
    organisation: str,
    has_logo: bool,
    language: str,
    side_labels: dict[str, str],
) -> Layout:
    """The poster's sizes for this content: the largest scale whose page one holds it all,
    or the smallest, flowing on, where nothing fits (and a document's, where it would take
    more than a few pages). `side_labels` are the matrix's column headings, in the poster's
    language."""
    values = data.get("values") or []
    sides = {side: side_labels[side] for side in sides_present(values)}
    short_meanings = all(len(v.get("meaning") or "") <= 90 for v in values)
    if sides:
        style, columns = "matrix", 1
    elif len(values) == 9 and short_meanings:
        style, columns = "diamond", 3
    else:
        style, columns = "cards", _cards_columns(len(values))
    points = (data.get("purpose") or {}).get("points") or []
    purpose_columns = 1 if len(points) <= 3 else 2
    vision = (data.get("vision") or {}).get("text", "")

    header = _header_height(organisation, has_logo, language)
    room = A3_HEIGHT - header - FOOTER_HEIGHT - sum(MAIN_PADDING)

    def estimate(sizes: dict, scale: float) -> tuple[dict, dict, float]:
        """The sizes with the vision's, each section's height and page one's total."""
        largest = VISION_LARGEST[0] + (VISION_LARGEST[1] - VISION_LARGEST[0]) * scale
        sizes = dict(sizes)
        sizes["vision"] = _vision_size(
            vision, largest, sizes["value"] + VISION_ABOVE_VALUES, language=language
        )
        blocks = {}
        if vision:
            lines = line_count(
                vision, SERIF_BOLD, sizes["vision"], CONTENT_WIDTH, language=language
            )
            blocks["vision"] = _label_height(sizes) + lines * sizes["vision"] * LH_VISION
        blocks["purpose"] = _purpose_height(data, sizes, purpose_columns, language)
        blocks["values"] = _values_height(values, sizes, style, columns, sides, language)
        present = [h for h in blocks.values() if h]
        return sizes, blocks, sum(present) + SECTION_GAP * max(len(present) - 1, 0)

    # The smallest sizes first: if page one can't hold the platform at them, it flows on.
    scale = 0.0
    sizes, blocks, height = estimate(_sizes(0), 0)
    if height > POSTER_PAGES * room:
        # Pages and pages: no longer a wall poster but a document, set as one (and rendered
        # in a time a worker can afford).
        sizes, blocks, height = estimate(DOCUMENT, 0)
    elif height <= room:
        # The largest scale that still fits (the height only grows with the scale).
        low, high = 0, STEPS
        while low < high:
            middle = (low + high + 1) // 2
            tried = estimate(_sizes(middle / STEPS), middle / STEPS)
            if tried[2] <= room:
                low, (sizes, blocks, height) = middle, tried
            else:
                high = middle - 1
        scale = low / STEPS
    return Layout(
        page=page if page in SCALE else "a3",
        mode="fill" if height <= room else "flow",
        scale=scale,
        sizes=sizes,
        value_style=style,
        value_columns=columns,
        rows=5 if style == "diamond" else len(value_rows(values, columns)),
        sides=list(sides),
        purpose_columns=purpose_columns,
        estimate=height,
        room=room,
        blocks=blocks,
    )
