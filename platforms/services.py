"""Changes to a lederplattform. Each one locks the platform row, changes it and records a version.

The platform row lock serialises two facilitators editing at once, so version numbers never
collide and a snapshot always shows one consistent state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _

from exercises.aggregate import word_key
from exercises.models import Run
from exercises.promote import PURPOSE, VALUES, VISION, Offer
from platforms.models import (
    LeadershipPlatform,
    PlatformVersion,
    Practice,
    PurposePoint,
    Value,
    VisionProposal,
)
from workshops.models import NetworkGroup, Programme

# Bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make a printed poster show
# text in another order than it was typed; other control characters have no place in it either.
_UNWANTED = re.compile(r"[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    return _UNWANTED.sub("", text or "").strip()


def clean_lines(text: str) -> list[str]:
    """One entry per non-empty line, bullets and dashes at the start removed."""
    lines = (clean_text(line).lstrip("•*-–❖ ").strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


def platform_for(programme: Programme) -> LeadershipPlatform:
    platform, _created = LeadershipPlatform.objects.get_or_create(programme=programme)
    return platform


def snapshot(platform: LeadershipPlatform) -> dict:
    """The platform as plain data: what a version stores and what the poster shows."""
    values = platform.values.prefetch_related("practices")
    proposals = list(platform.vision_proposals.all())
    chosen = next((p for p in proposals if p.is_chosen), None)
    return {
        "step": platform.step,
        "purpose": {
            "lead": platform.purpose_lead,
            "points": [
                {"id": p.pk, "text": p.text, "source": p.provenance()}
                for p in platform.purpose_points.all()
            ],
        },
        "vision": {"id": chosen.pk, "text": chosen.text, "source": chosen.provenance()}
        if chosen
        else None,
        "alternatives": [{"id": p.pk, "text": p.text} for p in proposals if not p.is_chosen],
        "values": [
            {
                "id": v.pk,
                "name": v.name,
                "meaning": v.meaning,
                "source": v.provenance(),
                "practices": {
                    side: [
                        {"id": p.pk, "text": p.text} for p in v.practices.all() if p.side == side
                    ]
                    for side in Practice.Side.values
                },
            }
            for v in values
        ],
    }


@contextmanager
def changing(platform: LeadershipPlatform, *, by, summary: str) -> Iterator[LeadershipPlatform]:
    with transaction.atomic():
        locked = LeadershipPlatform.objects.select_for_update().get(pk=platform.pk)
        yield locked
        record_version(locked, by=by, summary=summary)
    platform.refresh_from_db()


def record_version(platform: LeadershipPlatform, *, by, summary: str = "") -> PlatformVersion:
    """Keep the current state as a new version, unless it is the same as the latest one."""
    data = snapshot(platform)
    latest = platform.latest_version()
    if latest is not None and latest.snapshot == data:
        return latest
    return PlatformVersion.objects.create(
        platform=platform,
        number=(latest.number + 1) if latest else 1,
        snapshot=data,
        summary=summary[:200],
        created_by=by if getattr(by, "pk", None) else None,
    )


def _sync(rows: Iterable[models.Model], texts: list[str], make, field: str = "text") -> None:
    """Make the rows say `texts` in order; a row whose text is kept keeps its provenance."""
    unused: dict[str, list[models.Model]] = {}
    for row in rows:
        unused.setdefault(getattr(row, field), []).append(row)
    for position, text in enumerate(texts):
        row = unused[text].pop(0) if unused.get(text) else make(text)
        row.position = position
        row.save()
    for leftovers in unused.values():
        for row in leftovers:
            row.delete()


def set_purpose(platform: LeadershipPlatform, *, lead: str, points: list[str], by) -> None:
    with changing(platform, by=by, summary="purpose") as locked:
        locked.purpose_lead = clean_text(lead)[:1000]
        locked.save(update_fields=["purpose_lead", "updated_at"])
        _sync(
            locked.purpose_points.all(),
            [clean_text(p)[:500] for p in points if clean_text(p)],
            lambda text: PurposePoint(platform=locked, text=text),
        )


def set_vision(platform: LeadershipPlatform, *, vision: str, alternatives: list[str], by) -> None:
    vision = clean_text(vision)[:300]
    alternatives = [clean_text(a)[:300] for a in alternatives if clean_text(a) and a != vision]
    with changing(platform, by=by, summary="vision") as locked:
        locked.vision_proposals.update(is_chosen=False)
        _sync(
            locked.vision_proposals.all(),
            ([vision] if vision else []) + alternatives,
            lambda text: VisionProposal(platform=locked, text=text),
        )
        if vision:
            chosen = locked.vision_proposals.filter(text=vision).order_by("position").first()
            chosen.is_chosen = True
            chosen.save(update_fields=["is_chosen"])


def choose_vision(proposal: VisionProposal, *, by) -> None:
    with changing(proposal.platform, by=by, summary="vision") as locked:
        locked.vision_proposals.update(is_chosen=False)
        VisionProposal.objects.filter(pk=proposal.pk).update(is_chosen=True)


def add_value(platform: LeadershipPlatform, *, name: str, meaning: str = "", by, **source) -> Value:
    with changing(platform, by=by, summary="value added") as locked:
        last = locked.values.aggregate(last=models.Max("position"))["last"]
        return Value.objects.create(
            platform=locked,
            name=clean_text(name)[:80],
            meaning=clean_text(meaning)[:500],
            position=0 if last is None else last + 1,
            **source,
        )


def edit_value(value: Value, *, name: str, meaning: str, practices: dict[str, list[str]], by):
    with changing(value.platform, by=by, summary="value changed"):
        value.name = clean_text(name)[:80]
        value.meaning = clean_text(meaning)[:500]
        value.save(update_fields=["name", "meaning"])
        for side in Practice.Side.values:
            _sync(
                value.practices.filter(side=side),
                [clean_text(t)[:500] for t in practices.get(side, []) if clean_text(t)],
                lambda text, side=side: Practice(value=value, side=side, text=text),
            )


def delete_value(value: Value, *, by) -> None:
    with changing(value.platform, by=by, summary="value deleted") as locked:
        value.delete()
        _renumber(locked, list(locked.values.values_list("pk", flat=True)))


def move_value(value: Value, offset: int, *, by) -> int:
    """Move a value up (-1) or down (+1); return its new 1-based place."""
    with changing(value.platform, by=by, summary="values reordered") as locked:
        ids = list(locked.values.values_list("pk", flat=True))
        index = ids.index(value.pk)
        target = max(0, min(len(ids) - 1, index + offset))
        ids.insert(target, ids.pop(index))
        _renumber(locked, ids)
        return target + 1


def reorder_values(platform: LeadershipPlatform, ordered_ids: list[int], *, by) -> None:
    with changing(platform, by=by, summary="values reordered") as locked:
        current = list(locked.values.values_list("pk", flat=True))
        if sorted(current) != sorted(ordered_ids):
            raise ValueError("The new order must list every value of the platform once.")
        _renumber(locked, ordered_ids)


def _renumber(platform: LeadershipPlatform, ordered_ids: list[int]) -> None:
    values = list(platform.values.all())
    by_id = {v.pk: v for v in values}
    for position, pk in enumerate(ordered_ids):
        by_id[pk].position = position
    Value.objects.bulk_update(values, ["position"])


def set_step(platform: LeadershipPlatform, step: int, *, by) -> None:
    with changing(platform, by=by, summary="step") as locked:
        locked.step = step
        locked.save(update_fields=["step", "updated_at"])


def name_version(version: PlatformVersion, name: str) -> None:
    version.name = clean_text(name)[:100]
    version.save(update_fields=["name"])


# Comparing two versions


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, reworded, moved
    section: str  # purpose, vision, alternatives, values, practices
    before: str = ""
    after: str = ""
    context: str = ""  # for practices: the value they belong to


def _entries(data: dict) -> dict[str, dict[tuple, tuple[str, int]]]:
    """Each section's elements keyed by their stable id, with their text and place."""
    values = data.get("values", [])
    practices = {}
    for v in values:
        for side, rows in v.get("practices", {}).items():
            for place, p in enumerate(rows):
                practices[(p["id"],)] = (p["text"], place, v["name"], side)
    vision = data.get("vision")
    return {
        "purpose": {("lead",): (data["purpose"]["lead"], 0)}
        | {(p["id"],): (p["text"], i) for i, p in enumerate(data["purpose"]["points"])},
        "vision": {("vision",): (vision["text"], 0)} if vision else {},
        "alternatives": {(a["id"],): (a["text"], i) for i, a in enumerate(data["alternatives"])},
        "values": {
            (v["id"],): (f"{v['name']}: {v['meaning']}" if v["meaning"] else v["name"], i)
            for i, v in enumerate(values)
        },
        "practices": practices,
    }


