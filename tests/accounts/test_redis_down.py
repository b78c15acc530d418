"""Redis away: signing up and resetting a password still work (their mail limits, counted in
Redis, stand aside until it is back), and nothing fails with a server error."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.test_signup import form
from tests.workshops.test_redis_down import empty_cache, redis_down  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("redis_down")


def test_signing_up_works_and_the_link_is_mailed(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), form())
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_a_password_reset_is_mailed(ada, client):
    response = client.post(reverse("password_reset"), {"email": "ada@seljord.kommune.no"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["ada@seljord.kommune.no"]]
