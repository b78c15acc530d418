"""Accounts' fixtures: besides alice (facilitator), bob (HR) and charlie (outsider), ada is the
administrator of Seljord."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD
from workshops.models import Membership, Organisation


@pytest.fixture
def ada(seljord: Organisation) -> User:
    user = User.objects.create_user(
        username="ada", password=PASSWORD, first_name="Ada", email="ada@seljord.kommune.no"
    )
    Membership.objects.create(user=user, organisation=seljord, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def ada_client(ada: User) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(ada)
    return client


def link_in(message: mail.EmailMessage) -> str:
    """The path of the one link a mail carries (the test server has no SITE_URL of its own)."""
    urls = re.findall(r"https?://\S+", message.body)
    assert len(urls) == 1, message.body
    return re.sub(r"^https?://[^/]+", "", urls[0])