def compare(old: dict, new: dict) -> list[Change]:
    changes: list[Change] = []
    before, after = _entries(old), _entries(new)
    for section in ("purpose", "vision", "alternatives", "values", "practices"):
        a, b = before[section], after[section]
        for key in a.keys() - b.keys():
            changes.append(Change("removed", section, before=a[key][0], context=_ctx(a[key])))
        for key in b.keys() - a.keys():
            changes.append(Change("added", section, after=b[key][0], context=_ctx(b[key])))
        for key in a.keys() & b.keys():
            if a[key][0] != b[key][0]:
                changes.append(
                    Change("reworded", section, a[key][0], b[key][0], context=_ctx(b[key]))
                )
            elif section == "values" and a[key][1] != b[key][1]:
                changes.append(
                    Change(
                        "moved",
                        section,
                        before=str(a[key][1] + 1),
                        after=b[key][0],
                        context=str(b[key][1] + 1),
                    )
                )
    order = {"purpose": 0, "vision": 1, "alternatives": 2, "values": 3, "practices": 4}
    return sorted(changes, key=lambda c: (order[c.section], c.kind, c.after or c.before))


def _ctx(entry: tuple) -> str:
    return entry[2] if len(entry) > 2 else ""


# Promoting an exercise's results: a group's list, the room's diamond, the chosen proposal.

