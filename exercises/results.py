"""A day's runs after the fact: each run's result as the room saw it at its end, who took part,
and what the room decided. Read by the day's results page, the facilitator's end-of-day
summary, the projector's closing screen and the day report.

Each kind draws its result with its own `presenter` partial, as the projector shows it in the
run's last phase. Results a kind holds back until the facilitator reveals them
(run.state["revealed"], the word cloud, the diamond, the survey) are shown: the day is over and
the room has moved on. What a kind never shows the room (a survey's answers below its
anonymity threshold, a private reflection) stays out, because the partial decides that, as it
does on the projector.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse

from exercises.kinds import common
from exercises.models import Member, Run
from exercises.promote import Offer
from workshops.models import Workshop

# The key an offer has when it is what the room decided (a chosen proposal).
DECISION = "decision"


def runs_of(workshop: Workshop) -> list[Run]:
    """The day's runs in agenda order."""
    return list(
        Run.objects.filter(workshop=workshop)
        .select_related("exercise__agenda_item", "workshop")
        .order_by("exercise__agenda_item__position", "exercise__agenda_item__pk")
    )


def at_its_end(run: Run) -> Run:
    """The run as it reads at its end: its last phase, its result revealed.

    Changed on this instance in memory only, never saved: callers load the run for this."""
    run.phase = max(len(run.phases()) - 1, 0)
    run.state = {**run.state, "revealed": True}
    return run


def result_html(run: Run, **extra) -> str:
    """The run's result, drawn by its kind's presenter partial (text escaped there)."""
    module = run.module
    context = {
        "run": run,
        "workshop": run.workshop,
        "phases": run.phases(),
        "phase": run.current_phase(),
        "kind": module.room_context(run),
        # Drawn without a request and for nobody in particular, like a push to the projector.
        "broadcast": True,
        **extra,
    }
    return render_to_string(f"{module.TEMPLATE}#presenter", context)


@dataclass(frozen=True)
class Participation:
    """Who took part in a run: people who sent something, and those placed in its groups."""

    senders: int
    grouped: int
    groups: int


def participation(run: Run) -> Participation:
    """Counted from the rows: each person who sent anything once (one whose rows erasure
    anonymised by their alias), and each anonymous answer (saved without a name) as one person;
    what a secretary sent for a group counts for the secretary. Check-ins live on the personal
    pages, not as submissions, and count there."""
    counts = run.submissions.aggregate(
        people=common.people_count(),
        anonymous=Count(
            "pk", filter=Q(author__isnull=True, alias__isnull=True, group__isnull=True)
        ),
    )
    senders = counts["people"] + counts["anonymous"]
    if run.module.participants is not None:
        senders = run.module.participants(run)
    members = Member.objects.filter(run=run)
    return Participation(
        senders=senders,
        grouped=members.count(),
        groups=run.groups.count(),
    )


def offers_of(run: Run) -> list[Offer]:
    return run.module.promotable(run)


def decisions(offers: list[Offer]) -> list[str]:
    """What the room decided, from the run's offers to the platform."""
    return [offer.items[0] for offer in offers if offer.key == DECISION and offer.items]


@dataclass
class RunResult:
    run: Run
    participation: Participation
    offers: list[Offer]
    decided: list[str]
    html: str = ""
    downloads: list[tuple[str, str]] = field(default_factory=list)

    @property
    def item(self):
        return self.run.exercise.agenda_item

    @property
    def label(self) -> str:
        return str(self.run.module.LABEL)


def downloads(run: Run) -> list[tuple[str, str]]:
    """The run's exports as (label, url): the table as CSV and as a spreadsheet, and any
    more the kind offers (its DOWNLOADS, e.g. the word cloud as a picture)."""
    from django.utils.translation import gettext as _

    found = [
        (_("Table (CSV)"), reverse("exercises:export_csv", args=[run.pk])),
        (_("Spreadsheet (XLSX)"), reverse("exercises:export_xlsx", args=[run.pk])),
    ]
    for label, name in run.module.DOWNLOADS:
        found.append((str(label), reverse(name, args=[run.pk])))
    return found


def results_of(workshop: Workshop, *, drawn: bool = True) -> list[RunResult]:
    """Every run of the day in agenda order, with its result drawn (unless `drawn` is
    False: the summary needs the figures only)."""
    results = []
    for run in runs_of(workshop):
        at_its_end(run)
        offers = offers_of(run)
        results.append(
            RunResult(
                run=run,
                participation=participation(run),
                offers=offers,
                decided=decisions(offers),
                html=result_html(run) if drawn else "",
                downloads=downloads(run),
            )
        )
    return results


def closing(workshop: Workshop) -> dict:
    """The projector's closing screen: the day's highlights (the kinds that mark themselves
    CLOSING, such as the cloud and the room's diamond, where anyone took part, and every run
    that ended in a decision) and the next day of the programme."""
    highlights = []
    for run in runs_of(workshop):
        at_its_end(run)
        decided = decisions(offers_of(run))
        if decided or (run.module.CLOSING and participation(run).senders):
            highlights.append(result_html(run))
    next_day = (
        Workshop.objects.filter(programme_id=workshop.programme_id, number__gt=workshop.number)
        .order_by("number")
        .first()
    )
    return {"highlights": highlights, "next_day": next_day}


@dataclass(frozen=True)
class OwnPart:
    """What one person did in one run: how much they sent, and their group and role."""

    title: str
    label: str
    sent: int
    group: str
    role: str


def own_day(workshop: Workshop, attendee) -> list[OwnPart]:
    """What this phone's person did on the day, run by run in agenda order (for their phone
    when the day ends). Only their own rows: never anyone else's."""
    from exercises.models import Submission

    sent = dict(
        Submission.objects.filter(run__workshop=workshop, author=attendee)
        .values("run")
        .annotate(count=Count("pk"))
        .values_list("run", "count")
    )
    members = {
        member.run_id: member
        for member in Member.objects.filter(
            run__workshop=workshop, attendee=attendee
        ).select_related("group")
    }
    parts = []
    for run in runs_of(workshop):
        member = members.get(run.pk)
        if run.pk not in sent and member is None:
            continue
        parts.append(
            OwnPart(
                title=run.exercise.agenda_item.title,
                label=str(run.module.LABEL),
                sent=sent.get(run.pk, 0),
                group=member.group.name if member else "",
                role=member.get_role_display() if member and member.role else "",
            )
        )
    return parts
