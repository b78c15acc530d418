"""The person's own data across the apps: what they sent, a copy of it, erasure, and the
retention period's purge. Built on the exercises (their submissions and privacy rules)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from exercises.models import RunEvent, Submission
from exercises.privacy import erase_submissions, group_results, keep_people_counts
from workshops.models import (
    ActionLearningAnswer,
    Attendee,
    ClaimRequest,
    ContentDeletion,
    KnownDevice,
    Participant,
    PersonalKey,
    PersonalLink,
    Programme,
)
from workshops.personal import deletion_due

logger = logging.getLogger(__name__)

# Access and erasure


def _submissions_of(participant: Participant):
    return Submission.objects.filter(author__participant=participant)


def submissions_of(participant: Participant):
    """What the person sent in the exercises under their name (anonymous entries aren't theirs
    to find: nothing links them to anyone)."""
    return (
        _submissions_of(participant)
        .select_related("run__workshop", "run__exercise__agenda_item")
        .order_by("run__workshop__number", "created_at", "pk")
    )


def readable(data, prefix: str = "") -> list[str]:
    """An exercise answer's structured data as lines a person can read ("rows 1: Tillit"),
    for the readable copy: a survey's scores and a diamond's rows are in data, not text."""
    if isinstance(data, dict):
        return [
            line
            for key, value in data.items()
            for line in readable(value, f"{prefix}{key}: " if not prefix else f"{prefix}{key} ")
        ]
    if isinstance(data, list):
        if all(not isinstance(item, (dict, list)) for item in data):
            return [f"{prefix}{', '.join(str(item) for item in data)}"] if data else []
        return [
            line
            for number, item in enumerate(data, start=1)
            for line in readable(item, f"{prefix}{number}: ")
        ]
    return [f"{prefix}{data}"]


def export(participant: Participant) -> dict:
    """Everything the participant wrote, and what is stored about them, as plain data."""
    programme = participant.programme
    answers = participant.answers.select_related("workshop").order_by("workshop__number", "pk")
    submissions = submissions_of(participant)
    return {
        "exported_at": timezone.now().isoformat(),
        "organisation": programme.organisation.name,
        "programme": programme.title,
        "participant": {
            "name": participant.name,
            "email": participant.email,
            "title": participant.title,
            "network_group": participant.network_group.name if participant.network_group else "",
        },
        "action_learning": [
            {
                "day": a.workshop.number if a.workshop else None,
                "question": a.question,
                "question_text": str(a.get_question_display()),
                "text": a.text,
                "shared_with_group": a.shared,
                "updated_at": a.updated_at.isoformat(),
            }
            for a in answers
        ],
        "days_joined": [
            {
                "day": attendee.workshop.number,
                "display_name": attendee.display_name,
                "joined_at": attendee.joined_at.isoformat(),
            }
            for attendee in participant.attendances.select_related("workshop")
        ],
        "exercise_answers": [
            {
                "day": s.run.workshop.number,
                "exercise": s.run.exercise.agenda_item.title,
                "kind": s.run.exercise.kind,
                "key": s.key,
                "text": s.text,
                "data": s.data,
                "data_lines": readable(s.data),
                "created_at": s.created_at.isoformat(),
            }
            for s in submissions
        ],
        "devices": [
            {"proven_at": d.proven_at.isoformat(), "how": d.how}
            for d in participant.known_devices.order_by("proven_at")
        ],
    }


def erase(participant: Participant, *, reason: str, actor=None) -> dict[str, int]:
    """Take away everything the participant wrote. The roster entry stays (the organisation's).

    Nothing leads back to them afterwards and no text of theirs stays. What they added to the
    room's numbers (a survey's scores, a diamond, how many words were sent) stays in rows with
    no author and no text (exercises/privacy.py); the rest is deleted. What they typed for their
    group as its secretary (its agreed list, its diamond, its proposals) is the group's, and
    stays with the group without their name.
    """

    with transaction.atomic():
        keep_people_counts(participant.answers.all(), participant.attendances.all())
        for_groups = _submissions_of(participant).filter(group_results()).update(author=None)
        counts = {
            "submissions": erase_submissions(_submissions_of(participant)),
            "group_results_kept": for_groups,
            "answers": participant.answers.all().delete()[0],
            "attendances": participant.attendances.all().delete()[0],
            "links": participant.personal_links.all().delete()[0],
            "keys": PersonalKey.objects.filter(participant=participant).delete()[0],
            "devices": participant.known_devices.all().delete()[0],
            "claims": participant.claims.all().delete()[0],
        }
        ContentDeletion.objects.create(
            programme=participant.programme,
            participant=participant,
            reason=reason,
            actor=actor,
            counts=counts,
        )
    logger.info("Erased content of participant %d: %s", participant.pk, counts)
    return counts


# Retention


def purge_programme(programme: Programme) -> dict[str, int]:
    """Delete all participant content of the programme; the platform, the roster and the
    results stay, as rows with no author and no text (exercises/privacy.py). What erasure left
    with a group (its agreed list, its diamond, its proposals) goes the same way now."""

    with transaction.atomic():
        keep_people_counts(
            ActionLearningAnswer.objects.filter(participant__programme=programme),
            Attendee.objects.filter(workshop__programme=programme),
        )
        counts = {
            "submissions": erase_submissions(
                Submission.objects.filter(run__workshop__programme=programme)
            ),
            # The facilitator's log of the runs says which word was hidden or merged into
            # which: participants' words. The log's rows stay, without them.
            "log_details": RunEvent.objects.filter(run__workshop__programme=programme)
            .exclude(detail="")
            .update(detail=""),
            "answers": ActionLearningAnswer.objects.filter(
                participant__programme=programme
            ).delete()[0],
            "attendances": Attendee.objects.filter(workshop__programme=programme).delete()[0],
            "links": PersonalLink.objects.filter(participant__programme=programme).delete()[0],
            # The personal codes expire with the content, and every device is signed out.
            "keys": PersonalKey.objects.filter(participant__programme=programme).delete()[0],
            "devices": KnownDevice.objects.filter(participant__programme=programme).delete()[0],
            "claims": ClaimRequest.objects.filter(workshop__programme=programme).delete()[0],
        }
        ContentDeletion.objects.create(
            programme=programme, reason=ContentDeletion.Reason.RETENTION, counts=counts
        )
    logger.info("Retention deleted content of programme %d: %s", programme.pk, counts)
    return counts


def purge_expired(today: dt.date | None = None) -> list[int]:
    """Purge every programme whose retention has run out and that still holds content."""

    today = today or timezone.localdate()
    purged = []
    for programme in Programme.objects.filter(workshops__isnull=False).distinct():
        if not deletion_due(programme, today):
            continue
        holds_content = (
            # Rows erasure or an earlier purge anonymised hold nothing of anyone's.
            Submission.objects.filter(
                run__workshop__programme=programme, alias__isnull=True
            ).exists()
            or ActionLearningAnswer.objects.filter(participant__programme=programme).exists()
            or Attendee.objects.filter(workshop__programme=programme).exists()
        )
        if holds_content:
            purge_programme(programme)
            purged.append(programme.pk)
    return purged
