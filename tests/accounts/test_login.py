from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import throttle
from tests.accounts.conftest import link_in
from tests.conftest import PASSWORD

NEW_PASSWORD = "Fjellvann og furu 2026"
VENUE = "10.20.30.40"


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def log_in(client: Client, username: str, password: str, address: str = VENUE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client: Client) -> bool:
    return client.get(reverse("workshops:programme_list")).status_code == 200


@pytest.fixture
def later(monkeypatch):
    """Moves the clock on (the throttle's and the cache's alike)."""
    start = time.time()
    offset = [0.0]
    monkeypatch.setattr(throttle.time, "time", lambda: start + offset[0])

    def _later(seconds: float) -> None:
        offset[0] += seconds

    return _later


def test_log_in_with_the_address_in_any_case_or_the_user_name(ada):
    assert log_in(english(), "Ada@Seljord.Kommune.no", PASSWORD).status_code == 302
    assert log_in(english(), "ada", PASSWORD).status_code == 302
    response = log_in(english(), "ada@seljord.kommune.no", "wrong")
    assert "do not match" in response.text


def test_the_throttle_engages_and_a_colleague_at_the_same_venue_still_gets_in(ada, alice, later):
    for _ in range(5):
        assert "do not match" in log_in(english(), "ada", "wrong").text
    client = english()
    response = log_in(client, "ada@seljord.kommune.no", PASSWORD)  # the right one, too soon
    assert "Too many wrong passwords. Wait 1 minute" in response.text
    assert not logged_in(client)

    colleague = english()
    assert log_in(colleague, "alice", PASSWORD).status_code == 302
    assert logged_in(colleague)

    later(61)
    assert log_in(english(), "ada", "wrong again").status_code == 200
    assert "Wait 2 minutes" in log_in(english(), "ada", PASSWORD).text  # the wait grows
    later(121)
    client = english()
    assert log_in(client, "ada", PASSWORD).status_code == 302
    assert logged_in(client)
    # A right password ends the count: the next typo is just a typo.
    assert "do not match" in log_in(english(), "ada", "typo").text


def test_a_whole_address_is_slowed_only_past_its_own_limit(ada, alice, bob, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("ada", "alice", "bob"):
        log_in(english(), name, "wrong")
    assert "Too many wrong passwords" in log_in(english(), "alice", PASSWORD).text
    assert log_in(english(), "alice", PASSWORD, address="10.99.0.1").status_code == 302


def test_the_wait_is_the_same_for_accounts_that_do_not_exist(db):
    for _ in range(5):
        log_in(english(), "nobody@example.no", "guess")
    assert "Too many wrong passwords" in log_in(english(), "NOBODY@example.no", "guess").text


def test_password_reset_by_email(ada, client, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://samling.example.no"
    settings.ALLOWED_HOSTS = ["*"]  # as behind a proxy that passes any Host through
    response = client.post(
        reverse("password_reset"), {"email": "ADA@seljord.kommune.no"}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ada@seljord.kommune.no"]
    assert "https://samling.example.no/accounts/password/reset/" in message.body
    assert "evil.example" not in message.body
    link = link_in(message)
    response = client.get(link)
    assert response.status_code == 302  # to the same page without the token in the address
    form_url = response.url
    assert "Make a new password" in client.get(form_url).text
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("password_reset_complete")
    assert log_in(english(), "ada", NEW_PASSWORD).status_code == 302
    assert log_in(english(), "ada", PASSWORD).status_code == 200
    assert "does not work" in client.get(link, follow=True).text  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.no"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_mails_are_capped_per_address(client, ada):
    for _ in range(throttle.MAILS_PER_HOUR + 2):
        client.post(reverse("password_reset"), {"email": ada.email})
    assert len(mail.outbox) == throttle.MAILS_PER_HOUR


def test_a_new_password_from_a_reset_lifts_the_throttle(ada, client):
    for _ in range(5):
        log_in(english(), "ada", "wrong")
    client.post(reverse("password_reset"), {"email": ada.email})
    form_url = client.get(link_in(mail.outbox[0])).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert log_in(english(), "ada", NEW_PASSWORD).status_code == 302


def test_changing_the_password_logs_out_the_other_devices(ada):
    laptop, phone = english(), english()
    log_in(laptop, "ada", PASSWORD)
    log_in(phone, "ada", PASSWORD)
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_change_done")
    assert logged_in(laptop)
    assert not logged_in(phone)


def test_sign_out_everywhere_ends_the_other_session_and_keeps_this_one(ada):
    laptop, phone = english(), english()
    log_in(laptop, "ada", PASSWORD)
    log_in(phone, "ada", PASSWORD)
    response = laptop.post(reverse("accounts:sign_out_everywhere"), {"password": "wrong"})
    assert response.status_code == 400
    assert "That is not your password" in response.text
    assert logged_in(phone)

    response = laptop.post(reverse("accounts:sign_out_everywhere"), {"password": PASSWORD})
    assert response.status_code == 302
    assert "logged out on every other device" in laptop.get(response.url).text
    assert logged_in(laptop)
    assert not logged_in(phone)
    assert log_in(phone, "ada", PASSWORD).status_code == 302  # the password is unchanged


def test_the_login_page_offers_reset_and_sign_up(client, db):
    page = client.get(reverse("login")).text
    assert reverse("password_reset") in page
    assert reverse("accounts:signup") in page


def test_sign_out_everywhere_for_single_sign_on_needs_no_password(ada):
    ada.set_unusable_password()
    ada.save()
    laptop, phone = english(), english()
    laptop.force_login(ada)
    phone.force_login(ada)
    page = laptop.get(reverse("accounts:account")).text
    assert "no password in Samling" in page
    assert 'name="password"' not in page
    assert laptop.post(reverse("accounts:sign_out_everywhere")).status_code == 302
    assert logged_in(laptop)
    assert not logged_in(phone)


def test_the_admin_sites_login_is_throttled_too(db):
    from django.contrib.auth.models import User

    User.objects.create_superuser("drift", password=PASSWORD)
    for _ in range(5):
        english().post("/admin/login/", {"username": "drift", "password": "wrong"})
    client = english()
    response = client.post("/admin/login/", {"username": "drift", "password": PASSWORD})
    assert "Too many wrong passwords" in response.text
    assert client.get("/admin/").status_code == 302
