"""The lederplattform of a programme, its versions, and the rendered lederplakat files.

Every change goes through a function in platforms/services.py, which ends by recording a
PlatformVersion snapshot: the versions are the history, and a poster always shows one of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workshops.models import NetworkGroup, Programme, Workshop


class Step(models.IntegerChoices):
    """The six steps of making a platform, from the source day's process slide."""

    WHAT_IS_IT = 1, _("What is a leadership platform for us?")
    PURPOSE = 2, _("Define the leader group's purpose")
    BRAINSTORM = 3, _("Brainstorm")
    ANALYSE = 4, _("Analyse and summarise")
    DECIDE = 5, _("Assess and decide")
    LAUNCH = 6, _("Launch and use")


class LeadershipPlatform(models.Model):
    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="platform", verbose_name=_("programme")
    )
    purpose_lead = models.TextField(_("purpose"), blank=True)
    step = models.PositiveSmallIntegerField(
        _("current step"), choices=Step, default=Step.WHAT_IS_IT
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("leadership platform")
        verbose_name_plural = _("leadership platforms")

    def __str__(self) -> str:
        return _("Leadership platform for %(organisation)s") % {
            "organisation": self.programme.organisation.name
        }

    def get_absolute_url(self) -> str:
        return reverse("platforms:platform_detail", args=[self.programme_id])

    @property
    def vision(self) -> VisionProposal | None:
        return self.vision_proposals.filter(is_chosen=True).first()

    def latest_version(self) -> PlatformVersion | None:
        return self.versions.order_by("-number").first()


class Provenance(models.Model):
    """Where an element came from: a day, an exercise run, a group, or a note for anything else."""

    source_workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("from day"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_run = models.ForeignKey(
        "exercises.Run",
        verbose_name=_("from exercise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_group = models.ForeignKey(
        NetworkGroup,
        verbose_name=_("from group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_label = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def provenance(self) -> dict:
        return {
            "workshop": self.source_workshop_id,
            "run": self.source_run_id,
            "group": self.source_group_id,
            "label": self.source_label,
        }


class PurposePoint(Provenance):
    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="purpose_points"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("point"), max_length=500)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("purpose point")
        verbose_name_plural = _("purpose points")

    def __str__(self) -> str:
        return self.text


class VisionProposal(Provenance):
    """A proposed vision. One is chosen; the others are kept as the alternatives."""

    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="vision_proposals"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("vision"), max_length=300)
    is_chosen = models.BooleanField(_("chosen"), default=False)

    class Meta:
        ordering = ["-is_chosen", "position", "pk"]
        verbose_name = _("vision proposal")
        verbose_name_plural = _("vision proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["platform"],
                condition=models.Q(is_chosen=True),
                name="one_chosen_vision_per_platform",
            )
        ]

    def __str__(self) -> str:
        return self.text


class Value(Provenance):
    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="values"
    )
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("value"), max_length=80)
    meaning = models.CharField(_("what it means"), max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("value")
        verbose_name_plural = _("values")

    def __str__(self) -> str:
        return self.name


class Practice(Provenance):
    """A characteristic of good practice for a value, seen from one of three sides."""

    class Side(models.TextChoices):
        OURSELVES = "ourselves", _("What we expect of ourselves")
        EACH_OTHER = "each_other", _("What we expect of each other")
        OTHERS = "others", _("What others can expect of us")

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="practices")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("practice"), max_length=500)

    class Meta:
        ordering = ["value", "side", "position", "pk"]
        verbose_name = _("characteristic of good practice")
        verbose_name_plural = _("characteristics of good practice")

    def __str__(self) -> str:
        return self.text


