from __future__ import annotations

import contextlib
import re
import subprocess
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command

from platforms import jobs, poster, services
from platforms.models import PosterRender
from platforms.tasks import render_poster_task
from workshops.models import Programme

from .conftest import NINE


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (the catalog may sit in one) unpacked."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"".join(parts)


def in_order(text: str, words: list[str]) -> bool:
    """Each word found after the one before (the diamond reads row by row)."""
    place = 0
    for word in words:
        place = text.find(word, place)
        if place < 0:
            return False
        place += len(word)
    return True


def test_demo_platform_renders_to_an_a3_pdf_with_vision_and_nine_values(db, tmp_path):
    call_command("load_demo", verbosity=0)
    programme = Programme.objects.get()
    platform = programme.platform
    out = tmp_path / "plakat.pdf"
    call_command("render_poster", programme.pk, "--out", str(out), verbosity=0)
    text = pdf_text(out)
    assert "Sammen for Seljord" in text
    values = list(platform.values.values_list("name", flat=True))
    assert len(values) == 9
    assert in_order(text, values)
    info = pdf_info(out)
    assert "(A3)" in info
    # The poster speaks the chosen language, bokmål by default.
    assert "Title:           Lederplattform for Seljord kommune" in info


def test_demo_load_is_idempotent_for_the_platform(db):
    call_command("load_demo", verbosity=0)
    platform = Programme.objects.get().platform
    counts = (platform.versions.count(), platform.values.count(), platform.vision_proposals.count())
    call_command("load_demo", verbosity=0)
    assert counts == (
        platform.versions.count(),
        platform.values.count(),
        platform.vision_proposals.count(),
    )
    assert platform.vision.text == "Sammen for Seljord"
    assert platform.vision_proposals.filter(is_chosen=False).count() == 13


def test_a4_and_language_and_lang_attribute(platform, tmp_path):
    pdf, fetcher = poster.render_pdf(
        platform.programme.organisation, services.snapshot(platform), size="a4", language="en"
    )
    out = tmp_path / "a4.pdf"
    out.write_bytes(pdf)
    assert "(A4)" in pdf_info(out)
    assert b"/Lang (en)" in inflated(pdf)
    assert fetcher.refused == []
    assert all(url.startswith("file://") for url in fetcher.served)


def test_render_row_goes_queued_rendering_ready_and_is_idempotent(platform, alice, media):
    job, created = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert created and job.status == PosterRender.Status.QUEUED
    again, created_again = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert again == job and not created_again
    assert render_poster_task.apply(args=[job.pk]).get() == "ready"
    job.refresh_from_db()
    assert job.status == "ready" and job.attempts == 1 and job.version == platform.latest_version()
    first = Path(job.file.path).read_bytes()
    # A redelivered task (worker killed after the render) finds it ready and does nothing.
    render_poster_task.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.attempts == 1
    assert Path(job.file.path).read_bytes() == first
    assert [p.name for p in Path(job.file.path).parent.iterdir()] == [Path(job.file.name).name]


def test_failed_render_is_recorded_and_can_be_asked_for_again(platform, alice, monkeypatch):
    job, _created = poster.request_render(platform, size="a3", language="nb", by=alice)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(poster, "render_pdf", broken)
    # The task retries what may pass, until the last attempt.
    for attempt in range(1, jobs.MAX_ATTEMPTS):
        with pytest.raises(jobs.TryAgain):
            poster.render(job.pk)
        job.refresh_from_db()
        assert job.status == "queued" and job.attempts == attempt and "disk full" in job.error
    poster.render(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "disk full" in job.error
    assert job.failure == "error" and "tell your administrator" in job.advice()
    assert not list(Path(poster.settings.MEDIA_ROOT).rglob("*.tmp"))
    again, created = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert again == job and created and again.status == "queued"


def test_contrast_check():
    assert round(poster.contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert poster.contrast_ratio("#777777", "#FFFFFF") < 4.5


def test_nine_values_make_a_diamond_and_fewer_a_list(platform, alice):
    org = platform.programme.organisation
    html = poster.render_html(
        org, services.snapshot(platform), size="a3", language="nb", for_pdf=True
    )
    assert html.count('class="diamond__row"') == 5
    services.delete_value(platform.values.get(name=NINE[0]), by=alice)
    html = poster.render_html(
        org, services.snapshot(platform), size="a3", language="nb", for_pdf=True
    )
    assert 'class="diamond"' not in html and 'class="value-list"' in html
