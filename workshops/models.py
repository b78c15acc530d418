from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workshops import logos
from workshops.agenda import DaySummary, ScheduledItem, schedule, summarise
from workshops.timer import Timer

# Join codes avoid characters that are easy to confuse on a projector or a phone keyboard.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


class StaleVersion(Exception):
    """The facilitator's page was drawn from an older state; someone else moved the day on."""

    def __init__(self, current_version: int) -> None:
        super().__init__(current_version)
        self.current_version = current_version


class TransitionRefused(Exception):
    """The transition makes no sense in the current state (a message for the facilitator)."""


# Brand settings of an organisation, used on the lederplakat.
hex_colour = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Enter a colour as #RRGGBB, e.g. #1F4E79."))


def validate_logo(file) -> None:
    """A PNG or JPEG within the size and pixel caps, or a stored SVG (workshops/logos.py)."""
    logos.validate(file)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    brand_primary = models.CharField(
        _("primary brand colour"), max_length=7, blank=True, validators=[hex_colour]
    )
    brand_secondary = models.CharField(
        _("secondary brand colour"), max_length=7, blank=True, validators=[hex_colour]
    )
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg"]), validate_logo],
        help_text=_("PNG, JPEG or SVG, at most 1 MB."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        HR = "hr", _("HR adviser")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.FACILITATOR, self.Role.ADMIN)


