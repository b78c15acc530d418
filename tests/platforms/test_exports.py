"""The platform as Markdown and JSON, and the programme report as a PDF."""

from __future__ import annotations

import json
import subprocess

from django.urls import reverse

from exercises.kinds import diamond
from exercises.promote import VALUES
from platforms import exports, report, services

from .conftest import NINE, RANKED


def url(name, platform) -> str:
    return reverse(f"platforms:{name}", args=[platform.programme_id])


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def promote_diamond(platform, run, alice) -> None:
    [offer] = diamond.promotable(run)
    services.promote(platform, run, offer, target=VALUES, replace=True, by=alice)


def test_markdown_reads_as_the_platform(alice_client, platform, diamond_run, alice):
    promote_diamond(platform, diamond_run, alice)
    services.edit_value(
        platform.values.get(name="Tillit"),
        name="Tillit",
        meaning="Vi stoler på hverandre",
        practices={"ourselves": ["Holder avtaler"]},
        by=alice,
    )
    response = alice_client.get(url("export_markdown", platform))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.text
    assert text.startswith("# Leadership platform for Seljord kommune\n")
    assert "**Sammen for Seljord**" in text
    assert "- Viser vei" in text
    assert "Vår ledergruppe skal skape MERVERDI ved å:" in text
    places = [text.index(f"**{name}**") for name in RANKED]
    assert places == sorted(places)
    assert "2. **Tillit** – Vi stoler på hverandre _(From: Day 2 · Verdidiamanten)_" in text
    assert "   - What we expect of ourselves:\n     - Holder avtaler" in text


def test_json_has_the_platform_and_where_each_part_came_from(
    alice_client, platform, diamond_run, alice
):
    promote_diamond(platform, diamond_run, alice)
    response = alice_client.get(url("export_json", platform))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["organisation"] == "Seljord kommune"
    assert data["vision"]["text"] == "Sammen for Seljord"
    assert data["alternatives"] == ["Viser vei", "Gode med folk"]
    assert [v["name"] for v in data["values"]] == RANKED
    assert data["values"][0]["source"] == {
        "day": 2,
        "date": "2026-11-26",
        "exercise": "Verdidiamanten",
        "kind": "diamond",
        "group": None,
        "label": None,
    }
    assert data["version"]["number"] == platform.latest_version().number


def test_exports_of_an_earlier_version(alice_client, platform, diamond_run, alice):
    first = platform.versions.order_by("number").last()
    promote_diamond(platform, diamond_run, alice)
    data = json.loads(
        alice_client.get(url("export_json", platform), {"version": first.number}).content
    )
    assert [v["name"] for v in data["values"]] == NINE
    markdown = alice_client.get(url("export_markdown", platform), {"version": first.number})
    assert f"Version {first.number}" in markdown.text
    assert alice_client.get(url("export_json", platform), {"version": 999}).status_code == 404


def test_markdown_escapes_what_would_be_markup():
    assert exports.md("<b>fet</b> *ikke* [lenke](x)") == (r"\<b\>fet\</b\> \*ikke\* \[lenke\](x)")
    assert exports.md("# ikke overskrift") == r"\# ikke overskrift"
    assert exports.md("- ikke liste") == r"\- ikke liste"
    assert exports.md("1. ikke nummerert") == r"1\. ikke nummerert"
    assert exports.md("to\nlinjer\u202e") == "to linjer"


def test_programme_report_lists_each_days_agenda_and_what_was_promoted(
    alice_client,
    platform,
    diamond_run,
    igp_run,
    agenda,
    alice,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    promote_diamond(platform, diamond_run, alice)
    services.promote(
        platform, igp_run, *_igp_offer(igp_run), target="purpose", replace=False, by=alice
    )
    # Asked for on the platform page, made by the (here eager) worker, then downloaded.
    with django_capture_on_commit_callbacks(execute=True):
        asked = alice_client.post(url("report_request", platform), {"report-language": "en"})
    assert asked.status_code == 302
    job = platform.reports.get()
    assert job.status == "ready" and job.language == "en" and job.requested_by == alice
    page = alice_client.get(url("report_status", platform))
    download = reverse("platforms:report_download", args=[job.pk])
    assert f'href="{download}"' in page.text
    response = alice_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Programme report" in text
    assert "08:30–09:00" in text and "Relasjonsorientert ledelse" in text
    assert "Taken onward to the leadership platform" in text
    assert "Verdidiamanten" in text and "Ledergruppens formål" in text
    assert "Purpose point: Gi retning – Nettverksgruppe 1" in " ".join(text.split())
    for name in RANKED:
        assert f"Value: {name}" in text


def _igp_offer(run):
    from exercises.kinds import igp

    return igp.promotable(run)


def test_report_renders_in_the_asked_language_and_fetches_only_its_own_files(platform):
    pdf, fetcher = report.render_report_pdf(platform, language="nb")
    assert pdf.startswith(b"%PDF")
    assert fetcher.refused == []
    assert {u.rsplit("/", 1)[-1] for u in fetcher.served} <= {
        "report.css",
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSerif-Bold.ttf",
    }
    html = report.render_report_html(platform, language="nb")
    assert '<html lang="nb">' in html
    assert "<title>" in html
