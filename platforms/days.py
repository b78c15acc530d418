"""A day after it has run: its results with what was promoted to the lederplattform, and the
facilitator's summary (planned and actual minutes, who took part, what was decided, what was
promoted and what is still to promote). Read by the results page, the ended console and the
day report; every figure is counted from the rows, so they agree with each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from exercises import results as run_results
from exercises.promote import Offer
from exercises.results import RunResult
from platforms.models import LeadershipPlatform
from platforms.services import platform_for, provenance_of
from workshops.identity import RELEASED
from workshops.models import AgendaItem, Workshop


@dataclass(frozen=True)
class OfferState:
    offer: Offer
    promoted: bool


@dataclass(frozen=True)
class PromotedElement:
    what: str  # "Value", "Purpose point", "Vision"
    text: str
    run_id: int | None


def promoted_from(platform: LeadershipPlatform, workshop: Workshop) -> list[PromotedElement]:
    """The platform's elements that came from this day, in the platform's order."""
    rows = [
        (value, _("Value"), value.name)
        for value in platform.values.filter(source_workshop=workshop)
    ]
    rows += [
        (point, _("Purpose point"), point.text)
        for point in platform.purpose_points.filter(source_workshop=workshop)
    ]
    rows += [
        (proposal, _("Vision") if proposal.is_chosen else _("Vision proposal"), proposal.text)
        for proposal in platform.vision_proposals.filter(source_workshop=workshop)
    ]
    return [
        PromotedElement(what=what, text=text, run_id=row.source_run_id) for row, what, text in rows
    ]


def _sources(platform: LeadershipPlatform, workshop: Workshop) -> set[tuple]:
    """(run, group, label) of every element promoted from this day."""
    found: set[tuple] = set()
    for model in (platform.values, platform.purpose_points, platform.vision_proposals):
        found.update(
            model.filter(source_workshop=workshop).values_list(
                "source_run_id", "source_group_id", "source_label"
            )
        )
    return found


def offer_states(result: RunResult, sources: set[tuple]) -> list[OfferState]:
    """Each of the run's offers, and whether anything of it is on the platform now."""
    states = []
    for offer in result.offers:
        where = provenance_of(result.run, offer)
        key = (result.run.pk, where["source_group_id"], where["source_label"])
        states.append(OfferState(offer=offer, promoted=key in sources))
    return states


@dataclass(frozen=True)
class DayResult:
    result: RunResult
    offers: list[OfferState]


def day_results(workshop: Workshop, *, drawn: bool = True) -> list[DayResult]:
    platform = platform_for(workshop.programme)
    sources = _sources(platform, workshop)
    return [
        DayResult(result=result, offers=offer_states(result, sources))
        for result in run_results.results_of(workshop, drawn=drawn)
    ]


def not_run(workshop: Workshop) -> list[AgendaItem]:
    """Exercises on the day's agenda that never started."""
    return list(
        workshop.agenda_items.filter(kind=AgendaItem.Kind.EXERCISE)
        .exclude(exercise__runs__workshop=workshop)
        .order_by("position", "pk")
    )


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60)


@dataclass(frozen=True)
class ItemTime:
    item: AgendaItem
    planned_start: dt.datetime
    planned_minutes: int
    actual_minutes: int | None  # from its start to its end on the day; None if it never ran

    @property
    def difference(self) -> int | None:
        if self.actual_minutes is None:
            return None
        return self.actual_minutes - self.planned_minutes


def item_times(workshop: Workshop) -> list[ItemTime]:
    return [
        ItemTime(
            item=entry.item,
            planned_start=entry.starts_at,
            planned_minutes=entry.item.duration_minutes,
            actual_minutes=_minutes(entry.item.started_at, entry.item.ended_at),
        )
        for entry in workshop.scheduled_items()
    ]


def summary(workshop: Workshop) -> dict:
    """What the facilitator sees when the day ends (the console) and the report repeats."""
    platform = platform_for(workshop.programme)
    results = day_results(workshop, drawn=False)
    times = item_times(workshop)
    still = [
        (entry.result, state.offer)
        for entry in results
        for state in entry.offers
        if not state.promoted
    ]
    return {
        "times": times,
        "planned_minutes": sum(t.planned_minutes for t in times),
        "actual_minutes": _minutes(workshop.started_at, workshop.ended_at),
        "results": results,
        "decided": [(entry.result, text) for entry in results for text in entry.result.decided],
        "promoted": promoted_from(platform, workshop),
        "still_to_promote": still,
        # Phones on the day, as the console's "who has joined" counts them.
        "joined": workshop.attendees.filter(removed_at__isnull=True)
        .exclude(device_hash__startswith=RELEASED)
        .count(),
    }
