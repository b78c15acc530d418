"""Pure aggregation functions for room results. No database here: easy to test, easy to reuse."""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

RING_ABOVE = "\u030a"


@functools.lru_cache(maxsize=8192)
def word_key(text: str) -> str:
    """The form under which word-cloud entries merge: case, spacing and accents ignored.

    "Tillit", " tillit " and "TILLIT" are one word; so are "idé" and "ide". Norwegian letters
    stay letters: "får" (sheep) is not "far" (father), so the ring of å is kept.

    Cached: a room sends the same few words again and again, and the projector's cloud is
    counted afresh at every redraw, where normalising each word anew was most of the time
    (figures in docs/performance.md).
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
    entries: Iterable[str | tuple[str, int]],
    merges: Mapping[str, str] | None = None,
    hidden: Iterable[str] = (),
    steps: int = 6,
) -> list[CloudWord]:
    """Count entries by their key, apply the facilitator's merges and hides, weigh by count.

    Entries are given in the order they arrived: each a text, or a (text, times) pair for a
    text sent that many times, placed where it was first sent (the database counts a room's
    words faster than this loop does). Merges map a key onto another key (chains are
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
        raw, times = (entry, 1) if isinstance(entry, str) else entry
        text = " ".join(raw.split())
        if not text or times < 1:
            continue
        key = final(word_key(text))
        counts[key] += times
        spellings.setdefault(key, Counter())[text] += times
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


# Surveys: statements answered on a 1–5 scale, and free-text questions.

SCALE = (1, 2, 3, 4, 5)
# With two answers, anyone who gave one of them can work out the other from the mean. Settings
# can raise the threshold; nothing lowers it below this.
FEWEST_ANSWERS_SHOWN = 3


def statement_key(text: str) -> str:
    """The form under which a statement is the same statement on another day: case and spacing
    ignored, so retyping a template on a later day still finds last time's answers."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class ScaleSummary:
    n: int
    needed: int  # answers it takes before anything besides n is shown
    mean: float | None = None
    distribution: tuple[int, ...] | None = None  # how many chose 1, 2, 3, 4 and 5

    @property
    def shown(self) -> bool:
        return self.distribution is not None

    @property
    def shares(self) -> tuple[float, ...]:
        """The distribution in per cent of n, for drawing."""
        if not self.distribution:
            return ()
        return tuple(100 * count / self.n for count in self.distribution)


def answers_needed(minimum: int) -> int:
    return max(minimum, FEWEST_ANSWERS_SHOWN)


def scale_summary(scores: Iterable[int], minimum: int) -> ScaleSummary:
    """n always; the mean and the distribution only from `minimum` answers (never below 3)."""
    valid = [s for s in scores if type(s) is int and s in SCALE]
    needed = answers_needed(minimum)
    if len(valid) < needed:
        return ScaleSummary(n=len(valid), needed=needed)
    counts = Counter(valid)
    return ScaleSummary(
        n=len(valid),
        needed=needed,
        mean=sum(valid) / len(valid),
        distribution=tuple(counts[value] for value in SCALE),
    )


def survey_scores(
    sheets: Iterable[Mapping[str, int]],
    statements: Sequence[str],
    minimum: int,
) -> list[ScaleSummary]:
    """One summary per statement, in the survey's order.

    Each sheet is one person's scores by statement text. Scores for statements the survey no
    longer has (edited while it ran) are left out; a new statement counts only its own answers.
    """
    by_key: dict[str, list[int]] = {statement_key(text): [] for text in statements}
    for sheet in sheets:
        for text, score in sheet.items():
            key = statement_key(text)
            if key in by_key:
                by_key[key].append(score)
    return [scale_summary(by_key[statement_key(text)], minimum) for text in statements]


def open_answers(
    sheets: Sequence[Mapping[str, str]], questions: Sequence[str], minimum: int
) -> list[list[str]] | None:
    """The written answers per question, or None while fewer than `minimum` people answered.

    Sorted alphabetically, not in the order they came: listed in arrival order, the n-th answer
    of every question would be the same person's, and the order could be matched to who was
    seen pressing "send".
    """
    if len(sheets) < answers_needed(minimum):
        return None
    result = []
    for question in questions:
        key = statement_key(question)
        texts = [
            text.strip()
            for sheet in sheets
            for asked, text in sheet.items()
            if statement_key(asked) == key and text and text.strip()
        ]
        result.append(sorted(texts, key=lambda t: (t.casefold().translate(NORWEGIAN_ORDER), t)))
    return result


# Æ, Ø and Å come after Z, in that order; Unicode puts Å before Æ.
NORWEGIAN_ORDER = str.maketrans({"æ": "z\U0010fff0", "ø": "z\U0010fff1", "å": "z\U0010fff2"})


@dataclass(frozen=True)
class ScoreChange:
    previous: int
    current: int

    @property
    def delta(self) -> int:
        return self.current - self.previous


def score_changes(
    current: Mapping[str, int], earlier: Iterable[Mapping[str, int]], *, since_first: bool = False
) -> dict[str, ScoreChange]:
    """Per statement (by statement_key), one person's change since they last answered it, or
    with `since_first`, since the first time they answered it.

    `earlier` holds the person's earlier sheets, oldest first; the latest answer to each
    statement counts (the earliest with `since_first`), so a statement skipped on day 2
    compares with day 1.
    """
    latest: dict[str, int] = {}
    for sheet in earlier:
        for text, score in sheet.items():
            if type(score) is int and score in SCALE:
                if since_first:
                    latest.setdefault(statement_key(text), score)
                else:
                    latest[statement_key(text)] = score
    return {
        statement_key(text): ScoreChange(latest[statement_key(text)], score)
        for text, score in current.items()
        if statement_key(text) in latest
    }


# Proposals and prioritisation: dots, rankings (Borda) and standings with ties.


def follow(key: str, merges: Mapping[str, str] | None) -> str:
    """Where a merged entry ended up. Merges map a key onto another key; chains are followed
    and a loop stops where it would repeat."""
    merges = merges or {}
    seen = set()
    while key in merges and key not in seen:
        seen.add(key)
        key = merges[key]
    return key


def dots_problem(allocation: Mapping[str, int], budget: int, *, stack: bool) -> str | None:
    """Why a person's dots can't be accepted, or None: "negative", "stacked" (several on one
    proposal where that is not allowed), "over_budget" or "none" (no dot placed at all)."""
    values = list(allocation.values())
    if any(dots < 0 for dots in values):
        return "negative"
    if not stack and any(dots > 1 for dots in values):
        return "stacked"
    if sum(values) > budget:
        return "over_budget"
    if sum(values) == 0:
        return "none"
    return None


def dot_totals(
    ballots: Iterable[Mapping[str, int]],
    merges: Mapping[str, str] | None = None,
    *,
    stack: bool = True,
) -> Counter[str]:
    """Dots per proposal over everyone's ballots (proposal key -> dots).

    Dots on proposals that were merged afterwards land on the merged one. Where only one dot per
    proposal is allowed, a person who had dotted two proposals that became one still gives it one.
    """
    totals: Counter[str] = Counter()
    for ballot in ballots:
        mine: Counter[str] = Counter()
        for key, dots in ballot.items():
            if dots > 0:
                mine[follow(str(key), merges)] += dots
        totals.update({key: dots if stack else 1 for key, dots in mine.items()})
    return totals


def borda_points(
    rankings: Iterable[Sequence[str]], places: int, merges: Mapping[str, str] | None = None
) -> Counter[str]:
    """Borda count over each person's top `places`: first place earns `places` points, the next
    one less, down to 1. A person may rank fewer. Two ranked proposals that were merged afterwards
    count once, at the better place."""
    totals: Counter[str] = Counter()
    for ranking in rankings:
        seen = set()
        for index, key in enumerate(list(ranking)[:places]):
            key = follow(str(key), merges)
            if key in seen:
                continue
            seen.add(key)
            totals[key] += places - index
    return totals


@dataclass(frozen=True)
class Standing:
    key: str
    score: int
    rank: int  # equal scores share a rank; the next rank skips (1, 2, 2, 4)
    tied: bool


def standings(scores: Mapping[str, int], keys: Iterable[str]) -> list[Standing]:
    """Every key with its score (0 when nobody chose it), best first, ties shown as ties.

    Equal scores keep the order of `keys`, so a tie reads the same way on every screen; it is
    still a tie: the decision between them is the room's, not the sort order's.
    """
    keys = list(dict.fromkeys(keys))
    ordered = sorted(keys, key=lambda key: -scores.get(key, 0))
    per_score = Counter(scores.get(key, 0) for key in keys)
    result = []
    rank = 0
    previous = None
    for position, key in enumerate(ordered, start=1):
        score = scores.get(key, 0)
        if score != previous:
            rank, previous = position, score
        result.append(Standing(key=key, score=score, rank=rank, tied=per_score[score] > 1))
    return result


# Diamond: nine items placed in rows of 1-2-3-2-1, the most important at the top. There may
# be more than nine to choose from: each diamond then leaves the rest out.

DIAMOND_ROWS = (1, 2, 3, 2, 1)  # how many items each row takes, from the top


def diamond_weight(row: int) -> int:
    """What an item in `row` (1 = top) earns: 5 at the top, down to 1 at the bottom."""
    return len(DIAMOND_ROWS) + 1 - row


def diamond_overfull(rows_chosen: Iterable[int]) -> list[tuple[int, int, int]]:
    """The rows that were given more items than they take, as (row, capacity, chosen)."""
    counts = Counter(rows_chosen)
    return [
        (row, capacity, counts[row])
        for row, capacity in enumerate(DIAMOND_ROWS, start=1)
        if counts[row] > capacity
    ]


def is_complete_diamond(rows: Sequence[Sequence[str]], items: Sequence[str]) -> bool:
    """Whether `rows` (five lists of items, top first) make a whole diamond of `items`: each
    row holding exactly as many as it takes, each item at most once, every one of them one of
    `items` (with nine items, every item; with more, nine of them, the rest left out)."""
    if len(rows) != len(DIAMOND_ROWS):
        return False
    if any(len(row) != capacity for row, capacity in zip(rows, DIAMOND_ROWS, strict=True)):
        return False
    placed = [item for row in rows for item in row]
    return len(set(placed)) == len(placed) and set(placed) <= set(items)


@dataclass(frozen=True)
class DiamondTally:
    scores: Counter[str]  # item -> points (row weights summed over the counted diamonds)
    rows: dict[str, tuple[int, ...]]  # item -> how many people put it in row 1, 2, 3, 4, 5
    counted: int  # diamonds that count
    ignored: int  # diamonds left out: incomplete, or of other items than these
    # item -> how many counted diamonds could have placed it, and how many of those left it
    # out (chose other items for their nine)
    offered: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)


def _add_diamond(rows, own, scores, per_row, offered, left_out) -> None:
    placed = set()
    for number, row in enumerate(rows, start=1):
        for item in row:
            placed.add(item)
            scores[item] += diamond_weight(number)
            per_row.setdefault(item, [0] * len(DIAMOND_ROWS))[number - 1] += 1
    for item in own:
        offered[item] = offered.get(item, 0) + 1
        if item not in placed:
            left_out[item] = left_out.get(item, 0) + 1


def diamond_tally(
    placements: Iterable[Sequence[Sequence[str]]], items: Sequence[str]
) -> DiamondTally:
    """Add up everyone's diamonds by row weight (5 at the top .. 1 at the bottom), and count
    how many left each item out.

    Only whole diamonds of these items count. A partial one would give its items points
    while the rest got none, and one placed before the items were edited ranks words the room
    no longer has; both are left out and counted in `ignored`, never guessed at. (An item added
    after someone placed counts as left out by them: their nine are still these items'.)
    """
    scores: Counter[str] = Counter(dict.fromkeys(items, 0))
    per_row = {item: [0] * len(DIAMOND_ROWS) for item in items}
    offered: dict[str, int] = dict.fromkeys(items, 0)
    left_out: dict[str, int] = dict.fromkeys(items, 0)
    counted = ignored = 0
    for rows in placements:
        if not is_complete_diamond(rows, items):
            ignored += 1
            continue
        counted += 1
        _add_diamond(rows, items, scores, per_row, offered, left_out)
    return DiamondTally(
        scores=scores,
        rows={item: tuple(counts) for item, counts in per_row.items()},
        counted=counted,
        ignored=ignored,
        offered=offered,
        left_out=left_out,
    )


def diamond_tally_each(
    placements: Iterable[tuple[Sequence[Sequence[str]], Sequence[str]]],
    items: Sequence[str] = (),
) -> DiamondTally:
    """Diamonds of different items added up by item: each group placed its own items (its own
    result from an earlier exercise), and the room's ranking takes every item any group had.

    Each diamond counts only if it is whole for the items it was placed for; an item gets
    points from the diamonds it was in, so an item nine groups shared can outrank one group's
    own top item, which is what a room's combined ranking should show. `items` are shown with
    0 points where no counted diamond had them.
    """
    scores: Counter[str] = Counter(dict.fromkeys(items, 0))
    per_row = {item: [0] * len(DIAMOND_ROWS) for item in items}
    offered: dict[str, int] = dict.fromkeys(items, 0)
    left_out: dict[str, int] = dict.fromkeys(items, 0)
    counted = ignored = 0
    for rows, own in placements:
        if not is_complete_diamond(rows, own):
            ignored += 1
            continue
        counted += 1
        for item in own:
            scores.setdefault(item, 0)
            per_row.setdefault(item, [0] * len(DIAMOND_ROWS))
        _add_diamond(rows, own, scores, per_row, offered, left_out)
    return DiamondTally(
        scores=scores,
        rows={item: tuple(counts) for item, counts in per_row.items()},
        counted=counted,
        ignored=ignored,
        offered=offered,
        left_out=left_out,
    )
