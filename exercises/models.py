"""Exercises on the agenda and their runs on a live day.

An agenda item of kind "exercise" holds one Exercise: its kind (a module in exercises/kinds/)
and its settings, validated by that kind. When the live day reaches the item, a Run starts:
its phase, the facilitator's choices and everything participants submit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exercises.roles import ROLES
from workshops.models import AgendaItem, Attendee, Workshop

ROLE_CHOICES = [(name, label) for name, (label, _what) in ROLES.items()]


class Exercise(models.Model):
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="exercise"
    )
    kind = models.CharField(_("kind of exercise"), max_length=30)
    settings = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")

    def __str__(self) -> str:
        return f"{self.agenda_item.title} ({self.kind})"

    @property
    def module(self):
        from exercises import kinds

        return kinds.get(self.kind)


class Run(models.Model):
    """One run of an exercise on a live day. The day's timer times its current phase."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="runs")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="runs")
    phase = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    # Facilitator's choices that shape what the room sees: merges, hidden entries, reveal.
    state = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("exercise run")
        verbose_name_plural = _("exercise runs")
        constraints = [
            models.UniqueConstraint(fields=["exercise", "workshop"], name="one_run_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.exercise} @ {self.workshop}"

    @property
    def module(self):
        return self.exercise.module

    def phases(self, settings: dict | None = None) -> list:
        """The run's phases. A caller that has the run's settings (its kind's settings_of)
        passes them: for some kinds they take a query or two to work out."""
        if settings is None:
            settings = self.module.settings_of(self)
        return self.module.phases(settings)

    def current_phase(self, settings: dict | None = None):
        # A kind whose settings lost a phase still answers with its last one.
        phases = self.phases(settings)
        return phases[min(self.phase, len(phases) - 1)]

    def phase_minutes(self) -> int:
        return self.current_phase().minutes


class Group(models.Model):
    """A group of a run: formed when the run starts, from the phones in the room."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="unique_group_number")
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="members")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, blank=True, choices=ROLE_CHOICES)
    joined_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["group", "pk"]
        constraints = [
            # One group per person per run; a double-placed late joiner would count twice.
            models.UniqueConstraint(fields=["run", "attendee"], name="one_group_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.attendee} in {self.group}"


class Submission(models.Model):
    """Anything a participant sends during a run: a word, a note, a point, an answer."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="submissions")
    # What a group made together (an IGP's agreed list) belongs to the group, not its writer.
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    # Null for anonymous kinds: then nothing links the text to a person.
    author = models.ForeignKey(
        Attendee, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    # Set when erasure or retention anonymised the row (exercises/privacy.py): a random id that
    # the rows one person sent in this run share, so the room still counts them as one person.
    # It is made afresh for each run and nothing maps it to anyone.
    alias = models.UUIDField(null=True, blank=True, editable=False)
    key = models.CharField(max_length=20)
    text = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    # The phone's own id for this submission: a retry over a flaky network finds the first copy.
    token = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["run", "key"]),
            # A send with a limit counts the person's rows under its key (runs.submit).
            models.Index(fields=["run", "author", "key"], name="submission_author_key"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class RunEvent(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=30)
    detail = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "version"]

    def __str__(self) -> str:
        return f"{self.run} v{self.version}: {self.action}"
