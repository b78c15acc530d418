"""A PDF render is bounded in time and memory (platforms/pdf.py): one that goes past either
stops, the job fails cleanly and says why, and the process that asked for it is untouched."""

from __future__ import annotations

import io
import resource
import time

import pytest
from django.urls import reverse
from PIL import Image

from platforms import pdf, poster, services
from platforms.tasks import render_poster_task

# Layout work WeasyPrint needs many seconds and hundreds of MiB for (measured: 17 s at 200 MiB).
SLOW_HTML = "<html><body><div>" + "<div>x</div>" * 300_000 + "</div></body></html>"
PLAIN_HTML = "<html><body><h1>Lederplakat</h1></body></html>"


def write(html: str, **limits):
    return pdf.write_pdf(
        html,
        base_url="file:///nowhere/",
        allowed=[],
        **{"time_limit": 30, "memory_limit": 1024 * 2**20, "max_image_pixels": 16_000_000} | limits,
    )


def test_a_plain_render_comes_back_from_its_process():
    rendered = write(PLAIN_HTML)
    assert rendered.pdf.startswith(b"%PDF") and rendered.refused == []


def test_a_render_past_its_time_limit_is_stopped_and_says_so():
    started = time.monotonic()
    with pytest.raises(pdf.RenderFailed) as failed:
        write(SLOW_HTML, time_limit=2)
    assert failed.value.reason == pdf.TOO_SLOW
    assert "2 s" in failed.value.detail
    # The child's alarm ends it at the limit; the parent waits a grace period at most.
    assert time.monotonic() - started < 2 + pdf.GRACE_SECONDS + 3


# Two ways a render runs out of memory at 150 MiB, in about 5 s each: one word of three million
# letters (GLib fails to allocate its 40 MB and aborts) and a million words (Python's
# MemoryError).
HUNGRY_HTML = {
    "one long word": "<html><body><p>" + "A" * 3_000_000 + "</p></body></html>",
    "many words": "<html><body><p>" + "ord " * 1_000_000 + "</p></body></html>",
}


@pytest.mark.parametrize("html", HUNGRY_HTML.values(), ids=HUNGRY_HTML.keys())
def test_a_render_past_its_memory_limit_is_stopped_and_says_so(html):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(pdf.RenderFailed) as failed:
        write(html, memory_limit=150 * 2**20)
    assert failed.value.reason == pdf.TOO_BIG
    assert "150 MiB" in failed.value.detail
    assert time.monotonic() - started < 25
    # The memory was the child's: this process's peak did not move for it.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20 * 1024


def test_a_poster_that_takes_too_long_fails_with_advice(large_platform, alice, settings):
    settings.RENDER_TIME_LIMIT = 1
    job, _queued = poster.request_render(large_platform, size="a3", language="nb", by=alice)
    assert render_poster_task.apply(args=[job.pk]).get() == "failed"
    job.refresh_from_db()
    # Too slow stays too slow: failed at once, not retried.
    assert job.status == "failed" and job.failure == "too_slow" and job.attempts == 1
    assert "longer than 1 second" in job.advice() and "Shorten the longest texts" in job.advice()
    assert not job.file


def test_a_poster_that_needs_too_much_memory_fails_and_can_be_made_again(
    platform, alice, settings, alice_client, django_capture_on_commit_callbacks
):
    settings.RENDER_MEMORY_LIMIT_MB = 120  # less than any poster needs
    job, _queued = poster.request_render(platform, size="a4", language="nb", by=alice)
    assert render_poster_task.apply(args=[job.pk]).get() == "failed"
    job.refresh_from_db()
    assert job.failure == "too_big" and "120 MiB" in job.error
    page = alice_client.get(reverse("platforms:poster_status", args=[platform.programme_id]))
    assert "needed more memory than it may use" in page.text
    settings.RENDER_MEMORY_LIMIT_MB = 1024
    with django_capture_on_commit_callbacks(execute=True):
        again, queued = poster.request_render(platform, size="a4", language="nb", by=alice)
    again.refresh_from_db()
    assert queued and again.status == "ready" and again.failure == "" and again.error == ""


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_an_old_bomb_of_a_logo_is_left_off_and_the_brand_page_says_why(
    platform, alice, alice_client, media
):
    """A logo stored before uploads were checked: the renderer never decodes it."""
    organisation = platform.programme.organisation
    stored = media / "logos" / "old.png"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(bomb())
    organisation.logo.name = "logos/old.png"
    organisation.save()
    started = time.monotonic()
    content, rendered = poster.render_pdf(organisation, services.snapshot(platform))
    assert time.monotonic() - started < 20
    assert content.startswith(b"%PDF")
    assert not any("old.png" in url for url in rendered.served + rendered.refused)
    page = alice_client.get(reverse("platforms:brand_edit", args=[platform.programme_id]))
    assert "The logo has far too many pixels" in page.text and "left off" in page.text


def test_pillow_in_the_render_refuses_a_bomb_even_if_it_is_handed_one(tmp_path):
    """Should a bomb reach the renderer, Pillow there refuses to decode it; the PDF is made
    without the image, quickly, within the memory limit."""
    image = tmp_path / "bomb.png"
    image.write_bytes(bomb())
    started = time.monotonic()
    rendered = pdf.write_pdf(
        '<html><body><img src="bomb.png"><p>Plakat</p></body></html>',
        base_url=tmp_path.as_uri() + "/",
        allowed=[image],
        time_limit=30,
        memory_limit=1024 * 2**20,
        max_image_pixels=16_000_000,
    )
    assert rendered.pdf.startswith(b"%PDF")
    assert time.monotonic() - started < 10


def test_a_render_server_that_answers_nothing_in_time_is_stopped_and_replaced():
    """Should the child's own alarm not end it in time (a wedged server), the asker stops
    waiting, and the server goes: a server still at work would answer the next request with
    this one's PDF. The next render gets a new server and its own PDF."""
    request = {
        "html": SLOW_HTML,
        "base_url": "file:///nowhere/",
        "allowed": [],
        "time_limit": 60,  # the child's alarm, far off
        "memory_limit": 1024 * 2**20,
        "max_image_pixels": 16_000_000,
    }
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        pdf._server.ask(request, timeout=1)
    assert time.monotonic() - started < 5
    assert pdf._server.process is None
    rendered = write("<html><body><p>Den neste</p></body></html>")
    assert rendered.pdf.startswith(b"%PDF") and rendered.refused == []
