"""Diamond (diamant): nine items placed in rows of 1-2-3-2-1, the most important at the top.

There may be more than nine to choose from (ten, twelve statements): each person or group then
picks the nine to place and leaves the rest out, and the room's result counts how often each
item was left out ("left out by 6 of 8") besides its points.

Each person places nine on their phone: by choosing a row for each item in a plain form (an
item left without a row is left out), or (with diamond.js) by tapping an item and then a row,
or dragging it there. The room's
result adds everyone's diamonds by row weight (5 at the top down to 1 at the bottom); equal
totals share a place. The projector shows only how many have placed until the facilitator
reveals the result; placements close while it is shown.

A placement is stored by the items' texts, top row first, and replaces the person's earlier
one. Only complete diamonds are saved; a refused attempt is kept as the person's draft, so
that a phone without JavaScript (whose form reloads the page) sees what it chose and why it
was refused. Drafts count nowhere.

In group mode each group places one diamond: its secretary places it, and the group's phones
watch it change over the group's own stream. The nine can be typed, or be each group's own
result from an earlier exercise of the day (an IGP's agreed values), the groups then being the
same as there. The room's ranking adds up the groups' diamonds by item.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.aggregate import (
    DIAMOND_ROWS,
    diamond_overfull,
    diamond_tally,
    diamond_tally_each,
    standings,
    word_key,
)
from exercises.kinds import common
from exercises.models import Group, Member
from exercises.phases import Phase
from exercises.roles import RULES
from workshops import push

NAME = "diamond"
LABEL = _("Diamond")
SUMMARY = _(
    "Nine items placed in rows of 1-2-3-2-1, the most important at the top. The room’s result "
    "adds up every diamond."
)
EXAMPLE = _("The nine values from the groups’ IGP, each group placing its own diamond.")
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes",)
TEMPLATE = "exercises/kinds/diamond.html"
# The room's result is a highlight of the day on the projector's closing screen.
CLOSING = True
PLACEMENT = "placement"
DRAFT = "draft"
# A group's diamond is the group's, though its secretary placed it (personal.services.erase).
GROUP_RESULTS = frozenset({PLACEMENT})
ITEM_COUNT = sum(DIAMOND_ROWS)  # the nine a diamond places
MOST_ITEMS = 20  # the most it chooses from
ITEM_LENGTH = 80
PERSON, GROUP = "person", "group"
TYPED = "typed"  # the source of the items: typed in the settings, or a kind's group results


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Task"),
        max_length=300,
        initial=_("Place the values: the most important at the top."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mode = forms.ChoiceField(
        label=_("Who places"),
        choices=[
            (PERSON, _("Each person places their own diamond")),
            (GROUP, _("Each group places one: the secretary places, the group watches")),
        ],
        initial=PERSON,
    )
    source = forms.ChoiceField(
        label=_("The items"),
        choices=lambda: [(TYPED, _("Typed below"))] + common.group_sources(),
        initial=TYPED,
        help_text=_(
            "A group's own result needs group mode: each group places nine of its own items, "
            "in the same groups as then. The typed items fill in where a group's list is short."
        ),
    )
    items = forms.CharField(
        label=_("The items, one per line"),
        help_text=_(
            "Nine, or up to twenty: with more than nine, each person (or group) chooses the nine "
            "to place and leaves the rest out. Each at most 80 characters, no two alike."
        ),
        widget=forms.Textarea(attrs={"rows": 9}),
        required=False,
    )
    items.optional_mark = False  # needed when the items are typed here (checked in clean)
    grouping = forms.ChoiceField(
        label=_("Groups (in group mode, with typed items)"),
        choices=common.GROUPINGS,
        initial=groups.NETWORK_GROUPS,
    )
    group_size = forms.IntegerField(
        label=_("Group size (for random groups)"), min_value=2, max_value=12, initial=4
    )
    secretary_rule = forms.ChoiceField(
        label=_("Who is secretary"), choices=list(RULES.items()), initial="fair"
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, initial=8)

    # Added with the group mode: a form sent without them (an older page, a script) means
    # what it meant before, each person with typed items.
    OPTIONAL = ("mode", "source", "grouping", "group_size", "secretary_rule")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            self.fields[name].required = False
            self.fields[name].optional_mark = False  # left empty, it keeps its default

    def clean(self):
        cleaned = super().clean()
        for name in self.OPTIONAL:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = self.fields[name].initial
        source = cleaned.get("source")
        if source == TYPED and "items" in cleaned and not cleaned["items"]:
            self.add_error("items", gettext("Type the items, at least nine, one per line."))
        if source not in (None, TYPED) and cleaned.get("mode") == PERSON:
            self.add_error(
                "source",
                gettext("A group's own result can only be placed in group mode."),
            )
        return cleaned

    def clean_items(self) -> str:
        lines = [" ".join(line.split()) for line in self.cleaned_data["items"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            return ""  # whether that is allowed depends on the source (see clean)
        problems = []
        if len(lines) < ITEM_COUNT:
            problems.append(
                ngettext(
                    "Write at least nine items, one per line (this has %(count)s).",
                    "Write at least nine items, one per line (this has %(count)s).",
                    len(lines),
                )
                % {"count": len(lines)}
            )
        if len(lines) > MOST_ITEMS:
            problems.append(
                gettext("Write at most %(most)s items (this has %(count)s).")
                % {"most": MOST_ITEMS, "count": len(lines)}
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


def _settings(run) -> dict:
    """The settings as the facilitator set them, before the source run is looked up."""
    return common.settings_of(SettingsForm, run, items="", mode=PERSON, source=TYPED)


def settings_of(run) -> dict:
    settings = _settings(run)
    source = _source(run, settings)
    settings["source_run"] = source.pk if source else None
    return settings


def _source(run, settings: dict):
    """The run whose groups' results are the items (common.source_run); None when typed."""
    if settings["mode"] != GROUP or settings["source"] == TYPED:
        return None
    return common.source_run(run, settings["source"])


