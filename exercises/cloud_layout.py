"""Where each word of a word cloud stands on the projector: sized by how often it was sent and
placed on a spiral out from the middle, the largest first, so the same words always make the
same cloud (no randomness, no script in the browser).

The words are measured with the fonts the projector draws them in (static/fonts, served to
the page by static/css/stage.css), so what is laid out here is what is shown: nothing
overlaps. Coordinates are in a box of WIDTH × HEIGHT units that the page scales to fit.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from exercises.aggregate import CloudWord
from exercises.svg import _font

WIDTH, HEIGHT = 1000, 440
# Type size in units per weight (1..6). A few words are drawn larger (SCALES); the smallest,
# times the smallest scale, stays 32 px or more when the cloud is drawn about 1,450 px wide
# (a 1080p projector).
SIZES = {1: 30, 2: 36, 3: 44, 4: 54, 5: 66, 6: 82}
SCALES = (1.4, 1.2, 1.0, 0.9, 0.8)  # the largest that takes every word
PAD = 6  # units kept clear around each word
MOST_WORDS = 60  # more than this is no longer a picture; the rest are counted
STEPS = 2400  # points tried along the spiral before a word is given up at this scale


@dataclass(frozen=True)
class Spot:
    word: CloudWord
    x: float  # the middle of the word
    y: float  # its baseline
    size: float
    bold: bool


@dataclass(frozen=True)
class Layout:
    spots: tuple[Spot, ...]
    left_out: int  # words that did not fit (the least sent)


def _boxes_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _spiral():
    """Points out from the middle on an ellipse as wide as the box, in a fixed order."""
    stretch = WIDTH / HEIGHT
    for step in range(STEPS):
        angle = step * 0.21
        radius = 1.6 * angle
        yield radius * math.cos(angle) * stretch, radius * math.sin(angle)


SPIRAL = tuple(_spiral())


def _place(words: list[CloudWord], scale: float) -> list[Spot]:
    placed: list[tuple[float, ...]] = []
    spots = []
    for word in words:
        bold = word.weight > 3
        size = SIZES[word.weight] * scale
        width = _font(100, bold).getlength(word.text) * size / 100
        # DejaVu's ascent and descent: about 0.93 and 0.24 of the size.
        above, below = 0.93 * size, 0.24 * size
        last = None  # the box hit last time: the likeliest to be hit again
        for dx, dy in SPIRAL:
            x, y = WIDTH / 2 + dx, HEIGHT / 2 + dy + (above - below) / 2
            box = (x - width / 2 - PAD, y - above - PAD, x + width / 2 + PAD, y + below + PAD)
            if box[0] < 0 or box[1] < 0 or box[2] > WIDTH or box[3] > HEIGHT:
                if abs(dx) > WIDTH and abs(dy) > HEIGHT:
                    break  # the spiral has left the box on every side
                continue
            if last is not None and _boxes_overlap(box, last):
                continue
            last = next((other for other in placed if _boxes_overlap(box, other)), None)
            if last is None:
                placed.append(box)
                spots.append(Spot(word, round(x, 1), round(y, 1), round(size, 1), bold))
                break
    return spots


@functools.lru_cache(maxsize=128)
def _layout(words: tuple[CloudWord, ...]) -> Layout:
    shown = list(words[:MOST_WORDS])
    best: list[Spot] = []
    for scale in SCALES:
        spots = _place(shown, scale)
        if len(spots) == len(shown):
            return Layout(tuple(spots), len(words) - len(shown))
        if len(spots) > len(best):
            best = spots
    return Layout(tuple(best), len(words) - len(best))


def layout(words: list[CloudWord]) -> Layout:
    """The cloud's words in place, most sent first. Cached: a redraw of the same words (a
    push for something else) costs nothing."""
    return _layout(tuple(words))
