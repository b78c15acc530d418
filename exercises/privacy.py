"""Deleting what participants sent, for good, while the room's results stay right.

Erasure (a person asks) and retention (the programme's period has run out) delete submission
rows; nothing is only flagged, and no text of the rows stays anywhere (tests/
test_erasure_canary.py searches the whole database for it). A survey's means, a diamond's
ranking, the points on proposals were built from those rows, though, and the room and HR keep
them. So before the rows go, each run's kind folds what they added into `run.state["kept"]`
(its `keep(run, leaving)`): counts, score distributions, points, never a text. The kinds add the
kept part to what the rows that remain give, so numbers read the same before and after, and a
run that goes on (an erasure in the middle of a live day) keeps counting. A word in a cloud or a
proposal is its writer's text: it leaves the results with them.

Where the facilitator's choices quote an entry (a hidden or merged word, a decision's
alternatives), the kind takes it out of the run's state (its `forget(run, leaving)`), and the
run's log loses the detail of each line that quotes it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from exercises import kinds
from exercises.aggregate import word_key
from exercises.kinds import common
from exercises.models import Run, RunEvent


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
            leaving = submissions.filter(run=run)
            run.state["kept"] = run.module.keep(run, leaving)
            run.module.forget(run, leaving)
            # Not a facilitator's change: the version stays, so an open console isn't stale.
            run.save(update_fields=["state"])
            _forget_in_log(run, leaving)
        return submissions.delete()[0]


def _forget_in_log(run: Run, leaving) -> None:
    """The run's log says which entry the facilitator hid or merged, in the entry's own words:
    a text that leaves (no remaining entry of the run has it) takes each line quoting it along;
    the line stays, without its detail."""
    remaining = run.submissions.exclude(pk__in=leaving.values("pk")).values_list("text", flat=True)
    texts = {word_key(text) for text in leaving.values_list("text", flat=True)}
    texts -= {word_key(text) for text in remaining} | {""}
    quoting = [
        event.pk
        for event in RunEvent.objects.filter(run=run).exclude(detail="")
        if any(text in word_key(event.detail) for text in texts)
    ]
    RunEvent.objects.filter(pk__in=quoting).update(detail="")


def keep_people_counts(answers, attendees) -> None:
    """Before personal answers or attendances are deleted, each of their days' runs whose kind
    counts people rather than its own rows (a check-in: the personal pages' check-ins and the
    day's attendances, its `people_leaving`) keeps how many people they counted for."""
    counting = [name for name, kind in kinds.KINDS.items() if kind.people_leaving is not None]
    with transaction.atomic():
        days = set(answers.values_list("workshop_id", flat=True))
        days |= set(attendees.values_list("workshop_id", flat=True))
        runs = (
            Run.objects.select_for_update()
            .select_related("exercise")
            .filter(workshop_id__in=days - {None}, exercise__kind__in=counting)
            .order_by("pk")
        )
        for run in runs:
            leaving = run.module.people_leaving(run, answers, attendees)
            run.state["kept"] = common.add_counts(run, **leaving)
            run.save(update_fields=["state"])


def group_results() -> Q:
    """The submissions that are a group's result, though one member typed them (the
    secretary): the group's agreed list, its diamond, its proposals (each kind's
    GROUP_RESULTS keys, on rows that belong to a group)."""
    found = Q(pk__in=[])
    for name, kind in kinds.KINDS.items():
        if kind.GROUP_RESULTS:
            found |= Q(run__exercise__kind=name, key__in=kind.GROUP_RESULTS, group__isnull=False)
    return found