def grouping(settings: dict) -> dict | None:
    if settings.get("mode") != GROUP:
        return None  # each person places their own: a whole-room exercise
    return common.group_plan(
        settings, ["secretary", "chair"], settings.get("secretary_rule", "fair")
    )


def phases(settings: dict) -> list[Phase]:
    return [Phase("place", _("Place the items"), settings.get("minutes", 8))]


def typed_items(settings: dict) -> list[str]:
    """The items typed in the settings, in the order the facilitator gave them."""
    return [line for line in (settings.get("items") or "").splitlines() if line.strip()]


def items_of(run, group: Group | None = None) -> list[str]:
    """The items a person or a group chooses nine of: typed, or the group's own result from
    the source exercise (each once, up to MOST_ITEMS), filled in from the typed items where it
    has fewer than nine."""
    settings = _settings(run)
    typed = typed_items(settings)
    source = _source(run, settings)
    if source is None:
        return typed
    if group is None:
        return []  # each group has its own nine; the room has none of its own
    items: dict[str, str] = {}
    for text in common.source_output(source, group):
        text = " ".join(text.split())[:ITEM_LENGTH]
        if text and len(items) < MOST_ITEMS:
            items.setdefault(word_key(text), text)
    for text in typed:
        if len(items) < ITEM_COUNT:
            items.setdefault(word_key(text), text)
    return list(items.values())


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
        missing = ITEM_COUNT - len(chosen)
        if missing > 0 and len(self.items) == ITEM_COUNT:
            problems.append(
                ngettext(
                    "Place every item: %(count)s is not placed yet.",
                    "Place every item: %(count)s are not placed yet.",
                    missing,
                )
                % {"count": missing}
            )
        elif missing > 0:
            problems.append(
                ngettext(
                    "Choose nine to place: %(count)s more to go.",
                    "Choose nine to place: %(count)s more to go.",
                    missing,
                )
                % {"count": missing}
            )
        if problems:
            raise forms.ValidationError(problems)
        cleaned["rows"] = [
            [item for index, item in enumerate(self.items) if chosen.get(index) == number]
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


def _placement_form(run, items: list[str], attendee, group=None) -> PlacementForm:
    """The phone's form: its refused draft (with the reasons), else its saved diamond (in
    group mode the group's, whoever placed it)."""
    if attendee is None:
        return PlacementForm(items=items)
    mine = dict(run.submissions.filter(author=attendee, key=DRAFT).values_list("key", "data"))
    placed = run.submissions.filter(key=PLACEMENT)
    placed = placed.filter(group=group) if group else placed.filter(author=attendee)
    mine.update(placed.values_list("key", "data")[:1])
    if DRAFT in mine:
        form = PlacementForm(mine[DRAFT].get("choices", {}), items=items)
        form.is_valid()  # so the reasons show again
        return form
    return PlacementForm(
        items=items, initial=_initial(mine.get(PLACEMENT, {}).get("rows", []), items)
    )


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


def _member(run, attendee) -> Member | None:
    return Member.objects.filter(run=run, attendee=attendee).select_related("group").first()


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    group = None
    if settings_of(run)["mode"] == GROUP:
        member = _member(run, attendee)
        if member is None or member.role != "secretary":
            form = PlacementForm(items=[])
            return common.refuse(form, gettext("Only the secretary places the group's diamond."))
        group = member.group
    items = items_of(run, group)
    if run.state.get("revealed"):
        return common.refuse(
            _placement_form(run, items, attendee, group),
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
        data={"rows": rows, "items": items} if group else {"rows": rows},
        replace=True,
        group=group,
    )
    run.submissions.filter(author=attendee, key=DRAFT).delete()
    if group is not None:
        push.group_changed(run.pk, [group.pk])  # the group watches its diamond change
    return form


@dataclass(frozen=True)
class Result:
    item: str
    score: int
    rank: int
    tied: bool
    rows: tuple[int, ...]  # how many put it in row 1..5
    bar: int  # 0..10, relative to the top score
    left_out: int = 0  # how many of the diamonds that could place it left it out
    offered: int = 0  # how many diamonds could place it (had it to choose from)


def results(items: list[str], placements: list[dict]):
    """Every item with its points and place, best first, and the tally behind them.

    A placement that carries its own items (a group's own nine) counts for those; `items` is
    then every item any group had.
    """
    if any("items" in placement for placement in placements):
        own = [
            (placement.get("rows", []), placement.get("items", items)) for placement in placements
        ]
        tally = diamond_tally_each(own, items)
    else:
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
            left_out=tally.left_out.get(standing.key, 0),
            offered=tally.offered.get(standing.key, 0),
        )
        for standing in standings(tally.scores, items)
    ]
    return ranked, tally


