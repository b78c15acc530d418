"""The links sent by mail: a sign-up's verification and an invitation.

They are signed with Django's signing (keyed by SECRET_KEY), so they need no secret of their own
in the database. Whether one still works is decided by the rows: an invitation is spent when
accepted and ends at its expiry, a sign-up's link is spent when the organisation is made.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Invitation, Signup

VERIFY_SALT = "accounts.signup.verify"
INVITATION_SALT = "accounts.invitation"
VERIFICATION_LIFETIME = dt.timedelta(days=3)


class LinkExpired(Exception):
    pass


def verification_token(signup: Signup) -> str:
    return signing.dumps([signup.pk, signup.user.email.lower()], salt=VERIFY_SALT)


def signup_of_token(token: str) -> Signup | None:
    """The sign-up a verification link is for; None if the link is not one of ours.

    Raises LinkExpired for an old link of a sign-up that is still waiting.
    """
    try:
        pk, email = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFICATION_LIFETIME)
        expired = False
    except signing.SignatureExpired:
        pk, email = signing.loads(token, salt=VERIFY_SALT)
        expired = True
    except (signing.BadSignature, ValueError, TypeError):
        return None
    signup = Signup.objects.select_related("user", "organisation").filter(pk=pk).first()
    if signup is None or signup.user.email.lower() != email:
        return None  # the address was corrected since: only the newest link counts
    if expired and not signup.is_verified:
        raise LinkExpired
    return signup


def invitation_token(invitation: Invitation) -> str:
    # No timestamp in it (the row has the expiry): sent again, the invitation has the same link.
    return signing.Signer(salt=INVITATION_SALT).sign_object(invitation.pk)


def invitation_of_token(token: str) -> Invitation | None:
    try:
        pk = signing.Signer(salt=INVITATION_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )


def verification_url(signup: Signup) -> str:
    return settings.SITE_URL + reverse("accounts:signup_verify", args=[verification_token(signup)])


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", args=[invitation_token(invitation)])
