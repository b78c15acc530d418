"""Single sign-on with OpenID Connect (Microsoft Entra ID or another provider).

Imported only where it is configured (settings.OIDC_ENABLED): otherwise there is no backend,
no URL and no button. mozilla-django-oidc runs the code flow (state, nonce, PKCE, the token's
signature); this module decides who may come in: a verified address that belongs to a member,
or to someone with an open invitation, who then joins. Anyone else is refused with a message.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from accounts import services


class MemberBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token, id_token, payload):
        # The library checks the ID token's signature, expiry and nonce; the issuer and the
        # audience are ours to check, and the user info must be about the same person.
        if settings.OIDC_ISSUER and payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about someone else than the ID token.")
        return claims

    def verify_claims(self, claims) -> bool:
        if not claims.get("email"):
            self._refuse(
                _("Your sign-in gave no e-mail address, so Samling can't tell who you are.")
            )
            return False
        if settings.OIDC_REQUIRE_EMAIL_VERIFIED and claims.get("email_verified") not in (
            True,
            "true",
        ):
            self._refuse(
                _("Your e-mail address %(email)s is not verified with your sign-in provider.")
                % {"email": claims["email"]}
            )
            return False
        return True

    def filter_users_by_claims(self, claims):
        # Members only: an account that belongs to no organisation (any more) comes in only
        # through a new invitation, in create_user below.
        return (
            get_user_model()
            .objects.filter(email__iexact=claims["email"].strip(), memberships__isnull=False)
            .distinct()
        )

    def create_user(self, claims):
        """Someone invited who has no membership yet: the account, and every open invitation."""
        email = claims["email"].strip()
        invitations = services.open_invitations_for(email)
        if not invitations:
            self._refuse(
                _(
                    "%(email)s is not a member of any organisation in Samling. Ask your "
                    "organisation's administrator for an invitation."
                )
                % {"email": email}
            )
            return None
        users = get_user_model().objects
        user = users.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            try:
                user = users.create_user(
                    username=services.username_for(email),
                    email=email,
                    first_name=claims.get("given_name", "")[:150],
                    last_name=claims.get("family_name", "")[:150],
                )  # no password: this account signs in with single sign-on
            except IntegrityError:
                self._refuse(_("An account with this e-mail address exists already."))
                return None
        joined = 0
        for invitation in invitations:
            try:
                services.accept(invitation.pk, user)
                joined += 1
            except services.InvitationUnusable:
                continue  # accepted or expired meanwhile
        return user if joined else None

    def _refuse(self, message: str) -> None:
        messages.error(self.request, message)


class CallbackView(OIDCAuthenticationCallbackView):
    def login_failure(self):
        # A refusal above has said why; anything else (the provider's error, a stale or
        # replayed answer) gets the general word.
        if not len(messages.get_messages(self.request)):
            messages.error(
                self.request,
                _("Single sign-on did not work. Try again, or log in with your password."),
            )
        return super().login_failure()