def _rows(saved: dict | None) -> list[Row]:
    return [
        Row(number, capacity, row_label(number), list(row))
        for number, (capacity, row) in enumerate(
            zip(DIAMOND_ROWS, (saved or {}).get("rows", []), strict=False), start=1
        )
    ]


def _same_spelling(placements: list[dict]) -> tuple[list[dict], list[str]]:
    """Groups' own items, the same word spelt alike ("Tillit", "tillit") so that it adds up as
    one in the room's ranking: the first spelling stands. Returns the placements and every
    item, in the order they first came."""
    spelling: dict[str, str] = {}
    for placement in placements:
        for item in placement.get("items", []):
            spelling.setdefault(word_key(item), item)

    def same(item: str) -> str:
        return spelling.get(word_key(item), item)

    return [
        {
            "rows": [[same(item) for item in row] for row in placement.get("rows", [])],
            "items": [same(item) for item in placement.get("items", [])],
        }
        for placement in placements
    ], list(dict.fromkeys(spelling.values()))


def room_context(run) -> dict:
    settings = settings_of(run)
    in_groups = settings["mode"] == GROUP
    revealed = run.state.get("revealed", False)
    saved = list(run.submissions.filter(key=PLACEMENT).values_list("group_id", "data"))
    placements = [data for _group_id, data in saved]
    # The room's own items (items_of without a group): typed, or none where each group
    # places its own from the source run.
    items = [] if settings["source_run"] else typed_items(settings)
    room_items = typed_items(settings)
    if in_groups and settings["source_run"]:
        placements, room_items = _same_spelling(placements)
    ranked, tally = results(room_items, placements)
    by_group = dict(saved)
    return {
        "settings": settings,
        "mode": settings["mode"],
        "in_groups": in_groups,
        # Each person places their own; in groups only the secretary does (phone_context).
        "places": not in_groups,
        "items": room_items if in_groups else items,
        "short": bool(items) and len(items) < ITEM_COUNT,
        "revealed": revealed,
        "placed": len(placements),
        "counted": tally.counted,
        "ignored": tally.ignored,
        "joined": run.groups.count() if in_groups else run.workshop.attendees.count(),
        "results": ranked,
        "row_numbers": list(range(1, len(DIAMOND_ROWS) + 1)),
        # More to choose from than nine: the phone says so, the results count who left what out.
        "choosing": len(items) > ITEM_COUNT or any(result.left_out for result in ranked),
        # What was left out, most often first, the items left out as often together: the
        # room's result names them besides the diamond.
        "most_left_out": _left_out_together(ranked),
        "item_count": len(items),
        # The projector shows each group's diamond side by side once the result is revealed.
        "group_diamonds": lambda: (
            [(g, _rows(by_group.get(g.pk))) for g in run.groups.all()] if in_groups else []
        ),
        "state_key": "revealed" if revealed else "place",
        # A phone that comes back to this run fetches its own diamond: the fragment drawn
        # for the whole room can't show it (see the template).
        "fetch_mine": in_groups or run.submissions.filter(key__in=(PLACEMENT, DRAFT)).exists(),
        # The empty form, where each person places their own.
        "form": PlacementForm(items=items) if not in_groups and not revealed else None,
    }


