"""Deleting what participants sent, for good, while the room's results stay right.

Erasure (a person asks) and retention (the programme's period has run out) delete submission
rows; nothing is only flagged. A word cloud's counts, a survey's means, a diamond's ranking were
built from those rows, though, and the room and HR keep them. So before the rows go, each run's
kind folds what they added into `run.state["kept"]` (its `keep(run, leaving)`): counts, score
distributions, points, and for word clouds and proposals the words and proposals the room saw,
with nothing that links any of it to a person. The kinds add the kept part to what the rows
that remain give, so results read the same before and after, and a run that goes on (an
erasure in the middle of a live day) keeps counting.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from exercises import kinds
from exercises.kinds import checkin, common
from exercises.models import Run


def delete_submissions(submissions) -> int:
    """Delete these submissions; return how many rows went. Their runs keep the aggregates."""
    with transaction.atomic():
        run_ids = set(submissions.values_list("run_id", flat=True))
        # In id order, so two deletions at once lock the runs in the same order.
        runs = (
            Run.objects.select_for_update()
            .select_related("exercise", "workshop")
            .filter(pk__in=run_ids)
            .order_by("pk")
        )
        for run in runs:
            module = kinds.KINDS.get(run.exercise.kind)
            keep = getattr(module, "keep", None)
            if keep is None:
                continue
            run.state["kept"] = keep(run, submissions.filter(run=run))
            # Not a facilitator's change: the version stays, so an open console isn't stale.
            run.save(update_fields=["state"])
        return submissions.delete()[0]


def keep_check_ins(answers, attendees) -> None:
    """Before personal answers or attendances are deleted, each of their days' check-in runs
    keeps how many people they counted for: a check-in stores nothing on its run, it counts
    the personal pages' check-ins and the day's attendances."""
    with transaction.atomic():
        days = set(answers.values_list("workshop_id", flat=True))
        days |= set(attendees.values_list("workshop_id", flat=True))
        runs = (
            Run.objects.select_for_update()
            .filter(workshop_id__in=days - {None}, exercise__kind=checkin.NAME)
            .order_by("pk")
        )
        for run in runs:
            run.state["kept"] = common.add_counts(run, **checkin.leaving(run, answers, attendees))
            run.save(update_fields=["state"])


def group_results() -> Q:
    """The submissions that are a group's result, though one member typed them (the
    secretary): the group's agreed list, its diamond, its proposals (each kind's
    GROUP_RESULTS keys, on rows that belong to a group)."""
    found = Q(pk__in=[])
    for module in kinds.KINDS.values():
        keys = getattr(module, "GROUP_RESULTS", ())
        if keys:
            found |= Q(run__exercise__kind=module.NAME, key__in=keys, group__isnull=False)
    return found
