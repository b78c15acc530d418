from __future__ import annotations

import contextlib
import re
import subprocess
import zlib
from pathlib import Path

import pdfplumber
import pytest
from django.core.management import call_command
from PIL import Image

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


def diamond_order(path: Path, names: list[str]) -> list[str]:
    """The value names in the order a reader meets them: row by row, left to right (a name
    hyphenated over two lines is found by its first part; a cell centres its text, so rows
    are told apart by the middle of the cells)."""
    with pdfplumber.open(path) as document:
        words = document.pages[-1].extract_words()
    found = []
    for name in names:
        word = next(w for w in words if name.startswith(w["text"].rstrip("\u2010-")))
        found.append(((word["top"] + word["bottom"]) / 2, word["x0"], name))
    rows, last = 0, None
    ordered = []
    for middle, x, name in sorted(found):
        if last is not None and middle - last > 25:  # the next row of cells
            rows += 1
        last = middle
        ordered.append((rows, x, name))
    return [name for _row, _x, name in sorted(ordered)]


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
    assert diamond_order(out, values) == values
    # The organisation once, in the header: the footer's programme title goes without it.
    assert text.count("Seljord kommune") == 1
    assert "Lederutviklingsprogram 2026" in text
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
    # The PDF and the picture of its first page, and nothing else (no temporary files).
    assert sorted(p.name for p in Path(job.file.path).parent.iterdir()) == sorted(
        [Path(job.file.name).name, Path(job.file.name).with_suffix(".png").name]
    )


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
    assert html.count('class="value-row"') == 5
    assert [len(row) for row in re.findall(r'class="value-row">(.*?)</div>\s*</div>', html, re.S)]
    services.delete_value(platform.values.get(name=NINE[0]), by=alice)
    html = poster.render_html(
        org, services.snapshot(platform), size="a3", language="nb", for_pdf=True
    )
    # Eight values: two rows of four cells.
    assert 'class="diamond"' not in html and 'class="value-cells"' in html
    assert html.count('class="value-row"') == 2 and html.count('class="value-cell"') == 8


def test_a_render_stores_a_picture_of_page_one_beside_the_pdf(platform, alice):
    job, _created = poster.request_render(platform, size="a3", language="nb", by=alice)
    job = poster.render(job.pk)
    assert job.status == "ready"
    picture = Path(job.file.path).with_suffix(".png")
    assert poster.thumbnail_exists(job)
    with Image.open(picture) as image:
        assert image.format == "PNG"
        # Page one of an A3 (1 : √2), 800 pixels wide.
        assert image.width == poster.THUMBNAIL_WIDTH
        assert image.height == pytest.approx(poster.THUMBNAIL_WIDTH * 2**0.5, abs=2)
        # The header band in the brand colour at the top, white paper under it.
        assert image.convert("RGB").getpixel((400, 10)) == (0x1F, 0x4E, 0x79)
        assert image.convert("RGB").getpixel((20, 600)) == (255, 255, 255)


def test_without_pdftoppm_the_poster_is_ready_without_a_picture(
    platform, alice, monkeypatch, caplog
):
    monkeypatch.setattr(poster, "pdftoppm", lambda: None)
    job, _created = poster.request_render(platform, size="a4", language="nb", by=alice)
    job = poster.render(job.pk)
    assert job.status == "ready" and Path(job.file.path).is_file()
    assert not poster.thumbnail_exists(job)
    assert "pdftoppm" in caplog.text
    # The start-up check says what is missing.
    from platforms.checks import pdftoppm_installed

    [warning] = pdftoppm_installed(None)
    assert warning.id == "platforms.W001"


def test_the_start_up_check_is_quiet_where_pdftoppm_is_installed():
    from platforms.checks import pdftoppm_installed

    assert poster.pdftoppm() is not None, "the tests need poppler-utils (pdftoppm)"
    assert pdftoppm_installed(None) == []
