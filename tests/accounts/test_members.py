from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from accounts import services
from accounts.models import MemberEvent
from workshops.models import Membership, Programme


def membership(user: User) -> Membership:
    return user.memberships.get()


def test_the_page_lists_members_invitations_and_what_happened(ada, ada_client, seljord, alice, bob):
    services.invite(seljord.pk, email="nina@seljord.kommune.no", role="hr", by=ada, language="en")
    page = ada_client.get(reverse("accounts:members", args=[seljord.pk])).text
    assert "3 members" in page
    for name in ("Ada", "alice", "bob", "nina@seljord.kommune.no"):
        assert name in page
    assert "Ada invited nina@seljord.kommune.no as HR adviser." in page
    assert "the only administrator" in page


def test_a_role_changes(ada_client, alice):
    response = ada_client.post(
        reverse("accounts:member_role", args=[membership(alice).pk]), {"role": "hr"}
    )
    assert response.status_code == 302
    assert membership(alice).role == "hr"
    event = MemberEvent.objects.get(kind="role_changed")
    assert event.describe() == "Ada made alice HR adviser."


def test_a_removed_members_programmes_stay(ada_client, alice, seljord):
    programme = Programme.objects.create(organisation=seljord, title="Løft", created_by=alice)
    page = ada_client.get(reverse("accounts:member_remove", args=[membership(alice).pk])).text
    assert "The programme they created stays with Seljord kommune" in page
    response = ada_client.post(reverse("accounts:member_remove", args=[membership(alice).pk]))
    assert response.status_code == 302
    assert not alice.memberships.exists()
    programme.refresh_from_db()
    assert programme.organisation == seljord
    assert programme.created_by == alice
    User.objects.get(pk=alice.pk)  # the account stays


def test_a_removed_member_sees_nothing_any_more(ada_client, alice, alice_client, seljord):
    programme = Programme.objects.create(organisation=seljord, title="Løft", created_by=alice)
    assert alice_client.get(programme.get_absolute_url()).status_code == 200
    ada_client.post(reverse("accounts:member_remove", args=[membership(alice).pk]))
    assert alice_client.get(programme.get_absolute_url()).status_code == 404


def test_the_last_admin_can_neither_leave_nor_stop_being_admin(ada, ada_client):
    own = membership(ada)
    page = ada_client.get(reverse("accounts:member_remove", args=[own.pk])).text
    assert "An organisation needs an administrator" in page
    response = ada_client.post(reverse("accounts:member_remove", args=[own.pk]), follow=True)
    assert "An organisation needs an administrator" in response.text
    response = ada_client.post(
        reverse("accounts:member_role", args=[own.pk]), {"role": "facilitator"}, follow=True
    )
    assert "An organisation needs an administrator" in response.text
    assert membership(ada).role == "admin"


def test_with_a_second_admin_the_first_may_step_down_and_leave(ada, ada_client, alice):
    ada_client.post(reverse("accounts:member_role", args=[membership(alice).pk]), {"role": "admin"})
    response = ada_client.post(
        reverse("accounts:member_role", args=[membership(ada).pk]), {"role": "facilitator"}
    )
    assert response.url == reverse("workshops:programme_list")
    assert membership(ada).role == "facilitator"
    response = ada_client.post(reverse("accounts:member_remove", args=[membership(ada).pk]))
    assert response.url == reverse("accounts:account")
    assert not ada.memberships.exists()


def test_a_member_may_leave_from_the_account_page(alice, alice_client, ada):
    page = alice_client.get(reverse("accounts:account")).text
    leave = reverse("accounts:member_remove", args=[membership(alice).pk])
    assert leave in page
    assert alice_client.post(leave).status_code == 302
    assert not alice.memberships.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(seljord):
    admins = [
        User.objects.create_user(username=name, email=f"{name}@seljord.kommune.no")
        for name in ("ada", "ola")
    ]
    rows = [
        Membership.objects.create(user=user, organisation=seljord, role="admin") for user in admins
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(by: User, target: Membership) -> None:
        barrier.wait()
        try:
            services.change_role(target.pk, "facilitator", by=by)
            outcomes.append("changed")
        except services.Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(admins[0], rows[1])),
        threading.Thread(target=demote, args=(admins[1], rows[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed", "refused"]
    assert Membership.objects.filter(organisation=seljord, role="admin").count() == 1


def test_the_menu_shows_members_to_admins_only(ada_client, alice_client, seljord):
    members = reverse("accounts:members", args=[seljord.pk])
    assert members in ada_client.get(reverse("workshops:programme_list")).text
    assert members not in alice_client.get(reverse("workshops:programme_list")).text


def test_ordinary_members_have_no_admin_site(alice_client, ada_client):
    for client in (alice_client, ada_client):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


def test_a_member_removed_meanwhile_is_told_not_an_error(ada, alice):
    gone = membership(alice)
    gone.delete()
    for change in (
        lambda: services.change_role(gone.pk, "hr", by=ada),
        lambda: services.remove_member(gone.pk, by=ada),
    ):
        with pytest.raises(services.Refused, match="no longer a member"):
            change()
