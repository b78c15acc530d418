"""HR's front door: the programme page leads an HR adviser (who reads, never changes) with the
lederplakat, and no page of the programme offers HR a control HR cannot use. The platform
page puts the poster at its top for everyone.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from platforms import poster, services
from platforms.models import PosterRender

from .conftest import NINE


def ready_poster(platform, alice, *, size="a3", language="nb") -> PosterRender:
    job, _created = poster.request_render(platform, size=size, language=language, by=alice)
    return poster.render(job.pk)


def showcase(html: str) -> str:
    match = re.search(
        r'<div class="poster-showcase" id="poster-showcase".*?(?=</section>)', html, re.S
    )
    assert match, "no poster on the page"
    return match.group(0)


@pytest.fixture
def day(workshop, agenda):
    return workshop


def test_hr_programme_page_leads_with_the_poster(bob_client, platform, alice):
    job = ready_poster(platform, alice)
    page = bob_client.get(platform.programme.get_absolute_url())
    assert page.status_code == 200
    html = page.text
    download = reverse("platforms:poster_download", args=[job.pk])
    picture = reverse("platforms:poster_thumbnail", args=[job.pk])
    # First on the page: before the days and the participants.
    assert html.index(download) < html.index('id="days-heading"')
    part = showcase(html)
    assert "Download the lederplakat (PDF)" in part
    assert f'src="{picture}"' in part
    date = job.version.created_at.strftime("%-d")
    assert f"Draft of {date}" in part and f"version {job.version.number}" in part
    assert "A3" in part and "Norwegian Bokmål" in part
    assert "hx-trigger" not in part  # nothing is being made: no need to ask again
    # The picture and the PDF are HR's to fetch.
    assert bob_client.get(picture)["Content-Type"] == "image/png"
    assert bob_client.get(download)["Content-Type"] == "application/pdf"


def test_hr_sees_the_newest_version_in_a3_and_the_other_formats_beside_it(
    bob_client, platform, alice
):
    old = ready_poster(platform, alice)
    services.set_vision(platform, vision="Viser vei", alternatives=[], by=alice)
    a4 = ready_poster(platform, alice, size="a4", language="nn")
    a3 = ready_poster(platform, alice)
    part = showcase(bob_client.get(platform.programme.get_absolute_url()).text)
    assert reverse("platforms:poster_download", args=[a3.pk]) in part
    assert f"download>A4, {a4.get_language_display()}</a>" in part
    assert reverse("platforms:poster_download", args=[old.pk]) not in part
    assert "has changed" not in part


def test_hr_is_told_when_the_platform_has_changed_and_can_make_a_new_poster(
    bob_client, bob, platform, alice
):
    job = ready_poster(platform, alice)
    services.set_vision(platform, vision="Viser vei", alternatives=[], by=alice)
    url = platform.programme.get_absolute_url()
    part = showcase(bob_client.get(url).text)
    assert reverse("platforms:poster_download", args=[job.pk]) in part
    assert "The platform has changed since this poster was made." in part
    assert "Make a new poster" in part
    response = bob_client.post(
        reverse("platforms:poster_render", args=[platform.programme_id]),
        {"size": "a3", "language": "en", "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    newest = platform.renders.first()
    assert newest.version == platform.latest_version() and newest.requested_by == bob


def test_hr_with_no_poster_yet_can_make_one_and_the_page_asks_until_it_is_ready(
    bob_client, platform, alice
):
    url = platform.programme.get_absolute_url()
    part = showcase(bob_client.get(url).text)
    assert "No lederplakat has been made yet." in part and "Make the lederplakat (A3)" in part
    # Queued (the test's transaction never commits, so no worker takes it yet).
    job, _created = poster.request_render(platform, size="a3", language="en", by=alice)
    part = showcase(bob_client.get(url).text)
    assert "is being made" in part
    showcase_url = reverse("platforms:poster_showcase", args=[platform.programme_id])
    assert f'hx-get="{showcase_url}?next=' in part and 'hx-trigger="every 2s"' in part
    poster.render(job.pk)
    fragment = bob_client.get(showcase_url, {"next": url}).text
    assert fragment.lstrip().startswith('<div class="poster-showcase"')
    assert "hx-trigger" not in fragment
    assert reverse("platforms:poster_download", args=[job.pk]) in fragment


def test_render_goes_back_only_to_a_page_of_this_site(bob_client, platform):
    response = bob_client.post(
        reverse("platforms:poster_render", args=[platform.programme_id]),
        {"size": "a3", "language": "nb", "next": "https://example.com/phish"},
    )
    assert response["Location"] == platform.get_absolute_url()


def test_facilitators_programme_page_keeps_the_days_first(alice_client, platform):
    html = alice_client.get(platform.programme.get_absolute_url()).text
    assert 'id="poster-showcase"' not in html
    assert "Manage network groups" in html
    assert reverse("workshops:programme_edit", args=[platform.programme_id]) in html


def test_hr_programme_page_offers_no_control_hr_cannot_use(bob_client, platform, day, group):
    programme = platform.programme
    html = bob_client.get(programme.get_absolute_url()).text
    assert "Manage network groups" not in html
    assert "See the network groups" in html
    for name, args in [
        ("workshops:programme_edit", [programme.pk]),
        ("workshops:workshop_create", [programme.pk]),
    ]:
        assert reverse(name, args=args) not in html


def test_hr_day_page_offers_no_control_hr_cannot_use(bob_client, day, agenda):
    html = bob_client.get(day.get_absolute_url()).text
    assert "Velkommen!" in html
    for name, args in [
        ("live:console", [day.pk]),
        ("workshops:workshop_edit", [day.pk]),
        ("exercises:agenda_add", [day.pk]),
        ("exercises:agenda_reorder", [day.pk]),
        ("exercises:agenda_item_edit", [agenda[0].pk]),
        ("exercises:setup", [agenda[3].pk]),
    ]:
        assert reverse(name, args=args) not in html, name
    assert "draggable" not in html


def test_hr_empty_day_is_not_asked_to_add_items(bob_client, alice_client, workshop):
    assert "The agenda is empty." in bob_client.get(workshop.get_absolute_url()).text
    assert "Add the first item below" not in bob_client.get(workshop.get_absolute_url()).text
    assert "Add the first item below" in alice_client.get(workshop.get_absolute_url()).text


def test_platform_page_puts_the_poster_at_the_top(bob_client, alice_client, platform, alice):
    job = ready_poster(platform, alice)
    download = reverse("platforms:poster_download", args=[job.pk])
    for client in (bob_client, alice_client):
        html = client.get(platform.get_absolute_url()).text
        assert html.index(download) < html.index('id="steps"') < html.index(NINE[0])
        assert "Download the lederplakat (PDF)" in showcase(html)
    hr = bob_client.get(platform.get_absolute_url()).text
    for name in ("vision_edit", "purpose_edit", "brand_edit", "platform_step", "value_add"):
        assert reverse(f"platforms:{name}", args=[platform.programme_id]) not in hr, name
    assert 'id="promote"' not in hr


def test_the_picture_is_only_there_for_a_ready_poster(bob_client, platform, alice):
    job, _created = poster.request_render(platform, size="a3", language="nb", by=alice)
    picture = reverse("platforms:poster_thumbnail", args=[job.pk])
    assert bob_client.get(picture).status_code == 404
    poster.render(job.pk)
    response = bob_client.get(picture)
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert response["Cache-Control"] == "private, max-age=86400"
