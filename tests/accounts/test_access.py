"""Every URL of the accounts app, for every kind of visitor.

ada administers Seljord (the owner), alice is a facilitator there (a colleague who may not
manage members), charlie belongs to another municipality (an outsider, who gets 404). A new
URL without a rule here fails `test_every_url_has_a_rule`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from accounts import services
from workshops.models import Membership


@dataclass(frozen=True)
class Route:
    method: str
    target: Callable[[dict], dict]
    owner: int
    colleague: int
    outsider: int
    data: Callable[[dict], dict] = lambda objects: {}


def by_organisation(o):
    return {"pk": o["organisation"].pk}


def by_member(o):
    return {"pk": o["member"].pk}


def by_invitation(o):
    return {"pk": o["invitation"].pk}


def nothing(o):
    return {}


ROUTES = {
    "members": Route("get", by_organisation, 200, 403, 404),
    "invite": Route(
        "post", by_organisation, 302, 403, 404, lambda o: {"email": "x@example.no", "role": "hr"}
    ),
    "invitation_resend": Route("post", by_invitation, 302, 403, 404),
    "invitation_withdraw": Route("post", by_invitation, 302, 403, 404),
    "member_role": Route("post", by_member, 302, 403, 404, lambda o: {"role": "facilitator"}),
    "member_remove": Route("get", by_member, 200, 403, 404),
    # Everyone's own: their account, and a sign-up they have not got.
    "account": Route("get", nothing, 200, 200, 200),
    "sign_out_everywhere": Route("post", nothing, 400, 400, 400),
    "signup_pending": Route("get", nothing, 302, 302, 302),
    "signup_resend": Route("post", nothing, 302, 302, 302),
    "signup_email": Route("post", nothing, 302, 302, 302),
}
POST_ROUTES = {
    "member_remove": Route("post", by_member, 302, 403, 404),
}
# Reached by anyone: the sign-up form, and the links sent by mail (their tests are elsewhere).
PUBLIC = {"signup", "signup_verify", "invitation"}


def account_url_names() -> set[str]:
    namespace = get_resolver().namespace_dict["accounts"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_url_has_a_rule():
    assert account_url_names() == set(ROUTES) | PUBLIC


@pytest.fixture
def objects(seljord, ada, alice, bob, charlie) -> dict:
    invitation = services.invite(
        seljord.pk, email="nina@seljord.kommune.no", role="hr", by=ada, language="en"
    )
    return {
        "organisation": seljord,
        "member": Membership.objects.get(user=bob),
        "invitation": invitation,
    }


def call(client: Client, name: str, route: Route, objects: dict):
    url = reverse(f"accounts:{name}", kwargs=route.target(objects))
    if route.method == "get":
        return client.get(url)
    return client.post(url, route.data(objects))


ALL = [*ROUTES.items(), *POST_ROUTES.items()]
IDS = [f"{route.method}-{name}" for name, route in ALL]


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_anonymous_is_sent_to_login(client, objects, name, route):
    response = call(client, name, route, objects)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_owner(ada_client, objects, name, route):
    assert call(ada_client, name, route, objects).status_code == route.owner


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_colleague(alice_client, objects, name, route):
    assert call(alice_client, name, route, objects).status_code == route.colleague


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_outsider(charlie_client, objects, name, route):
    assert call(charlie_client, name, route, objects).status_code == route.outsider


def test_nothing_changed_for_colleague_or_outsider(alice_client, charlie_client, objects, bob):
    for client in (alice_client, charlie_client):
        for name, route in [*ROUTES.items(), *POST_ROUTES.items()]:
            if route.method == "post" and name not in {"sign_out_everywhere"}:
                call(client, name, route, objects)
    assert Membership.objects.get(user=bob).role == "hr"
    assert objects["invitation"].organisation.invitations.count() == 1
