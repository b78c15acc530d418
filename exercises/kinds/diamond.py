"""Diamond (diamant): nine items placed in rows of 1-2-3-2-1, the most important at the top.

Each person places the nine on their phone: by choosing a row for each item in a plain form,
or (with diamond.js) by tapping an item and then a row, or dragging it there. The room's
result adds everyone's diamonds by row weight (5 at the top down to 1 at the bottom); equal
totals share a place. The projector shows only how many have placed until the facilitator
reveals the result; placements close while it is shown.

A placement is stored by the items' texts, top row first, and replaces the person's earlier
one. Only complete diamonds are saved; a refused attempt is kept as the person's draft, so
that a phone without JavaScript (whose form reloads the page) sees what it chose and why it
was refused. Drafts count nowhere.

Per person only, for now: `mode` is a setting with "person" as its only value, so the group
mode (the secretary places, the group watches) can be added as a choice of the same setting.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from exercises.aggregate import (
    DIAMOND_ROWS,
    diamond_overfull,
    diamond_tally,
    standings,
    word_key,
)
from exercises.kinds import common
from exercises.phases import Phase

NAME = "diamond"
LABEL = _("Diamond")
TEMPLATE = "exercises/kinds/diamond.html"
PLACEMENT = "placement"
DRAFT = "draft"
ITEM_COUNT = sum(DIAMOND_ROWS)
ITEM_LENGTH = 80
PERSON = "person"  # the group mode comes with the group framework


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Task"),
        max_length=300,
        initial=_("Place the values: the most important at the top."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    items = forms.CharField(
        label=_("The nine items, one per line"),
        help_text=_("Exactly nine, each at most 80 characters, no two alike."),
        widget=forms.Textarea(attrs={"rows": 9}),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, initial=8)

    def clean_items(self) -> str:
        lines = [" ".join(line.split()) for line in self.cleaned_data["items"].splitlines()]
        lines = [line for line in lines if line]
        problems = []
        if len(lines) != ITEM_COUNT:
            problems.append(
                ngettext(
                    "Write exactly nine items, one per line (this has %(count)s).",
                    "Write exactly nine items, one per line (this has %(count)s).",
                    len(lines),
                )
                % {"count": len(lines)}
            )
        for number, line in enumerate(lines, start=1):
            if len(line) > ITEM_LENGTH:
                problems.append(
                    gettext(
                        "Line %(number)s is %(length)s characters; keep each item to %(limit)s."
                    )
                    % {"number": number, "length": len(line), "limit": ITEM_LENGTH}
                )
        seen: dict[str, str] = {}
        for line in lines:
            key = word_key(line)
            if key in seen:
                problems.append(
                    gettext("“%(item)s” is there twice (as “%(first)s”); each item once.")
                    % {"item": line, "first": seen[key]}
                )
            seen.setdefault(key, line)
        if problems:
            raise forms.ValidationError(problems)
        # Kept as text, so the setup form shows it as typed (one per line) when edited.
        return "\n".join(lines)


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run, items="", mode=PERSON)


def phases(settings: dict) -> list[Phase]:
    return [Phase("place", _("Place the items"), settings.get("minutes", 8))]


def items_of(settings: dict) -> list[str]:
    """The items to place, in the order the facilitator gave them.

    Typed in the settings for now. Taking them from an earlier exercise's output (a group's
    nine values, the top of a word cloud) is meant to plug in here: a `source` setting naming
    the run, read when this run starts, with the typed list as the fallback.
    """
    return [line for line in (settings.get("items") or "").splitlines() if line.strip()]


def row_label(number: int) -> str:
    capacity = DIAMOND_ROWS[number - 1]
    if number == 1:
        return gettext("Row 1 (top, 1 item)")
    if number == len(DIAMOND_ROWS):
        return gettext("Row %(number)s (bottom, 1 item)") % {"number": number}
    return ngettext(
        "Row %(number)s (%(capacity)s item)", "Row %(number)s (%(capacity)s items)", capacity
    ) % {"number": number, "capacity": capacity}


@dataclass(frozen=True)
class Choice:
    """One item on the phone's form: its select and what it shows."""

    index: int
    item: str
    name: str
    value: str  # "1".."5", or "" while not placed
    invalid: bool
    errors: list


