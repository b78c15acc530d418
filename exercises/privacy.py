"""Erasing what participants sent, for good, while the room's results stay right.

Erasure (a person asks) and retention (the programme's period has run out) take every
submission of the person, or of the programme, out of anyone's reach. A row that the room's
results count (a survey's scores, a diamond, dots on proposals, how many words were sent) stays,
anonymised: its author goes, its text goes, and its kind says what of its data stays (its
`anonymised`): numbers and choices, never anything the person wrote. The rows one person sent
in a run share a fresh random alias, so the room still counts them as one person; nothing maps
an alias to anyone, and each run gets its own. A row that nothing counts (a draft, an argument
in a round robin) is deleted. So the kinds read their results from the rows alone, before and after:
no total is kept beside them. A word in a cloud or a proposal is its writer's text: its row
stays, empty, and the word leaves the cloud, the proposal the list. The README's table "Erasure:
which kinds anonymise and which keep a count" says what each kind does.

Where the facilitator's choices quote an entry (a hidden or merged word, a decision's
alternatives), the kind takes it out of the run's state (its `forget(run, leaving)`), and the
run's log loses the detail of each line that quotes it.

The one count kept beside the rows is the check-in's: it counts people's personal-page answers
and the day's attendances, which erasure deletes (an attendance names its person, so it can't
stay anonymised). Before they go, each check-in run folds how many people they counted into
run.state["kept"] (`keep_people_counts`).
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q

from exercises import kinds
from exercises.aggregate import word_key
from exercises.models import Run, RunEvent, Submission


def erase_submissions(submissions) -> int:
    """Anonymise these submissions, or delete those nothing counts; return how many went.

    Rows anonymised before (their alias set) are not taken again."""
    submissions = submissions.filter(alias__isnull=True)
    with transaction.atomic():
        run_ids = set(submissions.values_list("run_id", flat=True))
        # In id order, so two erasures at once lock the runs in the same order.
        runs = (
            Run.objects.select_for_update()
            .select_related("exercise", "workshop")
            .filter(pk__in=run_ids)
            .order_by("pk")
        )
        erased = 0
        for run in runs:
            # Fixed by id: the texts are read (by forget and the log) before they go.
            leaving = Submission.objects.filter(
                pk__in=list(submissions.filter(run=run).values_list("pk", flat=True))
            )
            run.module.forget(run, leaving)
            # Not a facilitator's change: the version stays, so an open console isn't stale.
            run.save(update_fields=["state"])
            _forget_in_log(run, leaving)
            erased += _anonymise(run, leaving)
        return erased


def _anonymise(run: Run, leaving) -> int:
    rows = list(leaving)
    aliases: dict[tuple[str, int], uuid.UUID] = {}
    staying, going = [], []
    for row in rows:
        row.run = run  # the locked run, its exercise at hand for the kind
        fields = run.module.anonymised(row)
        if fields is None:
            going.append(row.pk)
            continue
        # One alias per person: by author. A group's result whose author went before (kept
        # with the group at their erasure) stands for its group; an anonymous answer for itself.
        if row.author_id is not None:
            whose = ("author", row.author_id)
        elif row.group_id is not None:
            whose = ("group", row.group_id)
        else:
            whose = ("row", row.pk)
        row.alias = aliases.setdefault(whose, uuid.uuid4())
        row.author = None
        row.text = ""
        row.data = fields.get("data", {})
        row.group_id = fields.get("group_id")
        staying.append(row)
    Submission.objects.bulk_update(staying, ["alias", "author", "text", "data", "group"])
    Submission.objects.filter(pk__in=going).delete()
    return len(rows)


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
    day's attendances, its `people_leaving`) adds how many people they counted for to
    run.state["kept"]."""
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
            before = run.state.get("kept", {})
            leaving = run.module.people_leaving(run, answers, attendees)
            run.state["kept"] = {
                **before,
                **{name: before.get(name, 0) + count for name, count in leaving.items()},
            }
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
