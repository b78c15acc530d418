"""Error pages look like the site and speak the reader's language (docs/sprak.md, rule 1)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults


def norwegian(client: Client, code: str = "nb") -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def test_a_missing_page_is_styled_and_norwegian(db):
    page = norwegian(Client(headers={"accept-language": "en"})).get("/no-such-page/")
    assert page.status_code == 404
    assert '<html lang="nb">' in page.text
    assert "css/app.css" in page.text and 'class="site-header"' in page.text
    assert "Vi finner ikke denne siden" in page.text
    assert "Not Found" not in page.text


def test_a_refused_page_is_styled_and_norwegian(bob_client, programme):
    # Bob reads the programme as an HR adviser; editing it is refused by the real view.
    page = norwegian(bob_client, "nn").get(reverse("workshops:programme_edit", args=[programme.pk]))
    assert page.status_code == 403
    assert '<html lang="nn">' in page.text
    assert "Du har ikkje tilgang til denne sida" in page.text
    assert "Forbidden" not in page.text
    # The site's own header, with the signed-in person's menu.
    assert "Logg ut bob" in page.text


def test_a_refused_form_is_styled_and_norwegian(alice):
    client = norwegian(Client(enforce_csrf_checks=True))
    page = client.post(reverse("login"), {"username": "alice", "password": "x"})
    assert page.status_code == 403
    assert "Skjemaet kunne ikke sendes" in page.text
    assert "css/app.css" in page.text
    assert "CSRF" not in page.text


def test_a_bad_request_is_norwegian(db):
    with translation.override("nb"):
        page = defaults.bad_request(RequestFactory().get("/"), SuspiciousOperation())
    assert page.status_code == 400
    assert "Samling kunne ikke lese forespørselen" in page.content.decode()


def test_the_server_error_page_needs_neither_database_nor_context():
    # No database fixture: a query from the page would fail this test.
    with translation.override("nn"):
        page = defaults.server_error(RequestFactory().get("/"))
    text = page.content.decode()
    assert page.status_code == 500
    assert '<html lang="nn">' in text and "css/app.css" in text
    assert "Noko gjekk gale hos oss" in text
