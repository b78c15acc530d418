"""A new customer from nothing: sign-up, verification, invitations, colleagues signing in.

No superuser, no Django admin, no terminal: every step is a page.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, MemberEvent, Signup
from tests.accounts.conftest import link_in
from workshops.models import Membership, Organisation, Programme

PASSWORD = "Fjellvann og furu 2026"


def english() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def outsider_programme(other_org):
    return Programme.objects.create(organisation=other_org, title="Bø: leiarprogram")


def test_a_new_organisation_signs_up_invites_and_its_people_see_only_it(
    db, outsider_programme, django_capture_on_commit_callbacks
):
    founder = english()
    with django_capture_on_commit_callbacks(execute=True):
        response = founder.post(
            reverse("accounts:signup"),
            {
                "organisation": "Vinje kommune",
                "name": "Vigdis Vinje",
                "email": "Vigdis@Vinje.kommune.no",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_pending")
    assert not Organisation.objects.filter(name="Vinje kommune").exists()
    page = founder.get(response.url)
    assert "Check your e-mail" in page.text
    assert "Vigdis@vinje.kommune.no" in page.text  # the domain in lower case, as Django keeps it

    (verification,) = mail.outbox
    assert verification.to == ["Vigdis@vinje.kommune.no"]
    assert "Vinje kommune" in verification.subject
    response = founder.get(link_in(verification))
    organisation = Organisation.objects.get(name="Vinje kommune")
    assert response.status_code == 302
    assert response.url == reverse("accounts:members", args=[organisation.pk])
    founder_user = Signup.objects.get().user
    assert founder_user.memberships.get().role == Membership.Role.ADMIN
    assert not founder_user.is_staff and not founder_user.is_superuser
    page = founder.get(response.url)
    assert "Vinje kommune is ready" in page.text

    mail.outbox.clear()
    for email, role in [
        ("frida@vinje.kommune.no", "facilitator"),
        ("hanna@vinje.kommune.no", "hr"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = founder.post(
                reverse("accounts:invite", args=[organisation.pk]), {"email": email, "role": role}
            )
        assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["frida@vinje.kommune.no"], ["hanna@vinje.kommune.no"]]
    assert "Vigdis Vinje has invited you to Vinje kommune" in mail.outbox[0].body
    links = [link_in(m) for m in mail.outbox]

    for link, name in zip(links, ["Frida Fjell", "Hanna Hei"], strict=True):
        colleague = english()
        page = colleague.get(link)
        assert "Join Vinje kommune" in page.text
        response = colleague.post(
            link, {"name": name, "password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 302
        assert response.url == reverse("workshops:programme_list")
        assert "Welcome to Vinje kommune" in colleague.get(response.url).text

    roles = dict(
        organisation.memberships.values_list("user__email", "role").order_by("user__email")
    )
    assert roles == {
        "frida@vinje.kommune.no": "facilitator",
        "hanna@vinje.kommune.no": "hr",
        "Vigdis@vinje.kommune.no": "admin",
    }
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 0
    assert list(organisation.member_events.order_by("at", "pk").values_list("kind", flat=True)) == [
        MemberEvent.Kind.CREATED,
        MemberEvent.Kind.INVITED,
        MemberEvent.Kind.INVITED,
        MemberEvent.Kind.JOINED,
        MemberEvent.Kind.JOINED,
    ]

    # The facilitator signs in (address in any case) and creates a programme; HR sees it, and
    # neither sees anything of the other municipality.
    frida = english()
    response = frida.post(
        reverse("login"), {"username": "FRIDA@vinje.kommune.no", "password": PASSWORD}
    )
    assert response.status_code == 302
    response = frida.post(
        reverse("workshops:programme_create"),
        {"organisation": organisation.pk, "title": "Leiarløft 2027", "retention_days": 365},
    )
    assert response.status_code == 302
    hanna = english()
    assert (
        hanna.post(
            reverse("login"), {"username": "hanna@vinje.kommune.no", "password": PASSWORD}
        ).status_code
        == 302
    )
    listing = hanna.get(reverse("workshops:programme_list")).text
    assert "Leiarløft 2027" in listing
    assert outsider_programme.title not in listing
    for client in (frida, hanna):
        assert client.get(outsider_programme.get_absolute_url()).status_code == 404
        assert client.get(reverse("accounts:members", args=[organisation.pk])).status_code == 403
    # Only the administrator has the members page in the menu.
    assert "Members" not in listing
    assert (
        reverse("accounts:members", args=[organisation.pk])
        in founder.get(reverse("workshops:programme_list")).text
    )
