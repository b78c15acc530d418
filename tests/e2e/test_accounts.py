"""A new organisation in the browser: sign-up, the link from the mail, an invitation accepted;
and axe-core on every accounts page in bokmål and nynorsk.

The live server runs in this process, so the mails it sends land in Django's test outbox.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import BrowserContext, Page, expect

from accounts import links, services
from accounts.models import Signup
from workshops.models import Membership, Organisation, Programme

PASSWORD = "Fjellvann og furu 2026"
BLOCKING = {"serious", "critical"}
DESKTOP = {"width": 1366, "height": 768}


def link_path(message: mail.EmailMessage) -> str:
    (url,) = re.findall(r"https?://\S+", message.body)
    return re.sub(r"^https?://[^/]+", "", url)


def watch_console(page: Page) -> list[str]:
    errors: list[str] = []
    # Pages answered with an error status on purpose (a form with mistakes, 400; a spent link,
    # 410): Chromium logs their status, which is no error of the page.
    documents: set[str] = set()
    page.on(
        "response",
        lambda r: documents.add(r.url) if r.request.resource_type == "document" else None,
    )

    def on_console(msg) -> None:
        url = msg.location["url"]
        if msg.type == "error" and not (url in documents and "Failed to load" in msg.text):
            errors.append(f"{msg.text} {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def new_page(new_context, locale: str = "nb-NO") -> tuple[BrowserContext, Page]:
    context = new_context(locale=locale, viewport=DESKTOP)
    context.set_default_timeout(5_000)
    return context, context.new_page()


def test_a_new_organisation_signs_up_and_a_colleague_joins(
    new_context, live_server, transactional_db
):
    _context, page = new_page(new_context)
    errors = watch_console(page)
    page.goto(live_server.url + reverse("login"))
    page.get_by_role("link", name="Opprett en organisasjon").click()
    expect(page.locator("main h1")).to_have_text("Opprett en organisasjon")
    page.get_by_label("Organisasjon").fill("Vinje kommune")
    page.get_by_label("Navnet ditt").fill("Vigdis Vinje")
    page.get_by_label("E-postadressen din på jobben").fill("vigdis@vinje.kommune.no")
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    page.get_by_label("Passordet en gang til").fill("noe annet")
    page.get_by_role("button", name="Opprett organisasjonen").click()
    # A mismatch is told, and what was typed stays.
    expect(page.locator(".field--error")).to_contain_text("passord")
    expect(page.get_by_label("Organisasjon")).to_have_value("Vinje kommune")
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    page.get_by_label("Passordet en gang til").fill(PASSWORD)
    page.get_by_role("button", name="Opprett organisasjonen").click()
    expect(page.locator("main h1")).to_have_text("Sjekk e-posten din")
    expect(page.locator("main")).to_contain_text("vigdis@vinje.kommune.no")
    assert not Organisation.objects.filter(name="Vinje kommune").exists()

    (verification,) = mail.outbox
    page.goto(live_server.url + link_path(verification))
    expect(page.locator("main h1")).to_have_text("Vinje kommune")
    expect(page.locator(".message--success")).to_contain_text("Vinje kommune er klar")
    expect(page.get_by_role("link", name="Medlemmer")).to_be_visible()

    page.get_by_label("E-postadresse").fill("frida@vinje.kommune.no")
    page.get_by_label("HR-rådgiver").check()
    page.get_by_role("button", name="Send invitasjon").click()
    expect(page.locator(".message--success")).to_contain_text("frida@vinje.kommune.no")
    expect(page.locator("#invitations-heading + .table-wrap")).to_contain_text("HR-rådgiver")

    invitation = mail.outbox[-1]
    assert invitation.to == ["frida@vinje.kommune.no"]
    assert "Vigdis Vinje har invitert deg til Vinje kommune" in invitation.body
    _colleague_context, colleague = new_page(new_context)
    colleague_errors = watch_console(colleague)
    colleague.goto(live_server.url + link_path(invitation))
    expect(colleague.locator("main h1")).to_have_text("Bli med i Vinje kommune")
    colleague.get_by_label("Navnet ditt").fill("Frida Fjell")
    colleague.get_by_label("Passord", exact=True).fill(PASSWORD)
    colleague.get_by_label("Passordet en gang til").fill(PASSWORD)
    colleague.get_by_role("button", name="Bli med i Vinje kommune").click()
    expect(colleague.locator(".message--success")).to_contain_text(
        "Velkommen til Vinje kommune. Du er HR-rådgiver."
    )
    expect(colleague.get_by_role("link", name="Medlemmer")).to_have_count(0)

    page.reload()
    expect(page.locator("#members-heading")).to_have_text("2 medlemmer")
    expect(page.locator("main")).to_contain_text("Frida Fjell")
    # The founder goes on to the first programme, with no admin site and no terminal.
    page.get_by_role("link", name="Program", exact=True).click()
    page.get_by_role("link", name="Nytt program").first.click()
    page.get_by_label("Tittel").fill("Leiarløft 2027")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("main h1")).to_contain_text("Leiarløft 2027")
    assert Programme.objects.get().organisation.name == "Vinje kommune"
    assert errors == [] and colleague_errors == []


def _report(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in violations
    )


@pytest.fixture
def accounts_world(transactional_db) -> dict:
    """An organisation with an admin, a member, an open and an expired invitation, and a
    sign-up still waiting for its link."""
    organisation = Organisation.objects.create(name="Seljord kommune", slug="seljord")
    ada = User.objects.create_user(
        username="ada",
        password=PASSWORD,
        first_name="Ada",
        last_name="Aasen",
        email="ada@seljord.kommune.no",
    )
    Membership.objects.create(user=ada, organisation=organisation, role=Membership.Role.ADMIN)
    bob = User.objects.create_user(
        username="bob", password=PASSWORD, first_name="Bob", email="bob@seljord.kommune.no"
    )
    member = Membership.objects.create(user=bob, organisation=organisation, role="hr")
    Programme.objects.create(organisation=organisation, title="Løft", created_by=bob)
    invitation = services.invite(
        organisation.pk, email="nina@seljord.kommune.no", role="facilitator", by=ada, language="nb"
    )
    expired = services.invite(
        organisation.pk, email="ola@seljord.kommune.no", role="hr", by=ada, language="nb"
    )
    expired.expires_at = timezone.now() - dt.timedelta(days=1)
    expired.save()
    waiting = User.objects.create_user(
        username="vigdis@vinje.kommune.no", email="vigdis@vinje.kommune.no", password=PASSWORD
    )
    Signup.objects.create(user=waiting, organisation_name="Vinje kommune")
    return {
        "organisation": organisation,
        "member": member,
        "invitation": links.invitation_token(invitation),
        "expired": links.invitation_token(expired),
        "reset": (
            urlsafe_base64_encode(force_bytes(ada.pk)),
            default_token_generator.make_token(ada),
        ),
    }


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("locale", ["nb-NO", "nn-NO"])
def test_no_serious_violations_on_the_accounts_pages(
    new_context, live_server, axe, accounts_world, locale
):
    base = live_server.url
    w = accounts_world
    _context, page = new_page(new_context, locale)
    errors = watch_console(page)
    found: list[str] = []

    def check(path: str, *, prepare=None) -> None:
        page.goto(base + path)
        if path != reverse("login"):
            assert reverse("login") not in page.url, f"{path} sent to the login page"
        if prepare:
            prepare()
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", locale[:2])
        blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
        if blocking:
            found.append(f"{path}\n{_report(blocking)}")

    def submit_empty() -> None:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()

    check(reverse("login"))
    check(reverse("accounts:signup"))
    check(reverse("accounts:signup"), prepare=submit_empty)
    check(reverse("accounts:invitation", args=[w["invitation"]]))
    check(reverse("accounts:invitation", args=[w["invitation"]]), prepare=submit_empty)
    check(reverse("accounts:invitation", args=[w["expired"]]))
    check(reverse("password_reset"))
    check(reverse("password_reset_done"))
    check(reverse("password_reset_confirm", args=w["reset"]))
    check(reverse("password_reset_complete"))

    _log_in(page, base, "ada")
    check(reverse("accounts:members", args=[w["organisation"].pk]))
    check(
        reverse("accounts:members", args=[w["organisation"].pk]),
        prepare=lambda: page.get_by_role("button", name=re.compile("invitasjon")).click(),
    )
    check(reverse("accounts:member_remove", args=[w["member"].pk]))
    check(reverse("accounts:account"))
    check(reverse("password_change"))
    check(reverse("password_change_done"))

    page.context.clear_cookies()
    _log_in(page, base, "vigdis@vinje.kommune.no")
    check(reverse("accounts:signup_pending"))

    assert not found, "\n\n".join(found)
    assert errors == []
