from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workshops.agenda import DaySummary, ScheduledItem, schedule, summarise


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)

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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:programme_detail", args=[self.pk])


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

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("workshop day")
        verbose_name_plural = _("workshop days")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_day_number")
        ]

    def __str__(self) -> str:
        return _("Day %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("workshops:workshop_detail", args=[self.pk])

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time)

    def scheduled_items(self) -> list[ScheduledItem]:
        return schedule(list(self.agenda_items.all()), self.starts_at)

    def planned_end(self) -> dt.datetime | None:
        return dt.datetime.combine(self.date, self.end_time) if self.end_time else None

    def summary(self, scheduled: list[ScheduledItem] | None = None) -> DaySummary:
        if scheduled is None:
            scheduled = self.scheduled_items()
        return summarise(scheduled, self.starts_at, self.planned_end())

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
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[
            MinValueValidator(1, _("An item must last at least one minute.")),
            MaxValueValidator(600, _("An item can last at most 600 minutes.")),
        ],
    )
    # Set by the add form, so a double-clicked or retried submit adds the item once.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

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