def phone_context(run, attendee) -> dict:
    """The phone's own diamond: its items (in group mode its group's), its placement or
    draft as its form shows it, and whether it places at all (in groups, the secretary)."""
    settings = settings_of(run)
    in_groups = settings["mode"] == GROUP
    member = _member(run, attendee) if in_groups else None
    group = member.group if member else None
    items = items_of(run, group)
    mine = run.submissions.filter(key=PLACEMENT)
    mine = mine.filter(group=group) if in_groups else mine.filter(author=attendee)
    my_rows = _rows(next(iter(mine.values_list("data", flat=True)), None))
    places = not in_groups or (member is not None and member.role == "secretary")
    can_place = (
        places
        and not run.state.get("revealed", False)
        and (not in_groups or len(items) >= ITEM_COUNT)
    )
    own = {
        "member": member,
        "places": places,
        "items": items,
        "short": bool(items) and len(items) < ITEM_COUNT,
        "my_rows": my_rows,
        "my_left_out": _left_out(my_rows, items),
        "item_count": len(items),
        "form": _placement_form(run, items, attendee, group) if can_place else None,
    }
    # The room's `choosing` stands (someone left an item out), unless this phone's own list
    # (a group's own items) has more than nine to choose from.
    if len(items) > ITEM_COUNT:
        own["choosing"] = True
    return own


def _left_out_together(ranked: list[Result]) -> list[tuple[Result, list[str]]]:
    """The items that were left out, as (a result, the items left out as often as it),
    most often first."""
    together: dict[tuple[int, int], list[Result]] = {}
    for result in ranked:
        if result.left_out:
            together.setdefault((result.left_out, result.offered), []).append(result)
    return [
        (results[0], [result.item for result in results])
        for _count, results in sorted(together.items(), key=lambda entry: -entry[0][0])
    ]


def _left_out(rows: list[Row], items: list[str]) -> list[str]:
    """The items a whole diamond left out; none while nothing is placed."""
    placed = {item for row in rows for item in row.items}
    return [item for item in items if item not in placed] if placed else []


def group_progress(run, groups) -> dict[int, tuple[int, int]]:
    """For the projector's ticks, where each group places its own diamond: placed or not."""
    if settings_of(run)["mode"] != GROUP:
        return {}
    placed = set(run.submissions.filter(key=PLACEMENT).values_list("group_id", flat=True))
    return {g.pk: (int(g.pk in placed), 1) for g in groups}


def group_context(run, group) -> dict:
    """What the group's phones watch: the items and where its secretary has put nine."""
    saved = run.submissions.filter(key=PLACEMENT, group=group).values_list("data", flat=True)
    rows = _rows(next(iter(saved), None))
    items = items_of(run, group)
    return {
        "items": items,
        "rows": rows,
        "left_out": _left_out(rows, items),
        "placed": any(row.items for row in rows),
        "secretary": next(
            (m for m in group.members.select_related("attendee") if m.role == "secretary"), None
        ),
    }


def _reveal(run, data) -> str:
    run.state["revealed"] = True
    return ""


def _conceal(run, data) -> str:
    run.state["revealed"] = False
    return ""


ACTIONS = {"reveal": _reveal, "conceal": _conceal}


def anonymised(submission) -> dict | None:
    """A diamond stays as it was placed, with its group where a group placed it, so the
    room's ranking stays: its items are the facilitator's, or the group's own nine, which the
    ranking names. A draft counts nowhere and goes."""
    if submission.key != PLACEMENT:
        return None
    return {"data": submission.data, "group_id": submission.group_id}


def export(run) -> tuple[list[str], list[list]]:
    ctx = room_context(run)
    header = [
        gettext("Place"),
        pgettext("diamond", "Item"),
        gettext("Points"),
        gettext("Shared place"),
        *[gettext("In row %(number)s") % {"number": number} for number in ctx["row_numbers"]],
    ]
    # With more than nine to choose from: how many left each item out, of how many could.
    if ctx["choosing"]:
        header += [gettext("Left out"), gettext("Could place it")]
    rows = [
        [
            result.rank,
            result.item,
            result.score,
            gettext("yes") if result.tied else "",
            *result.rows,
            *([result.left_out, result.offered] if ctx["choosing"] else []),
        ]
        for result in ctx["results"]
    ]
    return header, rows


def promotable(run) -> list:
    """The room's diamond, best first: the platform's nine values (exercises/promote.py). With
    more than nine to choose from, the nine at the top; an item nobody placed is never one."""
    from exercises.promote import VALUES, Offer

    ctx = room_context(run)
    if not ctx["counted"]:
        return []
    return [
        Offer(
            key="room",
            label=gettext("The room's diamond"),
            items=tuple(result.item for result in ctx["results"][:ITEM_COUNT] if result.score),
            targets=(VALUES,),
            replaces=True,
        )
    ]
