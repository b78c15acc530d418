from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from .conftest import NINE

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"platforms:{name}", args=args)


def test_page_shows_the_platform(alice_client, platform):
    page = alice_client.get(url("platform_detail", platform.programme_id))
    assert page.status_code == 200
    assert "Sammen for Seljord" in page.text
    for name in NINE:
        assert name in page.text


def test_every_hx_get_has_an_href(alice_client, platform):
    value = platform.values.first()
    for page_url in [
        url("platform_detail", platform.programme_id),
        url("value_edit", value.pk),
        url("purpose_edit", platform.programme_id),
        url("vision_edit", platform.programme_id),
    ]:
        html = alice_client.get(page_url).text
        for tag in re.findall(r"<a [^>]*hx-get=[^>]*>", html):
            assert "href=" in tag, tag


def test_inline_edit_returns_only_the_section(alice_client, platform):
    response = alice_client.get(url("vision_edit", platform.programme_id), **HTMX)
    assert response.text.lstrip().startswith('<section id="vision"')
    assert "<form" in response.text
    response = alice_client.post(
        url("vision_edit", platform.programme_id),
        {"vision": "Viser vei", "alternatives": "Sammen for Seljord\nGode med folk"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="vision"')
    assert platform.vision.text == "Viser vei"


def test_value_edit_saves_practices(alice_client, platform):
    value = platform.values.first()
    response = alice_client.post(
        url("value_edit", value.pk),
        {
            "value-name": "Tillit",
            "value-meaning": "Vi stoler på hverandre",
            "value-ourselves": "Holder avtaler\nSier ifra",
            "value-each_other": "Gir ærlige tilbakemeldinger",
            "value-others": "",
        },
    )
    assert response.status_code == 302
    assert list(value.practices.filter(side="ourselves").values_list("text", flat=True)) == [
        "Holder avtaler",
        "Sier ifra",
    ]


def test_reorder_by_drag_form_and_by_buttons(alice_client, platform):
    ids = list(platform.values.values_list("pk", flat=True))
    alice_client.post(url("values_reorder", platform.programme_id), {"order": ids[::-1]}, **HTMX)
    assert list(platform.values.values_list("pk", flat=True)) == ids[::-1]
    response = alice_client.post(url("value_move", ids[0]), {"direction": "down"}, **HTMX)
    assert "now number 9" in response.text or "now number" in response.text
    stale = alice_client.post(url("values_reorder", platform.programme_id), {"order": ids[:2]})
    assert stale.status_code == 409


def test_name_and_compare_versions(alice_client, platform):
    version = platform.latest_version()
    alice_client.post(url("version_name", version.pk), {"name": "Vedtatt"})
    version.refresh_from_db()
    assert version.name == "Vedtatt"
    page = alice_client.get(url("versions", platform.programme_id))
    assert "Vedtatt" in page.text
    compare = alice_client.get(
        url("version_compare", platform.programme_id), {"a": 1, "b": version.number}
    )
    assert compare.status_code == 200
    assert "Raushet" in compare.text and "added" in compare.text


def test_poster_preview_uses_a_nonce_for_its_one_style_block(alice_client, platform):
    page = alice_client.get(url("poster_preview", platform.programme_id), {"size": "a4"})
    assert page.status_code == 200
    assert "size: A4 portrait" in page.text
    nonce = re.search(r'<style nonce="([^"]+)"', page.text).group(1)
    assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]
    assert "Leadership platform for Seljord kommune" in page.text
    # The footer names the newest version and the programme, as the PDF does.
    assert f"version {platform.latest_version().number}" in page.text
    assert platform.programme.title in page.text


def test_render_and_download(alice_client, bob_client, platform):
    response = alice_client.post(
        url("poster_render", platform.programme_id), {"size": "a3", "language": "nb"}
    )
    assert response.status_code == 302
    # In tests the request's transaction is the test's: run the queued task by hand.
    from platforms.models import PosterRender
    from platforms.tasks import render_poster_task

    job = PosterRender.objects.get()
    assert job.status == "queued"
    assert render_poster_task.apply(args=[job.pk]).get() == "ready"
    download = bob_client.get(url("poster_download", job.pk))
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="lederplakat-v{job.version.number}-a3-nb.pdf"'
    )
    status = bob_client.get(url("poster_status", platform.programme_id), **HTMX)
    assert "Download PDF" in status.text


def test_brand_form_validates_colours_and_warns_on_contrast(alice_client, platform):
    bad = alice_client.post(url("brand_edit", platform.programme_id), {"brand_primary": "red"})
    assert bad.status_code == 200
    response = alice_client.post(
        url("brand_edit", platform.programme_id),
        {"brand_primary": "#FFFF66", "brand_secondary": "#F2C14E"},
        follow=True,
    )
    assert "hard to read" in response.text


def test_the_versions_table_says_what_changed_in_the_reader_s_language(alice_client, platform):
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    page = alice_client.get(url("versions", platform.programme_id))
    cells = re.findall(r"<td>([^<]*)</td>", page.text)
    assert "Formålet er endret" in cells and "Visjonen er endret" in cells
    assert "En verdi er lagt til" in cells
    for english in ("purpose", "vision", "value added", "step"):
        assert english not in cells
