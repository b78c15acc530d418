from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts import links, services
from accounts.models import Signup
from accounts.throttle import MAILS_PER_HOUR
from tests.accounts.conftest import link_in
from workshops.models import Membership, Organisation

PASSWORD = "Fjellvann og furu 2026"


def form(**changes) -> dict:
    return {
        "organisation": "Vinje kommune",
        "name": "Vigdis Vinje",
        "email": "vigdis@vinje.kommune.no",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }


@pytest.fixture
def signed_up(db, client, django_capture_on_commit_callbacks) -> Signup:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), form())
    return Signup.objects.get()


def test_the_form_is_there_and_login_links_to_it(client, db):
    assert client.get(reverse("accounts:signup")).status_code == 200
    assert reverse("accounts:signup") in client.get(reverse("login")).text


def test_switched_off_there_is_no_signup(client, db, settings):
    settings.SIGNUP_ENABLED = False
    assert client.get(reverse("accounts:signup")).status_code == 404
    assert client.post(reverse("accounts:signup"), form()).status_code == 404
    assert reverse("accounts:signup") not in client.get(reverse("login")).text
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password2": "something else 2026"}, "password2", "didn’t match"),
        ({"password1": "kort", "password2": "kort"}, "password2", "too short"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password2", "entirely numeric"),
        ({"email": "not an address"}, "email", "valid email"),
        ({"organisation": ""}, "organisation", "required"),
    ],
)
def test_bad_input_is_told_and_keeps_the_rest(client, db, changes, field, message):
    response = client.post(reverse("accounts:signup"), form(**changes))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert 'value="Vigdis Vinje"' in response.text  # nothing typed is lost
    assert not User.objects.exists()


def test_an_address_with_an_account_is_told_to_log_in(client, ada):
    response = client.post(reverse("accounts:signup"), form(email="ADA@seljord.kommune.no"))
    assert response.status_code == 400
    assert "There is an account with this address already" in response.text
    assert User.objects.count() == 1


def test_a_pending_admin_logs_in_to_the_check_your_email_page(client, signed_up):
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "vigdis@vinje.kommune.no", "password": PASSWORD, "next": "/programmes/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_pending")
    page = client.get(response.url).text
    assert "Check your e-mail" in page
    assert "Send the link again" in page
    # The menu offers nothing else, and there is no organisation to see.
    assert reverse("workshops:programme_list") not in page
    assert not Membership.objects.exists()


def test_send_again_and_then_not_too_often(client, signed_up, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    for _ in range(MAILS_PER_HOUR):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup_resend"), follow=True)
        assert "We sent the link again" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup_resend"), follow=True)
    assert "We have sent several links in the last hour" in response.text
    assert len(mail.outbox) == MAILS_PER_HOUR


def test_a_corrected_address_gets_the_link_and_the_old_link_stops(
    client, signed_up, django_capture_on_commit_callbacks
):
    old_link = link_in(mail.outbox[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup_email"), {"email": "vigdis.vinje@vinje.kommune.no"}
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["vigdis.vinje@vinje.kommune.no"]
    assert client.get(old_link).status_code == 404
    assert client.get(link_in(mail.outbox[0])).status_code == 302
    user = User.objects.get()
    assert user.username == "vigdis.vinje@vinje.kommune.no"
    assert user.memberships.get().organisation.name == "Vinje kommune"


def test_a_taken_address_is_not_taken_over(client, signed_up, ada):
    response = client.post(reverse("accounts:signup_email"), {"email": ada.email})
    assert response.status_code == 400
    assert "There is an account with this address already" in response.text


def test_the_link_works_in_another_browser_and_twice_makes_one_organisation(signed_up):
    link = link_in(mail.outbox[0])
    phone = Client(headers={"accept-language": "en"})
    response = phone.get(link)
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "Log in to start" in phone.get(response.url).text
    assert phone.get(link).status_code == 302
    assert Organisation.objects.count() == 1
    assert organisation.slug == "vinje-kommune"
    assert organisation.memberships.get().role == Membership.Role.ADMIN


def test_the_waiting_page_moves_on_once_verified_elsewhere(client, signed_up):
    services.verify_signup(signed_up.pk)
    response = client.get(reverse("accounts:signup_pending"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:members", args=[Organisation.objects.get().pk])


def test_an_expired_link_says_so_and_a_forged_one_does_nothing(client, signed_up, monkeypatch):
    link = link_in(mail.outbox[0])
    later = dt.datetime.now().timestamp() + links.VERIFICATION_LIFETIME.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 410
    assert "The link has expired" in response.text
    monkeypatch.undo()
    forged = signing.dumps([signed_up.pk, signed_up.user.email], salt="another salt")
    response = client.get(reverse("accounts:signup_verify", args=[forged]))
    assert response.status_code == 404
    assert not Organisation.objects.exists()


def test_organisations_of_the_same_name_get_their_own_short_name(db):
    names = ["Bø kommune", "Bø kommune", "Ål og Ørsta"]
    users = [User.objects.create_user(username=f"u{i}", email=f"u{i}@example.no") for i in range(3)]
    slugs = [
        services.verify_signup(Signup.objects.create(user=u, organisation_name=n).pk).slug
        for u, n in zip(users, names, strict=True)
    ]
    assert slugs == ["bo-kommune", "bo-kommune-2", "al-og-orsta"]