ADD, REPLACE = "add", "replace"
_LIMITS = {VALUES: 80, PURPOSE: 500, VISION: 300}


def target_label(target: str) -> str:
    return {
        VALUES: _("Values"),
        PURPOSE: _("Purpose points"),
        VISION: _("Vision"),
    }[target]


def runs_with_results(programme: Programme) -> list[tuple[Run, list[Offer]]]:
    """The programme's exercise runs whose kind has results to promote, day by day."""
    runs = (
        Run.objects.filter(workshop__programme=programme)
        .select_related("exercise__agenda_item", "workshop")
        .order_by("workshop__number", "exercise__agenda_item__position", "pk")
    )
    found = []
    for run in runs:
        offers = run.module.promotable(run)
        if offers:
            found.append((run, offers))
    return found


def offers_of(run: Run) -> list[Offer]:
    return run.module.promotable(run)


def provenance_of(run: Run, offer: Offer) -> dict:
    """Where an element taken from this offer comes from: the day, the run and the group.

    A run's group is a network group when the run grouped by network groups (it has its name);
    any other group (a random one, a pair) is kept by its name as the label.
    """
    group, label = None, ""
    if offer.group is not None:
        group = NetworkGroup.objects.filter(
            programme_id=run.workshop.programme_id, name=offer.group.name
        ).first()
        label = "" if group else offer.group.name[:200]
    return {
        "source_workshop_id": run.workshop_id,
        "source_run_id": run.pk,
        "source_group_id": group.pk if group else None,
        "source_label": label,
    }


@dataclass(frozen=True)
class PromotionPlan:
    """What promoting an offer does to one part of the platform (shown before, done after)."""

    target: str
    replace: bool
    current: list[str]  # the part's texts now
    final: list[str]  # the part's texts afterwards, in order (for the vision: the chosen first)
    added: list[str]
    removed: list[str]

    @property
    def reordered(self) -> bool:
        """Whether the texts that stay change places."""
        staying = {word_key(text) for text in self.current} - {
            word_key(text) for text in self.removed
        }
        before = [word_key(text) for text in self.current if word_key(text) in staying]
        after = [word_key(text) for text in self.final if word_key(text) in staying]
        return before != after


def _offered(offer: Offer, target: str) -> list[str]:
    texts = [*offer.items, *(offer.alternatives if target == VISION else ())]
    seen, offered = set(), []
    for text in texts:
        text = clean_text(" ".join(str(text).split()))[: _LIMITS[target]]
        if text and word_key(text) not in seen:
            seen.add(word_key(text))
            offered.append(text)
    return offered


