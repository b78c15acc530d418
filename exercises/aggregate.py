"""Pure aggregation functions for room results. No database here: easy to test, easy to reuse."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RING_ABOVE = "\u030a"


def word_key(text: str) -> str:
    """The form under which word-cloud entries merge: case, spacing and accents ignored.

    "Tillit", " tillit " and "TILLIT" are one word; so are "idé" and "ide". Norwegian letters
    stay letters: "får" (sheep) is not "far" (father), so the ring of å is kept.
    """
    decomposed = unicodedata.normalize("NFD", " ".join(text.split()).casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char) and not (char == RING_ABOVE and kept and kept[-1] == "a"):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


@dataclass(frozen=True)
class CloudWord:
    key: str
    text: str  # the spelling people used most (the earliest of equals)
    count: int
    weight: int  # 1..6, for the type size


def cloud(
    entries: Iterable[str],
    merges: Mapping[str, str] | None = None,
    hidden: Iterable[str] = (),
    steps: int = 6,
) -> list[CloudWord]:
    """Count entries by their key, apply the facilitator's merges and hides, weigh by count.

    Entries are given in the order they arrived. Merges map a key onto another key (chains are
    followed). The result is sorted by count, then alphabetically, so ties read predictably.
    """
    merges = dict(merges or {})
    hidden = set(hidden)

    def final(key: str) -> str:
        seen = set()
        while key in merges and key not in seen:
            seen.add(key)
            key = merges[key]
        return key

    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries):
        text = " ".join(entry.split())
        if not text:
            continue
        key = final(word_key(text))
        counts[key] += 1
        spellings.setdefault(key, Counter())[text] += 1
        first_seen.setdefault((key, text), index)
    words = []
    top = max((c for k, c in counts.items() if k not in hidden), default=0)
    for key, count in counts.items():
        if key in hidden:
            continue
        text = min(spellings[key], key=lambda t: (-spellings[key][t], first_seen[(key, t)]))
        weight = 1 + round((steps - 1) * (count - 1) / (top - 1)) if top > 1 else 1
        words.append(CloudWord(key=key, text=text, count=count, weight=weight))
    words.sort(key=lambda w: (-w.count, w.key))
    return words