class Programme(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by the create form, so a double-clicked or retried submit makes one programme.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    retention_days = models.PositiveIntegerField(
        _("keep participants' content for (days)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Counted from the last day. Then everything participants wrote is deleted; the "
            "leadership platform and aggregate results stay."
        ),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:programme_detail", args=[self.pk])

    def last_day(self) -> dt.date | None:
        return self.workshops.aggregate(last=models.Max("date"))["last"]

    def deletion_date(self) -> dt.date | None:
        """The day participants' content is deleted: the retention period after the last day."""
        last = self.last_day()
        return last + dt.timedelta(days=self.retention_days) if last else None


class NetworkGroup(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("network group")
        verbose_name_plural = _("network groups")
        constraints = [
            models.UniqueConstraint(
                "programme", Lower("name"), name="unique_group_name_per_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    network_group = models.ForeignKey(
        NetworkGroup,
        verbose_name=_("network group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                "programme", Lower("name"), name="unique_participant_name_per_programme"
            ),
            models.UniqueConstraint(
                "programme",
                Lower("email"),
                condition=~models.Q(email=""),
                name="unique_participant_email_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Workshop(models.Model):
    """One workshop day (samling) of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workshops")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), default=dt.time(8, 30))
    end_time = models.TimeField(
        _("planned end"),
        null=True,
        blank=True,
        help_text=_("When the day must be over. The agenda is flagged when it runs past it."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    theme = models.CharField(_("main theme"), max_length=200, blank=True)
    between_work = models.TextField(
        _("assignment until the next day"),
        blank=True,
        help_text=_("What participants work on before the next day."),
    )
    roster_only = models.BooleanField(
        _("only people on the list can join"),
        default=False,
        help_text=_("Phones pick a name from the list of participants; nobody types a name."),
    )
    # Set by the forms that make a day in one go (a copy, a day from a template), so a
    # double-clicked or retried submit makes one day.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # The live state of the day. Changed only by the transition methods below, each under the
    # row lock and with the version check, so two facilitator tabs can't both advance.
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    join_code = models.CharField(_("join code"), max_length=8, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    timer_duration = models.DurationField(null=True, blank=True, editable=False)
    timer_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    timer_paused_remaining = models.DurationField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("workshop day")
        verbose_name_plural = _("workshop days")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_day_number"),
            # A code names one live day; ended days give their codes back.
            models.UniqueConstraint(
                fields=["join_code"],
                condition=models.Q(status="live"),
                name="unique_join_code_among_live_days",
            ),
        ]
        indexes = [
            # Every request of a phone finds its day by code. The query is a prepared statement
            # with the status as a parameter, and a plan made for any parameters cannot use
            # the index above (it holds live days only): without this one PostgreSQL planned
            # the lookup anew each time or read every day (docs/performance.md has the figures).
            models.Index(fields=["join_code"], name="workshop_join_code"),
        ]

    def __str__(self) -> str:
        return _("Day %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("exercises:workshop_detail", args=[self.pk])

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time)

    def scheduled_items(self) -> list[ScheduledItem]:
        return schedule(list(self.agenda_items.select_related("exercise")), self.starts_at)

    def planned_end(self) -> dt.datetime | None:
        return dt.datetime.combine(self.date, self.end_time) if self.end_time else None

    def summary(self, scheduled: list[ScheduledItem] | None = None) -> DaySummary:
        if scheduled is None:
            scheduled = self.scheduled_items()
        return summarise(scheduled, self.starts_at, self.planned_end())

    # The live day's state; its transitions are live/day.py's.

    @property
    def timer(self) -> Timer:
        return Timer(
            duration=self.timer_duration,
            ends_at=self.timer_ends_at,
            remaining_when_paused=self.timer_paused_remaining,
        )

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    def _lock(self) -> Workshop:
        # Every change to the order takes the day's row lock first: two tabs reordering at
        # once then apply one after the other instead of interleaving position writes.
        return Workshop.objects.select_for_update().get(pk=self.pk)

    def add_item(self, *, token: uuid.UUID | None = None, **fields) -> AgendaItem:
        with transaction.atomic():
            self._lock()
            if token is not None:
                existing = AgendaItem.objects.filter(client_token=token, workshop=self).first()
                if existing is not None:
                    return existing
            last = self.agenda_items.aggregate(last=models.Max("position"))["last"]
            item = AgendaItem(
                workshop=self,
                position=0 if last is None else last + 1,
                client_token=token,
                **fields,
            )
            item.full_clean()
            item.save()
            return item

    def move_item(self, item: AgendaItem, offset: int) -> int:
        """Move an item up (-1) or down (+1); return its new 1-based place."""
        with transaction.atomic():
            self._lock()
            ids = list(self.agenda_items.values_list("pk", flat=True))
            index = ids.index(item.pk)
            target = max(0, min(len(ids) - 1, index + offset))
            ids.insert(target, ids.pop(index))
            self._renumber(ids)
            return target + 1

    def reorder(self, ordered_ids: list[int]) -> None:
        """Put the items in the given order; ids must be exactly this day's items."""
        with transaction.atomic():
            self._lock()
            current = list(self.agenda_items.values_list("pk", flat=True))
            if sorted(current) != sorted(ordered_ids):
                raise ValueError("The new order must list every item of the day once.")
            self._renumber(ordered_ids)

    def _renumber(self, ordered_ids: list[int]) -> None:
        items = list(self.agenda_items.all())
        by_id = {i.pk: i for i in items}
        for position, pk in enumerate(ordered_ids):
            by_id[pk].position = position
        AgendaItem.objects.bulk_update(items, ["position"])


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        EXERCISE = "exercise", _("Exercise")
        PLENUM = "plenum", _("Plenary")
        PAUSE = "pause", _("Break")
        LUNCH = "lunch", _("Lunch")
        OTHER = "other", _("Other")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Everyone sees this: on the projector and on the phones."),
    )
    # What to say, what to watch for, what to bring: for the facilitator's eyes only. Shown on
    # the console and the printed day plan; never drawn for the projector, the phones or
    # anything participants take home (tests/library/test_notes_stay_private.py).
    facilitator_notes = models.TextField(
        _("notes for the facilitator"),
        blank=True,
        help_text=_(
            "What to say, what to watch for, what to bring. Shown on the console and the "
            "printed day plan, never on the projector or the phones."
        ),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[
            MinValueValidator(1, _("An item must last at least one minute.")),
            MaxValueValidator(600, _("An item can last at most 600 minutes.")),
        ],
    )
    # Set by the add form, so a double-clicked or retried submit adds the item once.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # When the item actually ran on the live day (planned times are computed from durations).
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1), name="agenda_item_has_duration"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_break(self) -> bool:
        return self.kind in (self.Kind.PAUSE, self.Kind.LUNCH)


class LiveEvent(models.Model):
    """One row per transition of a live day: who did what, when, from which item to which."""

    class Action(models.TextChoices):
        START = "start", _("Started the day")
        NEXT = "next", _("Next item")
        PREVIOUS = "previous", _("Previous item")
        TIMER_START = "timer_start", _("Started the timer")
        TIMER_PAUSE = "timer_pause", _("Paused the timer")
        TIMER_RESUME = "timer_resume", _("Resumed the timer")
        TIMER_EXTEND = "timer_extend", _("Changed the time")
        TIMER_END = "timer_end", _("Ended the timer")
        PHASE = "phase", _("Changed the exercise phase")
        END = "end", _("Ended the day")
        REOPEN = "reopen", _("Reopened the day")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="live_events")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    from_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seconds = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["workshop", "version"]
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "version"], name="one_event_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.workshop} v{self.version}: {self.get_action_display()}"


class Attendee(models.Model):
    """A phone that joined a live day, as a roster participant or under a typed name."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="attendees")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="attendances"
    )
    display_name = models.CharField(_("display name"), max_length=60)
    # Only a hash of the device cookie is stored: a database leak hands out no sessions.
    device_hash = models.CharField(max_length=64, editable=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Taken off the day by a facilitator (a ghost, a duplicate, someone who left): the phone is
    # told, groups formed from now on leave the person out. Undone by clearing it.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant"],
                condition=models.Q(participant__isnull=False),
                name="one_attendee_per_participant_and_day",
            ),
            # One phone is one person on a day; the same phone can come to every day.
            models.UniqueConstraint(
                fields=["workshop", "device_hash"], name="one_attendee_per_device_and_day"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class KnownDevice(models.Model):
    """A device that has proven it is this participant: by the link sent to their e-mail, by
    their personal code, or by a facilitator who saw them in the room.

    A known device joins every day of the programme as the person without picking the name,
    opens the personal page and is shown the personal code. Picking a name from the list never
    makes a device known. Only a hash of the device cookie is kept.
    """

    class How(models.TextChoices):
        LINK = "link", _("Link sent by e-mail")
        CODE = "code", _("Personal code")
        FACILITATOR = "facilitator", _("Approved by a facilitator")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="known_devices"
    )
    device_hash = models.CharField(max_length=64, editable=False)
    how = models.CharField(max_length=20, choices=How.choices)
    proven_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "device_hash"], name="one_known_device_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} ({self.how})"


class ClaimRequest(models.Model):
    """A phone asks the facilitator to let it be a person on the list: to move to it from the
    phone that holds the name now, or to confirm that it is the person's own."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="claims")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="claims")
    device_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One open request per phone and person: asking again finds the first.
            models.UniqueConstraint(
                fields=["workshop", "participant", "device_hash"],
                condition=models.Q(status="pending"),
                name="one_pending_claim_per_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.workshop_id}: {self.status}"


class PersonEvent(models.Model):
    """What happened to a person's identity and data: who became whom, who was taken off a day,
    who got a new code or a copy of their data. One row per change, never any content."""

    class Action(models.TextChoices):
        CLAIM = "claim", _("Picked a name from the list")
        PROVE = "prove", _("Proved who they are")
        MOVE = "move", _("Moved to another phone")
        REMOVE = "remove", _("Removed from the day")
        RESTORE = "restore", _("Put back on the day")
        SIGN_OUT = "sign_out", _("Signed out on a phone")
        NEW_CODE = "new_code", _("Got a new personal code")
        ACCESS_COPY = "access_copy", _("Sent a copy of their data")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    attendee = models.ForeignKey(
        Attendee, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    how = models.CharField(max_length=20, blank=True)
    # The phone that lost the identity (moved from, signed out): it is told why, by its hash.
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["workshop", "device_hash"], name="person_event_device")]

    def __str__(self) -> str:
        return f"{self.action} {self.participant_id or self.attendee_id}"


class ActionLearningAnswer(models.Model):
    """One answer a participant wrote between the days (the ActionLearningLog of the glossary).

    The action-learning project (no day), a check-in for a day, or the answer to a day's
    assignment (mellomarbeid). Private to the person unless they chose to share it with their
    network group.
    """

    class Question(models.TextChoices):
        # The five questions of "Oppstart aksjonslæringsprosjekt".
        MARKED_BY = "marked_by", _("What do you want your leadership to be marked by?")
        DEVELOPMENT_POINTS = (
            "development_points",
            _("What are your most important development points?"),
        )
        FIRST_ACTION = (
            "first_action",
            _("What is your first action: the first thing you will do differently or practise?"),
        )
        PRACTICE_WHEN = "practice_when", _("When will you practise?")
        ON_TRACK = "on_track", _("How will you find out whether you are on the right track?")
        # The check-in of a day.
        TRIED = "tried", _("What have you tried since last time?")
        LEARNT = "learnt", _("What have you learnt?")
        TAKE_AWAY = "take_away", _("What do you take with you from today?")
        PEER_PROBLEM = "peer_problem", _("A problem you want to bring to peer coaching")
        # The day's assignment.
        BETWEEN_WORK = "between_work", _("Your answer to the assignment")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    question = models.CharField(max_length=30, choices=Question.choices)
    text = models.TextField(_("answer"), blank=True)
    shared = models.BooleanField(_("share with my network group"), default=False)
    # The page's ids of the latest saves: a retried request, even one that arrives after a
    # newer save, changes nothing.
    tokens = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    MAX_LENGTH = 4000
    TOKENS_KEPT = 20

    class Meta:
        ordering = ["participant", "workshop__number", "pk"]
        verbose_name = _("action-learning answer")
        verbose_name_plural = _("action-learning answers")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "question"],
                condition=models.Q(workshop__isnull=True),
                name="one_project_answer_per_question",
            ),
            models.UniqueConstraint(
                fields=["participant", "workshop", "question"],
                condition=models.Q(workshop__isnull=False),
                name="one_day_answer_per_question",
            ),
        ]

    def __str__(self) -> str:
        # Never the text: this string ends up in logs and admin histories.
        return f"{self.participant_id}/{self.workshop_id}/{self.question}"