def _current(platform: LeadershipPlatform, target: str) -> list[str]:
    if target == VALUES:
        return list(platform.values.values_list("name", flat=True))
    if target == PURPOSE:
        return list(platform.purpose_points.values_list("text", flat=True))
    return [p.text for p in platform.vision_proposals.all()]  # the chosen one first


def plan_promotion(
    platform: LeadershipPlatform, offer: Offer, target: str, *, replace: bool
) -> PromotionPlan:
    """Adding keeps what is there and appends what is new; replacing makes the part the offer,
    in the offer's order. Either way an element already there (the same words, case and
    spacing aside) is kept with its spelling, meaning and practices, never doubled. For the
    vision the offer's first item becomes the chosen one."""
    if target not in offer.targets:
        raise ValueError(f"{offer.key} can't go to {target}")
    current = _current(platform, target)
    offered = _offered(offer, target)
    if not offered:
        raise ValueError(f"{offer.key} has nothing to take")
    spelling = {}
    for text in current:
        spelling.setdefault(word_key(text), text)
    have = set(spelling)
    if replace:
        final = [spelling.get(word_key(text), text) for text in offered]
    elif target == VISION and offered:
        lead = offered[0]
        final = [spelling.get(word_key(lead), lead)]
        final += [text for text in current if word_key(text) != word_key(lead)]
        final += [text for text in offered[1:] if word_key(text) not in have]
    else:
        final = current + [text for text in offered if word_key(text) not in have]
    kept = {word_key(text) for text in final}
    return PromotionPlan(
        target=target,
        replace=replace,
        current=current,
        final=final,
        added=[text for text in final if word_key(text) not in have],
        removed=[text for text in current if word_key(text) not in kept],
    )


def promote(
    platform: LeadershipPlatform, run: Run, offer: Offer, *, target: str, replace: bool, by
) -> PromotionPlan:
    """Take an exercise's result into the platform and record a version.

    Taking the same offer twice (a double click) finds it there already and changes nothing, so
    no second version is recorded either.
    """
    source = provenance_of(run, offer)
    title = run.exercise.agenda_item.title
    with changing(platform, by=by, summary=f"{PlatformVersion.PROMOTED}{title}") as locked:
        plan = plan_promotion(locked, offer, target, replace=replace)
        offered = {word_key(text) for text in _offered(offer, target)}

        def stamp(row, text: str, fresh: bool, position: int) -> None:
            # New elements, and in a replace everything the offer names, now come from here;
            # so does a vision chosen from it. What was there and is only kept keeps its source.
            if (
                fresh
                or (replace and word_key(text) in offered)
                or (target == VISION and not position)
            ):
                for field, value in source.items():
                    setattr(row, field, value)

        if target == VALUES:
            _place(
                locked.values.all(),
                plan.final,
                "name",
                stamp,
                lambda text: Value(platform=locked, name=text),
            )
        elif target == PURPOSE:
            _place(
                locked.purpose_points.all(),
                plan.final,
                "text",
                stamp,
                lambda text: PurposePoint(platform=locked, text=text),
            )
        else:
            rows = list(locked.vision_proposals.all())
            locked.vision_proposals.update(is_chosen=False)
            _place(
                rows,
                plan.final,
                "text",
                stamp,
                lambda text: VisionProposal(platform=locked, text=text),
                chosen=True,
            )
    return plan


def _place(rows, final: list[str], field: str, stamp, make, *, chosen: bool = False) -> None:
    """Make the rows say `final` in order: a row whose text is kept stays (with its meaning,
    practices and provenance), a new text gets a new row, rows not in `final` go."""
    pool: dict[str, list] = {}
    for row in rows:
        pool.setdefault(word_key(getattr(row, field)), []).append(row)
    for position, text in enumerate(final):
        bucket = pool.get(word_key(text))
        fresh = not bucket
        row = make(text) if fresh else bucket.pop(0)
        stamp(row, text, fresh, position)
        row.position = position
        if chosen:
            row.is_chosen = position == 0
        row.save()
    for leftovers in pool.values():
        for row in leftovers:
            row.delete()
