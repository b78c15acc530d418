from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import links, services
from accounts.models import Invitation
from tests.accounts.conftest import link_in
from tests.conftest import PASSWORD
from workshops.models import Membership

NEW_PASSWORD = "Fjellvann og furu 2026"


@pytest.fixture
def invite(ada_client, seljord, django_capture_on_commit_callbacks):
    def _invite(email: str = "nina@seljord.kommune.no", role: str = "facilitator"):
        with django_capture_on_commit_callbacks(execute=True):
            response = ada_client.post(
                reverse("accounts:invite", args=[seljord.pk]), {"email": email, "role": role}
            )
        assert response.status_code == 302, response.text
        return Invitation.objects.get(email=email, accepted_at__isnull=True)

    return _invite


def accept(client: Client, link: str, name: str = "Nina Nes"):
    return client.post(link, {"name": name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_the_mail_says_who_invited_and_for_what(invite):
    invitation = invite(role="hr")
    (message,) = mail.outbox
    assert message.to == ["nina@seljord.kommune.no"]
    assert "Ada has invited you to Seljord kommune" in message.body
    assert "Your role: HR adviser" in message.body
    assert link_in(message) == reverse(
        "accounts:invitation", args=[links.invitation_token(invitation)]
    )


def test_the_invitation_expires_after_the_setting(invite, settings):
    settings.INVITATION_DAYS = 2
    invitation = invite()
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=2)


def test_a_used_link_is_refused_with_a_message(invite, client):
    invite()
    link = link_in(mail.outbox[0])
    assert accept(client, link).status_code == 302
    stranger = Client(headers={"accept-language": "en"})
    response = stranger.get(link)
    assert response.status_code == 410
    assert "The invitation has been used" in response.text
    response = accept(stranger, link, name="Someone Else")
    assert response.status_code == 410
    assert User.objects.filter(email="nina@seljord.kommune.no").count() == 1


def test_an_expired_link_is_refused_with_a_message(invite, client):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    link = link_in(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 410
    assert "The invitation has expired" in response.text
    assert "Ask Ada to send a new one" in response.text
    assert accept(client, link).status_code == 410
    assert not User.objects.filter(email="nina@seljord.kommune.no").exists()


def test_sending_again_renews_the_same_link(invite, ada_client, django_capture_on_commit_callbacks):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ada_client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert len(mail.outbox) == 2
    assert link_in(mail.outbox[1]) == link_in(mail.outbox[0])
    assert Client().get(link_in(mail.outbox[0])).status_code == 200


def test_inviting_again_changes_the_role_of_the_one_invitation(invite):
    invite(role="hr")
    invitation = invite(role="admin")
    assert Invitation.objects.count() == 1
    assert invitation.role == "admin"


def test_a_member_is_not_invited_again(ada_client, seljord, bob):
    bob.email = "bob@seljord.kommune.no"
    bob.save()
    response = ada_client.post(
        reverse("accounts:invite", args=[seljord.pk]),
        {"email": "BOB@seljord.kommune.no", "role": "admin"},
    )
    assert response.status_code == 400
    assert "BOB@seljord.kommune.no is a member already" in response.text
    assert not Invitation.objects.exists()


def test_a_withdrawn_link_stops_working(invite, ada_client, client):
    invitation = invite()
    response = ada_client.post(reverse("accounts:invitation_withdraw", args=[invitation.pk]))
    assert response.status_code == 302
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 404
    assert "withdrawn" in response.text


def test_a_forged_link_does_nothing(client, db):
    response = client.get(reverse("accounts:invitation", args=["1:forged:signature"]))
    assert response.status_code == 404
    assert "The invitation does not work" in response.text


def test_someone_with_an_account_logs_in_and_joins(invite, charlie):
    charlie.email = "charlie@bo.kommune.no"
    charlie.save()
    invite(email="charlie@bo.kommune.no", role="hr")
    link = link_in(mail.outbox[0])
    visitor = Client(headers={"accept-language": "en"})
    page = visitor.get(link)
    assert "There is an account for charlie@bo.kommune.no already" in page.text
    assert accept(visitor, link).status_code == 200  # no new account by the back door
    response = visitor.post(
        reverse("login"), {"username": "charlie@bo.kommune.no", "password": PASSWORD, "next": link}
    )
    assert response.url == link
    assert "You are logged in as charlie@bo.kommune.no" in visitor.get(link).text
    response = visitor.post(link)
    assert response.status_code == 302
    assert set(charlie.memberships.values_list("organisation__slug", "role")) == {
        ("bo", "facilitator"),
        ("seljord", "hr"),
    }


def test_the_link_is_not_for_someone_else_logged_in(invite, alice_client):
    invite()
    link = link_in(mail.outbox[0])
    page = alice_client.get(link)
    assert "This invitation is for nina@seljord.kommune.no" in page.text
    alice_client.post(link)
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()


def test_a_weak_password_is_told_and_nothing_is_made(invite, client):
    invite()
    response = client.post(
        link_in(mail.outbox[0]), {"name": "Nina Nes", "password1": "nina", "password2": "nina"}
    )
    assert response.status_code == 400
    assert "too short" in response.text
    assert not User.objects.filter(email="nina@seljord.kommune.no").exists()


def test_an_invitation_accepted_once_is_refused_the_second_time(invite, ada):
    invitation = invite()
    user = User.objects.create_user(username="nina", email="nina@seljord.kommune.no")
    services.accept(invitation.pk, user)
    with pytest.raises(services.InvitationUnusable) as refused:
        services.accept(invitation.pk, user)
    assert refused.value.reason == "used"
    assert Membership.objects.filter(user=user).count() == 1


def test_an_invitation_withdrawn_while_the_page_was_open_is_told(invite, ada, client):
    invitation = invite()
    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 200
    services.withdraw(invitation.pk, by=ada)
    response = accept(client, link)
    assert response.status_code == 404
    assert "withdrawn" in response.text
    assert not User.objects.filter(email="nina@seljord.kommune.no").exists()
