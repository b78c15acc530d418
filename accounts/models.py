"""Accounts around the organisations of `workshops`: sign-ups, invitations and what happened.

Who belongs to an organisation, and in which role, is `workshops.Membership`, and the access
helpers in workshops/access.py go by it alone. This app only decides how a membership comes to
be and ends: a sign-up verified by e-mail, an invitation accepted, an admin's change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshops.models import Membership, Organisation


def role_in_a_sentence(role: str) -> str:
    """The role as a word inside a sentence ("invited … as facilitator"), not as a heading."""
    return {
        Membership.Role.FACILITATOR: _("facilitator"),
        Membership.Role.HR: _("HR adviser"),
        Membership.Role.ADMIN: _("administrator"),
    }.get(role, role)


class Signup(models.Model):
    """A new organisation, waiting for its first admin to open the link sent by e-mail.

    The organisation and the admin's membership are made only when the address is verified: until
    then the account is a member of nothing, so it can see nothing of any organisation.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signup"
    )
    organisation_name = models.CharField(gettext_lazy("organisation"), max_length=200)
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signup",
    )
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("sign-up")
        verbose_name_plural = gettext_lazy("sign-ups")

    def __str__(self) -> str:
        return self.organisation_name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Invitation(models.Model):
    """An invitation to join an organisation in a role; its link works once, until it expires."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(gettext_lazy("e-mail address"))
    role = models.CharField(gettext_lazy("role"), max_length=20, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = gettext_lazy("invitation")
        verbose_name_plural = gettext_lazy("invitations")
        constraints = [
            # Inviting an address again renews its open invitation instead of adding a second.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class MemberEvent(models.Model):
    """One change to who belongs to an organisation, for its admins to look back on."""

    class Kind(models.TextChoices):
        CREATED = "created", gettext_lazy("created the organisation")
        INVITED = "invited", gettext_lazy("invited")
        WITHDRAWN = "withdrawn", gettext_lazy("withdrew an invitation")
        JOINED = "joined", gettext_lazy("joined")
        ROLE_CHANGED = "role_changed", gettext_lazy("changed a role")
        REMOVED = "removed", gettext_lazy("removed a member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="member_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person's address at the time: the row outlives the membership and the invitation.
    subject = models.CharField(max_length=254)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=Membership.Role.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = gettext_lazy("member event")
        verbose_name_plural = gettext_lazy("member events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject}"

    def describe(self) -> str:
        """The event as a sentence in the active language."""
        actor = (self.actor.get_full_name() or self.actor.username) if self.actor else _("Someone")
        names = {"actor": actor, "subject": self.subject, "role": role_in_a_sentence(self.role)}
        match self.kind:
            case self.Kind.CREATED:
                return _("%(actor)s created the organisation.") % names
            case self.Kind.INVITED:
                return _("%(actor)s invited %(subject)s as %(role)s.") % names
            case self.Kind.WITHDRAWN:
                return _("%(actor)s withdrew the invitation to %(subject)s.") % names
            case self.Kind.JOINED:
                return _("%(subject)s joined as %(role)s.") % names
            case self.Kind.ROLE_CHANGED:
                return _("%(actor)s made %(subject)s %(role)s.") % names
            case self.Kind.REMOVED:
                return _("%(actor)s removed %(subject)s.") % names
        return self.get_kind_display()
