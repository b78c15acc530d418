"""Every change to who belongs to an organisation, one function each.

A change to an organisation's members or invitations locks the organisation's row first (so two
admins changing the members at once take turns, and every function takes its locks in the same
order), checks its rule, changes, records a `MemberEvent`, and queues its mail only after the
transaction commits.
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import tasks
from accounts.models import Invitation, MemberEvent, Signup
from workshops.models import Membership, Organisation

Role = Membership.Role


class Refused(Exception):
    """The change would break a rule; the message says which, in the user's language."""


class EmailTaken(Refused):
    pass


class InvitationUnusable(Exception):
    """The invitation can't be accepted: `reason` is "used", "expired", "withdrawn" or
    "other_address"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def split_name(name: str) -> tuple[str, str]:
    """Split "Kari Anne Nordmann" into ("Kari Anne", "Nordmann"): get_full_name() joins them."""
    first, _space, last = " ".join(name.split()).rpartition(" ")
    return (first, last) if first else (last, "")


def username_for(email: str) -> str:
    # New accounts are named by their address: User.username is unique in the database, so two
    # sign-ups (or acceptances) with one address at the same moment make one account, not two.
    return email.strip().lower()


def _record(organisation: Organisation, kind: str, subject: str, *, actor, role: str = "") -> None:
    MemberEvent.objects.create(
        organisation=organisation, kind=kind, subject=subject, actor=actor, role=role
    )


def _who(user: User) -> str:
    return user.email or user.get_username()


def _locked(organisation_id: int) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def _require_admin(organisation: Organisation, user: User) -> None:
    # The views checked already; this is the same check under the lock, where it can't change.
    if not Membership.objects.filter(
        organisation=organisation, user=user, role=Role.ADMIN
    ).exists():
        raise Refused(_("Only administrators can change the members."))


def _admins(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count()


# Signing up


def sign_up(
    *, organisation_name: str, name: str, email: str, password: str, language: str
) -> Signup:
    first, last = split_name(name)
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=username_for(email),
                email=email.strip(),
                password=password,
                first_name=first,
                last_name=last,
            )
            signup = Signup.objects.create(user=user, organisation_name=organisation_name.strip())
    except IntegrityError:
        raise EmailTaken(_("An account with this e-mail address exists already.")) from None
    send_verification_soon(signup, language)
    return signup


def send_verification_soon(signup: Signup, language: str) -> None:
    transaction.on_commit(partial(tasks.send_verification.delay, signup.pk, language))


def change_signup_email(signup: Signup, email: str, language: str) -> None:
    """Before verification the address can still be corrected; links sent earlier stop working."""
    user = signup.user
    user.email, user.username = email.strip(), username_for(email)
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "username"])
    except IntegrityError:
        raise EmailTaken(_("An account with this e-mail address exists already.")) from None
    send_verification_soon(signup, language)


def _ascii_slug(name: str) -> str:
    # "Bø kommune" → "bo-kommune": slugify alone would drop the letter ("b-kommune").
    letters = {"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"}
    return slugify(name.translate(str.maketrans(letters)))[:50] or "organisasjon"


def _new_organisation(name: str) -> Organisation:
    base = _ascii_slug(name)
    for number in itertools.count(1):
        slug = base if number == 1 else f"{base}-{number}"
        if Organisation.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                return Organisation.objects.create(name=name, slug=slug)
        except IntegrityError:  # taken meanwhile by another sign-up
            continue
    raise AssertionError("unreachable")


def verify_signup(signup_id: int) -> Organisation | None:
    """Create the organisation with its first admin; opening the link again changes nothing."""
    with transaction.atomic():
        signup = Signup.objects.select_for_update().select_related("user").get(pk=signup_id)
        if signup.is_verified:
            return signup.organisation
        organisation = _new_organisation(signup.organisation_name)
        Membership.objects.create(user=signup.user, organisation=organisation, role=Role.ADMIN)
        signup.organisation, signup.verified_at = organisation, timezone.now()
        signup.save(update_fields=["organisation", "verified_at"])
        _record(
            organisation,
            MemberEvent.Kind.CREATED,
            _who(signup.user),
            actor=signup.user,
            role=Role.ADMIN,
        )
    return organisation


def pending_signup(user: User) -> Signup | None:
    if not user.is_authenticated:
        return None
    return Signup.objects.filter(user=user, verified_at__isnull=True).first()


# Invitations


def invite(organisation_id: int, *, email: str, role: str, by: User, language: str) -> Invitation:
    """Invite an address, or renew its open invitation (new role, new expiry, sent again)."""
    email = email.strip()
    now = timezone.now()
    with transaction.atomic():
        organisation = _locked(organisation_id)
        _require_admin(organisation, by)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise Refused(_("%(email)s is a member already.") % {"email": email})
        invitation = organisation.invitations.filter(
            accepted_at__isnull=True, email__iexact=email
        ).first() or Invitation(organisation=organisation, email=email, created_at=now)
        invitation.role, invitation.invited_by, invitation.sent_at = role, by, now
        invitation.expires_at = now + dt.timedelta(days=settings.INVITATION_DAYS)
        invitation.save()
        _record(organisation, MemberEvent.Kind.INVITED, email, actor=by, role=role)
    transaction.on_commit(partial(tasks.send_invitation.delay, invitation.pk, language))
    return invitation


def withdraw(invitation_id: int, *, by: User) -> None:
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise Refused(_("That invitation has been used or withdrawn already."))
    with transaction.atomic():
        organisation = _locked(invitation.organisation_id)
        _require_admin(organisation, by)
        deleted, _rows = organisation.invitations.filter(
            pk=invitation_id, accepted_at__isnull=True
        ).delete()
        if not deleted:
            raise Refused(_("That invitation has been used or withdrawn already."))
        _record(organisation, MemberEvent.Kind.WITHDRAWN, invitation.email, actor=by)


def accept(invitation_id: int, user: User) -> Membership:
    """Spend the invitation on `user`: the first acceptance wins, every later one is refused."""
    organisation_id = (
        Invitation.objects.filter(pk=invitation_id)
        .values_list("organisation_id", flat=True)
        .first()
    )
    if organisation_id is None:
        raise InvitationUnusable("withdrawn")
    with transaction.atomic():
        organisation = _locked(organisation_id)
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise InvitationUnusable("withdrawn")
        if invitation.accepted_at is not None:
            raise InvitationUnusable("used")
        if invitation.is_expired():
            raise InvitationUnusable("expired")
        if user.email.strip().lower() != invitation.email.lower():
            raise InvitationUnusable("other_address")
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": invitation.role}
        )
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            _record(
                organisation, MemberEvent.Kind.JOINED, _who(user), actor=user, role=membership.role
            )
    return membership


def accept_with_new_account(invitation_id: int, *, name: str, password: str) -> User:
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationUnusable("withdrawn")
    first, last = split_name(name)
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=username_for(invitation.email),
                email=invitation.email,
                password=password,
                first_name=first,
                last_name=last,
            )
            accept(invitation_id, user)
    except IntegrityError:
        raise EmailTaken(_("An account with this e-mail address exists already.")) from None
    return user


def open_invitations_for(email: str) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            email__iexact=email.strip(), accepted_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("pk")
    )


# Members


def _gone() -> Refused:
    return Refused(_("That person is no longer a member."))


def _organisation_of(membership_id: int) -> int:
    organisation_id = (
        Membership.objects.filter(pk=membership_id)
        .values_list("organisation_id", flat=True)
        .first()
    )
    if organisation_id is None:
        raise _gone()
    return organisation_id


def change_role(membership_id: int, role: str, *, by: User) -> Membership:
    with transaction.atomic():
        organisation = _locked(_organisation_of(membership_id))
        _require_admin(organisation, by)
        membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
        if membership is None:
            raise _gone()
        if membership.role == role:
            return membership
        if membership.role == Role.ADMIN and _admins(organisation) == 1:
            raise Refused(
                _("An organisation needs an administrator. Make someone else administrator first.")
            )
        membership.role = role
        membership.save(update_fields=["role"])
        _record(
            organisation, MemberEvent.Kind.ROLE_CHANGED, _who(membership.user), actor=by, role=role
        )
    return membership


def remove_member(membership_id: int, *, by: User) -> Membership:
    """Remove a member (an admin removing anyone, or a member leaving).

    Only the membership goes: the programmes the person made stay with the organisation, and
    their account stays for their other organisations.
    """
    with transaction.atomic():
        organisation = _locked(_organisation_of(membership_id))
        membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
        if membership is None:
            raise _gone()
        if membership.user_id != by.pk:
            _require_admin(organisation, by)
        if membership.role == Role.ADMIN and _admins(organisation) == 1:
            raise Refused(
                _(
                    "An organisation needs an administrator. Make someone else administrator "
                    "before this one leaves."
                )
            )
        membership.delete()
        _record(organisation, MemberEvent.Kind.REMOVED, _who(membership.user), actor=by)
    return membership