PROJECT_QUESTIONS = [
    ActionLearningAnswer.Question.MARKED_BY,
    ActionLearningAnswer.Question.DEVELOPMENT_POINTS,
    ActionLearningAnswer.Question.FIRST_ACTION,
    ActionLearningAnswer.Question.PRACTICE_WHEN,
    ActionLearningAnswer.Question.ON_TRACK,
]
CHECKIN_QUESTIONS = [
    ActionLearningAnswer.Question.TRIED,
    ActionLearningAnswer.Question.LEARNT,
    ActionLearningAnswer.Question.TAKE_AWAY,
    ActionLearningAnswer.Question.PEER_PROBLEM,
]


class PersonalLink(models.Model):
    """A one-time link to a participant's personal page, sent by email.

    Only a hash of the token is stored, so a database leak opens no pages.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="personal_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")

    def __str__(self) -> str:
        return f"{self.participant_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class PersonalKey(models.Model):
    """The secret behind a participant's personal code, changed to revoke the old code."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="personal_key"
    )
    salt = models.CharField(max_length=32, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)

    def __str__(self) -> str:
        return str(self.participant_id)


class CheckInReminder(models.Model):
    """A reminder sent to a participant before a day; at most one each, however often asked."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="reminders")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant"], name="one_reminder_per_day_and_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} before {self.workshop_id}"


class ContentDeletion(models.Model):
    """What was deleted, when and why: counts only, never content (an audit trail)."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        PARTICIPANT = "participant", _("Asked by the participant")
        FACILITATOR = "facilitator", _("Done by a facilitator on request")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="deletions")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.reason} {self.at:%Y-%m-%d}"
