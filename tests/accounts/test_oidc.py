"""Single sign-on against a small local OpenID Connect provider (tests/accounts/fake_oidc.py).

The app's side runs as in production: mozilla-django-oidc's views, real HTTP to the provider's
token, JWKS and user-info endpoints, the ID token's RS256 signature checked. Only the person
signing in at the provider is played by the test.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from accounts import services
from tests.accounts.fake_oidc import FakeProvider, serve
from tests.test_settings import run_settings
from workshops.models import Membership

BACKEND = "accounts.oidc.MemberBackend"


def _reload_urls() -> None:
    # The single sign-on URLs are added when the URLconf is imported, as on a server that
    # starts with OIDC_CLIENT_ID set; the tests import it again with and without.
    import accounts.urls
    import config.urls

    importlib.reload(accounts.urls)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    provider = FakeProvider()
    server = serve(provider)
    yield provider
    server.shutdown()
    server.server_close()


@pytest.fixture
def sso(provider, settings) -> Iterator[FakeProvider]:
    backends = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    with override_settings(AUTHENTICATION_BACKENDS=backends, **provider.settings()):
        _reload_urls()
        yield provider
    _reload_urls()


def sign_in(client: Client, provider: FakeProvider, **identity):
    """Press the button, sign in at the provider as `identity`, come back; the last answer."""
    provider.identity = {"sub": "entra-" + identity.get("email", "x"), **identity}
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    assert start.url.startswith(provider.url + "/authorize?")
    at_provider = requests.get(start.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlparse(at_provider.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return client.get(f"{back.path}?{back.query}", follow=True)


def verified(email: str) -> dict:
    return {"email": email, "email_verified": True, "given_name": "Nina", "family_name": "Nes"}


def logged_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_an_invited_address_signs_in_and_joins(sso, client, seljord, ada):
    services.invite(seljord.pk, email="nina@seljord.kommune.no", role="hr", by=ada, language="en")
    response = sign_in(client, sso, **verified("Nina@Seljord.kommune.no"))
    assert response.redirect_chain[-1][0] == reverse("workshops:programme_list")
    user = logged_in_as(client)
    assert user.email == "Nina@seljord.kommune.no"
    assert user.get_full_name() == "Nina Nes"
    assert not user.has_usable_password()
    assert user.memberships.get().role == Membership.Role.HR
    assert seljord.invitations.get().accepted_by == user


def test_a_member_signs_in_by_their_address(sso, client, ada):
    sign_in(client, sso, **verified("ADA@seljord.kommune.no"))
    assert logged_in_as(client) == ada
    assert ada.memberships.count() == 1


def test_an_unknown_address_is_refused_with_a_message(sso, client, ada):
    response = sign_in(client, sso, **verified("someone@elsewhere.no"))
    assert logged_in_as(client) is None
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "someone@elsewhere.no is not a member of any organisation" in response.text
    assert not User.objects.filter(email="someone@elsewhere.no").exists()


def test_an_address_the_provider_has_not_verified_is_refused(sso, client, ada):
    response = sign_in(client, sso, email=ada.email, email_verified=False)
    assert logged_in_as(client) is None
    assert "is not verified with your sign-in provider" in response.text


def test_a_removed_member_is_refused_until_invited_again(sso, client, ada, alice, seljord):
    alice.email = "alice@seljord.kommune.no"
    alice.save()
    alice.memberships.all().delete()
    response = sign_in(client, sso, **verified(alice.email))
    assert logged_in_as(client) is None
    assert "is not a member of any organisation" in response.text
    services.invite(seljord.pk, email=alice.email, role="facilitator", by=ada, language="en")
    sign_in(client, sso, **verified(alice.email))
    assert logged_in_as(client) == alice  # the same account, not a second one


@pytest.mark.parametrize(
    "forged",
    [{"aud": "another-client"}, {"iss": "https://login.example.com/other-tenant/v2.0"}],
    ids=["audience", "issuer"],
)
def test_an_id_token_for_another_client_or_from_another_issuer_is_refused(sso, client, ada, forged):
    sso.id_token_overrides = forged
    response = sign_in(client, sso, **verified(ada.email))
    assert logged_in_as(client) is None
    assert "Single sign-on did not work" in response.text


def test_the_providers_error_is_told(sso, client, db):
    response = client.get(
        reverse("oidc_authentication_callback") + "?error=access_denied&state=x", follow=True
    )
    assert "Single sign-on did not work" in response.text


def test_the_login_and_invitation_pages_offer_the_button(sso, client, seljord, ada):
    page = client.get(reverse("login")).text
    assert "Log in with Testkommune ID" in page
    assert reverse("oidc_authentication_init") in page
    invitation = services.invite(
        seljord.pk, email="nina@seljord.kommune.no", role="hr", by=ada, language="en"
    )
    from accounts.links import invitation_token

    page = client.get(reverse("accounts:invitation", args=[invitation_token(invitation)])).text
    assert "Log in with Testkommune ID" in page


def test_without_configuration_there_is_no_url_button_or_backend(client, db, settings):
    assert not settings.OIDC_ENABLED
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404
    page = client.get(reverse("login")).text
    assert "/sso/" not in page
    assert "Log in with" not in page


def test_configured_from_the_environment():
    result = run_settings(
        {
            "OIDC_CLIENT_ID": "samling",
            "OIDC_CLIENT_SECRET": "s3cret",
            "OIDC_AUTHORIZATION_ENDPOINT": "https://login.example/t/oauth2/v2.0/authorize",
            "OIDC_TOKEN_ENDPOINT": "https://login.example/t/oauth2/v2.0/token",
            "OIDC_USERINFO_ENDPOINT": "https://graph.example/oidc/userinfo",
            "OIDC_JWKS_ENDPOINT": "https://login.example/t/discovery/v2.0/keys",
        },
        code=(
            "import django; django.setup(); from django.conf import settings; "
            "from django.urls import reverse; "
            "print(reverse('oidc_authentication_callback'), settings.AUTHENTICATION_BACKENDS[-1],"
            " settings.OIDC_OP_TOKEN_ENDPOINT)"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "/accounts/sso/callback/",
        BACKEND,
        "https://login.example/t/oauth2/v2.0/token",
    ]


def test_a_half_configuration_stops_the_app_and_names_what_is_missing():
    result = run_settings({"OIDC_CLIENT_ID": "samling", "OIDC_CLIENT_SECRET": "s3cret"})
    assert result.returncode != 0
    assert "OIDC_AUTHORIZATION_ENDPOINT" in result.stderr
    assert "OIDC_JWKS_ENDPOINT" in result.stderr
