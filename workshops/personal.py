"""Services for the time between the days: personal links and codes, the action-learning
answers, check-in reminders, and the privacy duties (export, erasure, retention).

Nothing here logs what participants wrote: log lines and audit rows carry ids and counts only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from workshops.bus import redis_or
from workshops.models import (
    CHECKIN_QUESTIONS,
    JOIN_CODE_ALPHABET,
    PROJECT_QUESTIONS,
    ActionLearningAnswer,
    CheckInReminder,
    ContentDeletion,
    KnownDevice,
    Participant,
    PersonalKey,
    PersonalLink,
    PersonEvent,
    Programme,
    Workshop,
)

logger = logging.getLogger(__name__)

LINK_LIFETIME = dt.timedelta(hours=getattr(settings, "PERSONAL_LINK_HOURS", 72))
CODE_LENGTH = 10
# Facilitators see the deletion coming this many days ahead.
RETENTION_WARNING_DAYS = 30


Question = ActionLearningAnswer.Question


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Personal links


def create_link(participant: Participant, *, now: dt.datetime | None = None) -> str:
    """A new one-time link for the participant; returns the token (never stored as such)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    PersonalLink.objects.create(
        participant=participant, token_hash=_digest(token), expires_at=now + LINK_LIFETIME
    )
    return token