@dataclass(frozen=True)
class Row:
    number: int
    capacity: int
    label: str
    items: list[str]


class PlacementForm(forms.Form):
    """A row for each item. Fields are named by the item's position in the list; the
    placement is saved by the items' texts."""

    def __init__(self, *args, items: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.overfull: list[tuple[int, int, int]] = []
        choices = [("", pgettext_lazy("diamond row", "Not placed"))] + [
            (str(number), row_label(number)) for number in range(1, len(DIAMOND_ROWS) + 1)
        ]
        for index, item in enumerate(items):
            self.fields[f"item-{index}"] = forms.ChoiceField(
                label=item,
                required=False,
                choices=choices,
                error_messages={"invalid_choice": _("Choose a row from 1 to 5.")},
            )

    def _shown(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "")

    @property
    def choices(self) -> list[Choice]:
        overfull_rows = {str(row) for row, _capacity, _chosen in self.overfull}
        result = []
        for index, item in enumerate(self.items):
            name = f"item-{index}"
            value = self._shown(name)
            errors = self.errors.get(name, []) if self.is_bound else []
            invalid = bool(errors) or (self.is_bound and value in overfull_rows)
            result.append(Choice(index, item, name, value, invalid, errors))
        return result

    @property
    def unplaced(self) -> list[str]:
        return [choice.item for choice in self.choices if not choice.value]

    @property
    def rows(self) -> list[Row]:
        """The diamond as chosen on this form, top first (over-full rows included)."""
        by_row: dict[str, list[str]] = {}
        for choice in self.choices:
            by_row.setdefault(choice.value, []).append(choice.item)
        return [
            Row(number, capacity, row_label(number), by_row.get(str(number), []))
            for number, capacity in enumerate(DIAMOND_ROWS, start=1)
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.items:
            raise forms.ValidationError(gettext("There are no items to place yet."))
        if self.errors:
            return cleaned
        chosen = {
            index: int(cleaned[f"item-{index}"])
            for index in range(len(self.items))
            if cleaned.get(f"item-{index}")
        }
        self.overfull = diamond_overfull(chosen.values())
        problems = [
            ngettext(
                "Row %(row)s takes %(capacity)s item; you chose %(chosen)s. Move %(extra)s "
                "to another row.",
                "Row %(row)s takes %(capacity)s items; you chose %(chosen)s. Move %(extra)s "
                "to another row.",
                capacity,
            )
            % {"row": row, "capacity": capacity, "chosen": count, "extra": count - capacity}
            for row, capacity, count in self.overfull
        ]
        missing = len(self.items) - len(chosen)
        if missing:
            problems.append(
                ngettext(
                    "Place every item: %(count)s is not placed yet.",
                    "Place every item: %(count)s are not placed yet.",
                    missing,
                )
                % {"count": missing}
            )
        if problems:
            raise forms.ValidationError(problems)
        cleaned["rows"] = [
            [item for index, item in enumerate(self.items) if chosen[index] == number]
            for number in range(1, len(DIAMOND_ROWS) + 1)
        ]
        return cleaned


def _initial(rows: list[list[str]], items: list[str]) -> dict[str, str]:
    position = {item: index for index, item in enumerate(items)}
    return {
        f"item-{position[item]}": str(number)
        for number, row in enumerate(rows, start=1)
        for item in row
        if item in position
    }


def _placement_form(run, items: list[str], attendee) -> PlacementForm:
    """The phone's form: its refused draft (with the reasons), else its saved diamond."""
    if attendee is None:
        return PlacementForm(items=items)
    mine = dict(
        run.submissions.filter(author=attendee, key__in=(PLACEMENT, DRAFT)).values_list(
            "key", "data"
        )
    )
    if DRAFT in mine:
        form = PlacementForm(mine[DRAFT].get("choices", {}), items=items)
        form.is_valid()  # so the reasons show again
        return form
    return PlacementForm(
        items=items, initial=_initial(mine.get(PLACEMENT, {}).get("rows", []), items)
    )


def _refused(form: forms.Form, message: str) -> forms.Form:
    form.errors.setdefault(NON_FIELD_ERRORS, form.error_class(error_class="nonfield"))
    form.errors[NON_FIELD_ERRORS].append(message)
    return form


def _keep_draft(run, attendee, form: PlacementForm) -> None:
    """Keep a refused attempt as the person's draft, in place of an earlier draft.

    Not through runs.submit: a draft is rewritten at every refusal, while the phone keeps one
    token until its placement is saved, and a draft is no news to the projector.
    """
    choices = {choice.name: choice.value for choice in form.choices if choice.value}
    drafts = run.submissions.filter(author=attendee, key=DRAFT)
    if not drafts.update(data={"choices": choices}):
        run.submissions.create(
            author=attendee, key=DRAFT, text="", data={"choices": choices}, token=uuid.uuid4()
        )


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    items = items_of(settings_of(run))
    if run.state.get("revealed"):
        return _refused(
            _placement_form(run, items, attendee),
            gettext("The result is shown, so placing is closed. Nothing was saved."),
        )
    form = PlacementForm(data, items=items)
    if not form.is_valid():
        if items:
            _keep_draft(run, attendee, form)
        return form
    rows = form.cleaned_data["rows"]
    save(
        run,
        attendee,
        key=PLACEMENT,
        text=" / ".join(", ".join(row) for row in rows),
        token=token,
        data={"rows": rows},
        replace=True,
    )
    run.submissions.filter(author=attendee, key=DRAFT).delete()
    return form


@dataclass(frozen=True)
class Result:
    item: str
    score: int
    rank: int
    tied: bool
    rows: tuple[int, ...]  # how many put it in row 1..5
    bar: int  # 0..10, relative to the top score


def results(items: list[str], placements: list[dict]):
    """Every item with its points and place, best first, and the tally behind them."""
    tally = diamond_tally([placement.get("rows", []) for placement in placements], items)
    top = max(tally.scores.values(), default=0)
    ranked = [
        Result(
            item=standing.key,
            score=standing.score,
            rank=standing.rank,
            tied=standing.tied,
            rows=tally.rows[standing.key],
            bar=round(10 * standing.score / top) if top else 0,
        )
        for standing in standings(tally.scores, items)
    ]
    return ranked, tally


def context(run, attendee=None) -> dict:
    settings = settings_of(run)
    items = items_of(settings)
    revealed = run.state.get("revealed", False)
    placements = list(run.submissions.filter(key=PLACEMENT).values_list("data", flat=True))
    ranked, tally = results(items, placements)
    my_rows = []
    if attendee is not None:
        saved = run.submissions.filter(author=attendee, key=PLACEMENT).values_list(
            "data", flat=True
        )
        saved = next(iter(saved), None)
        if saved:
            my_rows = [
                Row(number, capacity, row_label(number), list(row))
                for number, (capacity, row) in enumerate(
                    zip(DIAMOND_ROWS, saved.get("rows", []), strict=False), start=1
                )
            ]
    return {
        "settings": settings,
        "mode": settings["mode"],
        "items": items,
        "revealed": revealed,
        "placed": len(placements),
        "counted": tally.counted,
        "ignored": tally.ignored,
        "joined": run.workshop.attendees.count(),
        "results": ranked,
        "row_numbers": list(range(1, len(DIAMOND_ROWS) + 1)),
        "my_rows": my_rows,
        "state_key": "revealed" if revealed else "place",
        # A phone that comes back to this run fetches its own diamond: the fragment drawn
        # for the whole room can't show it (see the template).
        "fetch_mine": run.submissions.filter(key__in=(PLACEMENT, DRAFT)).exists(),
        "form": None if revealed else _placement_form(run, items, attendee),
    }


def _reveal(run, data) -> str:
    run.state["revealed"] = True
    return ""


def _conceal(run, data) -> str:
    run.state["revealed"] = False
    return ""


ACTIONS = {"reveal": _reveal, "conceal": _conceal}


def export(run) -> tuple[list[str], list[list]]:
    ctx = context(run)
    header = [
        gettext("Place"),
        gettext("Item"),
        gettext("Points"),
        gettext("Shared place"),
        *[gettext("In row %(number)s") % {"number": number} for number in ctx["row_numbers"]],
    ]
    rows = [
        [
            result.rank,
            result.item,
            result.score,
            gettext("yes") if result.tied else "",
            *result.rows,
        ]
        for result in ctx["results"]
    ]
    return header, rows
