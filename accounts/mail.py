"""The mails of accounts, written in the language of the person who caused them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import links
from accounts.models import Invitation, Signup

logger = logging.getLogger(__name__)


def send_verification(signup_id: int, language: str | None = None) -> bool:
    signup = Signup.objects.select_related("user").filter(pk=signup_id).first()
    if signup is None or signup.is_verified:
        return False  # verified meanwhile (a retry, or "send again" pressed late): nothing to say
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "signup": signup,
            "url": links.verification_url(signup),
            "days": links.VERIFICATION_LIFETIME.days,
        }
        body = render_to_string("accounts/mail/verify.txt", context)
        subject = _("Confirm your e-mail address for %(organisation)s") % {
            "organisation": signup.organisation_name
        }
        send_mail(subject, body, None, [signup.user.email])
    logger.info("Sent the verification link of sign-up %d", signup.pk)
    return True


def send_invitation(invitation_id: int, language: str | None = None) -> bool:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.is_expired():
        return False  # withdrawn, accepted or expired before the mail went out
    with translation.override(language or settings.LANGUAGE_CODE):
        inviter = invitation.invited_by
        context = {
            "invitation": invitation,
            "inviter": (inviter.get_full_name() or inviter.email) if inviter else "",
            "url": links.invitation_url(invitation),
        }
        body = render_to_string("accounts/mail/invitation.txt", context)
        subject = _("You are invited to %(organisation)s in Samling") % {
            "organisation": invitation.organisation.name
        }
        send_mail(subject, body, None, [invitation.email])
    logger.info("Sent invitation %d", invitation.pk)
    return True