def valid_link(token: str, *, now: dt.datetime | None = None) -> PersonalLink | None:
    now = now or timezone.now()
    return (
        PersonalLink.objects.select_related("participant__programme")
        .filter(token_hash=_digest(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )


def use_link(token: str, *, now: dt.datetime | None = None) -> Participant | None:
    """Spend the link: the first use wins, every later one (or an expired link) gets None."""
    now = now or timezone.now()
    used = PersonalLink.objects.filter(
        token_hash=_digest(token), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not used:
        return None
    return PersonalLink.objects.get(token_hash=_digest(token)).participant


def link_url(token: str) -> str:
    # In the fragment: never sent to the server, so never in an access log or a Referer.
    return settings.SITE_URL + reverse("personal:personal_link") + "#" + token


def send_links(email: str, language: str | None = None) -> int:
    """Mail a link for every roster entry with this address; returns how many were sent.

    The caller answers the same whatever this finds, so nobody learns who is on a roster.
    """
    email = email.strip()
    if not email:
        return 0
    participants = list(
        Participant.objects.filter(email__iexact=email).select_related("programme__organisation")
    )
    if not participants:
        return 0
    links = [(p, link_url(create_link(p))) for p in participants]
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "workshops/personal/email_links.txt",
            {"links": links, "hours": int(LINK_LIFETIME.total_seconds() // 3600)},
        )
        send_mail(_("Your personal page in Samling"), body, None, [participants[0].email])
    logger.info("Sent personal links for %d roster entries", len(links))
    return len(links)


# A few links an hour per address are plenty; more would let anyone flood an inbox.
LINKS_PER_ADDRESS = 5
LINK_WINDOW_SECONDS = 60 * 60


# Without Redis the count cannot be kept: no link is sent, rather than any number of them.
@redis_or(default=False)
def may_mail(email: str) -> bool:
    key = "link-requests:" + hashlib.sha256(email.lower().encode()).hexdigest()
    if cache.add(key, 1, LINK_WINDOW_SECONDS):
        return True
    try:
        return cache.incr(key) <= LINKS_PER_ADDRESS
    except ValueError:  # expired between the two calls
        return cache.add(key, 1, LINK_WINDOW_SECONDS)


# Personal codes: derived from a per-participant salt, so the phone can show the code again
# while only its hash is stored; a new salt revokes the old code.


def _derive_code(participant_id: int, salt: str) -> str:
    mac = salted_hmac(
        "samling.personal-code", f"{participant_id}:{salt}", algorithm="sha256"
    ).digest()
    return "".join(JOIN_CODE_ALPHABET[b % len(JOIN_CODE_ALPHABET)] for b in mac[:CODE_LENGTH])


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _key(participant: Participant) -> PersonalKey:
    key = PersonalKey.objects.filter(participant=participant).first()
    if key is None:
        salt = secrets.token_hex(16)
        try:
            with transaction.atomic():
                key = PersonalKey.objects.create(
                    participant=participant,
                    salt=salt,
                    code_hash=_digest(_derive_code(participant.pk, salt)),
                )
        except IntegrityError:  # two pages asked at once: the first one's key stands
            key = PersonalKey.objects.get(participant=participant)
    return key


def personal_code(participant: Participant) -> str:
    """The person's code, for their own eyes only: callers show it on the personal page and
    on the person's known devices, never to a phone that only picked the name."""
    return format_code(_derive_code(participant.pk, _key(participant).salt))


def code_stamp(participant: Participant) -> str:
    """Changes whenever the code does: a session opened with the old code ends with it."""
    return _key(participant).code_hash[:16]


def new_code(participant: Participant, *, by=None, keep_device: str | None = None) -> str:
    """A new personal code, and the old one no longer works. The person's other devices and
    sessions are signed out (a lost phone, a code seen by someone else); the device they did
    it from, if they did, stays theirs. Returns the new code."""
    with transaction.atomic():
        key = PersonalKey.objects.select_for_update().filter(participant=participant).first()
        salt = secrets.token_hex(16)
        code_hash = _digest(_derive_code(participant.pk, salt))
        if key is None:
            PersonalKey.objects.create(participant=participant, salt=salt, code_hash=code_hash)
        else:
            key.salt, key.code_hash = salt, code_hash
            key.save(update_fields=["salt", "code_hash"])
        KnownDevice.objects.filter(participant=participant).exclude(
            device_hash=keep_device or ""
        ).delete()
        PersonEvent.objects.create(
            action=PersonEvent.Action.NEW_CODE,
            participant=participant,
            how="facilitator" if by else "participant",
            actor=by,
        )
    return format_code(_derive_code(participant.pk, salt))


def participant_of_code(raw: str, *, today: dt.date | None = None) -> Participant | None:
    """The person whose code this is; None for a wrong code, or once the programme's content
    has been deleted (the code expires with the retention period)."""
    code = normalise_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    key = (
        PersonalKey.objects.select_related("participant__programme")
        .filter(code_hash=_digest(code))
        .first()
    )
    if key is None:
        return None
    deletion = key.participant.programme.deletion_date()
    if deletion is not None and deletion <= (today or timezone.localdate()):
        return None
    return key.participant


# Answers


class AnswerTooLong(ValueError):
    pass


def save_answer(
    participant: Participant,
    question: str,
    text: str,
    *,
    shared: bool,
    workshop: Workshop | None = None,
    token: uuid.UUID | None = None,
) -> ActionLearningAnswer:
    """Save one answer, at once and once: a retry with the same token changes nothing."""
    if question not in Question.values:
        raise ValueError("Unknown question")
    if (question in PROJECT_QUESTIONS) != (workshop is None):
        raise ValueError("Project answers have no day; every other answer has one")
    if workshop is not None and workshop.programme_id != participant.programme_id:
        raise ValueError("The day is not in the participant's programme")
    text = text.replace("\r\n", "\n").strip()
    if len(text) > ActionLearningAnswer.MAX_LENGTH:
        raise AnswerTooLong(len(text))
    lookup = {"participant": participant, "workshop": workshop, "question": question}
    with transaction.atomic():
        # No default ordering here: it joins the (nullable) day, which PostgreSQL will not lock.
        answer = (
            ActionLearningAnswer.objects.select_for_update().filter(**lookup).order_by("pk").first()
        )
        if answer is None:
            try:
                with transaction.atomic():
                    return ActionLearningAnswer.objects.create(
                        **lookup,
                        text=text,
                        shared=shared and bool(text),
                        tokens=[str(token)] if token else [],
                    )
            except IntegrityError:  # the first save twice at once: go on with the winner's row
                answer = (
                    ActionLearningAnswer.objects.select_for_update().order_by("pk").get(**lookup)
                )
        if token is not None and str(token) in answer.tokens:
            return answer
        answer.text, answer.shared = text, shared and bool(text)
        if token is not None:
            answer.tokens = [*answer.tokens, str(token)][-ActionLearningAnswer.TOKENS_KEPT :]
        answer.save()
    return answer


def answers_of(participant: Participant) -> dict[tuple[int | None, str], ActionLearningAnswer]:
    return {(a.workshop_id, a.question): a for a in participant.answers.all()}


@dataclass(frozen=True)
class DayProgress:
    workshop: Workshop
    checked_in: list[Participant]
    missing: list[Participant]


@dataclass(frozen=True)
class Progress:
    participants: list[Participant]
    started: list[Participant]
    days: list[DayProgress]
    # How many people deleted what they wrote themselves: a count, never who or what.
    erased_by_themselves: int = 0
    # The last copy of their data sent to each person, by participant id.
    copies_sent: dict = field(default_factory=dict)

    def with_copies(self) -> list[tuple[Participant, dt.datetime | None]]:
        return [(p, self.copies_sent.get(p.pk)) for p in self.participants]


def progress(programme: Programme) -> Progress:
    """Who has started the project and who has checked in per day: names, never content."""
    participants = list(programme.participants.all())
    filled = ActionLearningAnswer.objects.filter(participant__programme=programme).exclude(text="")
    started_ids = set(
        filled.filter(question__in=PROJECT_QUESTIONS).values_list("participant_id", flat=True)
    )
    checked = set(
        filled.filter(question__in=CHECKIN_QUESTIONS).values_list("workshop_id", "participant_id")
    )
    days = [
        DayProgress(
            workshop=workshop,
            checked_in=[p for p in participants if (workshop.pk, p.pk) in checked],
            missing=[p for p in participants if (workshop.pk, p.pk) not in checked],
        )
        for workshop in programme.workshops.all()
    ]
    copies = dict(
        PersonEvent.objects.filter(
            participant__programme=programme, action=PersonEvent.Action.ACCESS_COPY
        )
        .order_by("at")
        .values_list("participant_id", "at")
    )
    return Progress(
        participants=participants,
        started=[p for p in participants if p.pk in started_ids],
        days=days,
        erased_by_themselves=programme.deletions.filter(
            reason=ContentDeletion.Reason.PARTICIPANT
        ).count(),
        copies_sent=copies,
    )


def send_access_copy(participant: Participant, *, by, language: str | None = None) -> str:
    """Answer a request for access *to the person*: a facilitator asks for it, and the copy
    (the same in JSON and as a web page) waits on the person's own page, with a link to it by
    e-mail when the list has their address. The facilitator learns that it was sent, never
    what it holds. Returns "email" or "page"."""
    how = "email" if participant.email else "page"
    PersonEvent.objects.create(
        action=PersonEvent.Action.ACCESS_COPY, participant=participant, how=how, actor=by
    )
    if participant.email:
        url = link_url(create_link(participant))
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "workshops/personal/email_access_copy.txt",
                {
                    "participant": participant,
                    "url": url,
                    "hours": int(LINK_LIFETIME.total_seconds() // 3600),
                },
            )
            send_mail(_("A copy of your data in Samling"), body, None, [participant.email])
    logger.info("Access copy for participant %d (%s)", participant.pk, how)
    return how


def shared_in_group(participant: Participant) -> list[ActionLearningAnswer]:
    """What the other members of the participant's network group chose to share."""
    if participant.network_group_id is None:
        return []
    return list(
        ActionLearningAnswer.objects.filter(
            participant__network_group_id=participant.network_group_id, shared=True
        )
        .exclude(participant=participant)
        .exclude(text="")
        .select_related("participant", "workshop")
        .order_by("participant__name", "workshop__number", "pk")
    )


# Reminders


def remind_missing_checkins(workshop: Workshop, language: str | None = None) -> int:
    """Mail a link to each participant with an email who has not checked in for the day.

    Each person is reminded once per day, however often this runs.
    """
    progress_of_day = next(d for d in progress(workshop.programme).days if d.workshop == workshop)
    sent = 0
    for participant in progress_of_day.missing:
        if not participant.email:
            continue
        try:
            with transaction.atomic():
                CheckInReminder.objects.create(workshop=workshop, participant=participant)
        except IntegrityError:
            continue
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "workshops/personal/email_reminder.txt",
                {
                    "participant": participant,
                    "workshop": workshop,
                    "url": link_url(create_link(participant)),
                },
            )
            send_mail(
                _("Check in before %(day)s") % {"day": workshop}, body, None, [participant.email]
            )
        sent += 1
    logger.info("Sent %d check-in reminders for day %d", sent, workshop.pk)
    return sent


def remind_upcoming(today: dt.date | None = None, days_ahead: int = 2) -> list[int]:
    """The days that are `days_ahead` days away: queue their reminders (each sent once)."""
    from workshops import tasks

    today = today or timezone.localdate()
    day_ids = list(
        Workshop.objects.filter(date=today + dt.timedelta(days=days_ahead)).values_list(
            "pk", flat=True
        )
    )
    for day_id in day_ids:
        transaction.on_commit(partial(tasks.send_checkin_reminders.delay, day_id))
    return day_ids


# Retention


def deletion_due(programme: Programme, today: dt.date) -> bool:
    deletion_date = programme.deletion_date()
    return deletion_date is not None and today >= deletion_date


def deletion_warning(programme: Programme, today: dt.date | None = None) -> dt.date | None:
    """The deletion date, when it is near enough to warn the facilitators about."""
    today = today or timezone.localdate()
    deletion_date = programme.deletion_date()
    if deletion_date and today < deletion_date <= today + dt.timedelta(RETENTION_WARNING_DAYS):
        return deletion_date
    return None
