"""The day report (PDF): made by the job queue through the locked WeasyPrint path, it holds
the day's agenda planned and actual and every result (read back with pdftotext)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from live import day as live_day
from platforms import day_report
from platforms.models import DayReportRender
from tests import test_erasure_canary as canary
from tests.test_erasure_canary import GROUP_TEXT

# The whole day with every kind of exercise (tests/test_erasure_canary.py).
day = canary.day

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ended(day, workshop, alice):
    workshop.refresh_from_db()
    live_day.end(workshop, by=alice, expected_version=None)
    return workshop


def text_of(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_report_holds_the_agenda_and_every_result(
    ended, alice, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job, queued = day_report.request_day_report(ended, language="nb", by=alice)
    assert queued
    job.refresh_from_db()  # made on commit: with no broker, the task runs at once
    assert job.status == DayReportRender.Status.READY, (job.failure, job.error)
    with job.file.open("rb") as pdf:
        text = text_of(pdf.read(), tmp_path)
    text = " ".join(text.split())  # lines and table cells wrap where they will
    assert "Samlingsrapport: Samling 2" in text
    assert "Planlagte og faktiske minutter" in text
    for item in ended.agenda_items.all():
        assert item.title in text
    for expected in ("Sammen for Seljord", GROUP_TEXT, "Jeg lytter for å forstå.", "Tillit"):
        assert expected in text, expected
    assert "KanariFugl7731 refleksjon" not in text  # private reflections stay private


def test_hr_asks_for_it_and_downloads_it_from_the_results_page(
    bob_client, charlie_client, ended, django_capture_on_commit_callbacks
):
    url = reverse("platforms:day_report_request", args=[ended.pk])
    assert charlie_client.post(url, {"report-language": "nn"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(url, {"report-language": "nn"})
    assert response.status_code == 302
    job = DayReportRender.objects.get(workshop=ended)
    assert job.status == DayReportRender.Status.READY and job.language == "nn"
    page = bob_client.get(reverse("platforms:day_results", args=[ended.pk])).content.decode()
    download = reverse("platforms:day_report_download", args=[job.pk])
    assert download in page
    pdf = bob_client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert charlie_client.get(download).status_code == 404