class PlatformVersion(models.Model):
    """The whole platform as it was after one change (see services.snapshot for the shape)."""

    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    summary = models.CharField(_("change"), max_length=200, blank=True)
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("For example “Draft after day 2” or “Adopted”."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["platform", "-number"]
        verbose_name = _("platform version")
        verbose_name_plural = _("platform versions")
        constraints = [
            models.UniqueConstraint(fields=["platform", "number"], name="one_version_per_number")
        ]

    def __str__(self) -> str:
        return self.name or _("Version %(number)s") % {"number": self.number}

    # The services record what changed as a short English key (kept as it is in old rows);
    # people read it in their own language.
    SUMMARIES = {
        "purpose": _("The purpose was changed"),
        "vision": _("The vision was changed"),
        "value added": _("A value was added"),
        "value changed": _("A value was changed"),
        "value deleted": _("A value was deleted"),
        "values reordered": _("The values were put in a new order"),
        "step": _("The step was changed"),
        "poster": _("A poster was made"),
    }
    PROMOTED = "promoted: "

    def summary_label(self) -> str:
        if self.summary.startswith(self.PROMOTED):
            return _("Taken onward from “%(title)s”") % {
                "title": self.summary.removeprefix(self.PROMOTED)
            }
        return str(self.SUMMARIES.get(self.summary, self.summary))


class RenderJob(models.Model):
    """A PDF made by a Celery worker, its life in platforms/jobs.py: the row is the truth, and
    the message in the queue only asks for it to be made (it may come twice, or be lost)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        TOO_SLOW = "too_slow", _("It took too long to make")
        TOO_BIG = "too_big", _("It needed too much memory")
        LOST = "lost", _("The PDF service stopped while making it")
        ERROR = "error", _("Something went wrong")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Why it failed, for the person who asked (see advice()); `error` is the technical detail.
    failure = models.CharField(_("failure"), max_length=10, choices=Failure.choices, blank=True)
    error = models.TextField(blank=True)
    # Renders started since it was last asked for, lost ones included (see jobs.MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When its message was last sent: a job queued long before that is lost (jobs.recover_lost).
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # The render under way says it is alive every few seconds: one that stops saying so has
    # lost its worker (jobs.recover_lost), however long renders may take.
    alive_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    def advice(self) -> str:
        """What the person who asked can do about a failure."""
        if self.failure == self.Failure.TOO_SLOW:
            return ngettext(
                "Making the PDF took longer than %(seconds)s second, so it was stopped. "
                "Shorten the longest texts or use a smaller logo, and make it again.",
                "Making the PDF took longer than %(seconds)s seconds, so it was stopped. "
                "Shorten the longest texts or use a smaller logo, and make it again.",
                settings.RENDER_TIME_LIMIT,
            ) % {"seconds": settings.RENDER_TIME_LIMIT}
        if self.failure == self.Failure.TOO_BIG:
            return _(
                "Making the PDF needed more memory than it may use, so it was stopped. "
                "Shorten the longest texts or use a smaller logo, and make it again."
            )
        if self.failure == self.Failure.LOST:
            return ngettext(
                "The PDF service stopped %(attempts)s time while making this. Try again in a "
                "few minutes; if it happens again, tell your administrator.",
                "The PDF service stopped %(attempts)s times while making this. Try again in a "
                "few minutes; if it happens again, tell your administrator.",
                self.attempts,
            ) % {"attempts": self.attempts}
        if self.failure == self.Failure.ERROR or self.status == self.Status.FAILED:
            return _(
                "Something went wrong while making the PDF. Try again; if it fails again, "
                "tell your administrator what it says below."
            )
        return ""


class PosterRender(RenderJob):
    """One lederplakat file for one platform version, size and language."""

    class Size(models.TextChoices):
        A3 = "a3", "A3"
        A4 = "a4", "A4"

    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="renders"
    )
    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE, related_name="renders")
    size = models.CharField(_("size"), max_length=2, choices=Size.choices, default=Size.A3)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )
    file = models.FileField(upload_to="posters/", blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("poster")
        verbose_name_plural = _("posters")
        constraints = [
            # Asking twice for the same poster gives the same row: a double click renders once.
            models.UniqueConstraint(
                fields=["version", "size", "language"], name="one_render_per_version_size_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.get_size_display()} {self.language}"


class ReportRender(RenderJob):
    """The programme report (platforms/report.py) in one language: made again each time it is
    asked for, since the days and the platform it reads from change."""

    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="reports"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )
    file = models.FileField(upload_to="reports/", blank=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("programme report")
        verbose_name_plural = _("programme reports")
        constraints = [
            # One row per language: asking again while it is being made changes nothing.
            models.UniqueConstraint(fields=["platform", "language"], name="one_report_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.language}"


class DayReportRender(RenderJob):
    """The report of one day (platforms/day_report.py) in one language: its agenda planned and
    actual and every result, for the facilitator's and HR's files. Made again each time it is
    asked for; it belongs to the programme's platform, whose live channel tells the pages."""

    platform = models.ForeignKey(
        LeadershipPlatform, on_delete=models.CASCADE, related_name="day_reports"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="reports")
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )
    file = models.FileField(upload_to="reports/", blank=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("day report")
        verbose_name_plural = _("day reports")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "language"], name="one_day_report_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} {self.language}"
