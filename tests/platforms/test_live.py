"""The poster status, live: each status change is published after commit on the platform's
channel, the platform page listens to it, and fetches its poster list when it hears it."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from platforms import jobs, live, poster
from platforms.models import PosterRender
from tests.support import run_async
from tests.workshops.test_live_views import Stream

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def published(monkeypatch) -> list[tuple[int, int | None, str]]:
    calls = []
    monkeypatch.setattr(live, "posters_changed", lambda *args: calls.append(args), raising=True)
    return calls


def test_every_status_change_is_published_after_commit(
    platform, alice, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = poster.request_render(platform, size="a4", language="nb", by=alice)
        assert published == []  # nothing before the commit
    assert published == [
        (platform.pk, job.pk, "queued"),
        (platform.pk, job.pk, "rendering"),
        (platform.pk, job.pk, "ready"),
    ]


def test_a_failed_render_is_published_too(
    platform, alice, published, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("no paper")

    monkeypatch.setattr(poster, "render_pdf", broken)
    job = PosterRender.objects.create(
        platform=platform, version=platform.latest_version(), requested_by=alice
    )
    # Each attempt but the last waits for the task's retry (queued); the last one fails.
    for _attempt in range(jobs.MAX_ATTEMPTS - 1):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(jobs.TryAgain):
            poster.render(job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        poster.render(job.pk)
    assert [status for _p, _j, status in published] == [
        *["rendering", "queued"] * (jobs.MAX_ATTEMPTS - 1),
        "rendering",
        "failed",
    ]


def test_the_page_listens_to_the_stream_and_polls_only_without_it(alice_client, platform, alice):
    page = alice_client.get(reverse("platforms:platform_detail", args=[platform.programme_id]))
    stream = reverse("platforms:poster_stream", args=[platform.programme_id])
    status = reverse("platforms:poster_status", args=[platform.programme_id])
    assert f'sse-connect="{stream}"' in page.text
    assert 'hx-trigger="sse:posters"' in page.text
    assert f'data-poll-fallback="{status}"' in page.text
    assert "every 2s" not in page.text
    assert "data-pending" not in page.text
    PosterRender.objects.create(
        platform=platform, version=platform.latest_version(), requested_by=alice
    )
    page = alice_client.get(reverse("platforms:platform_detail", args=[platform.programme_id]))
    assert 'id="poster-rows" data-pending' in page.text


def test_the_refetched_list_says_what_just_happened(alice_client, platform, alice):
    job = PosterRender.objects.create(
        platform=platform, version=platform.latest_version(), requested_by=alice
    )
    status = reverse("platforms:poster_status", args=[platform.programme_id])
    assert "Queued." in alice_client.get(status, **HTMX).text
    PosterRender.objects.filter(pk=job.pk).update(status="ready", finished_at=timezone.now())
    assert "A3, Norwegian Bokmål: Ready." in alice_client.get(status, **HTMX).text
    PosterRender.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=1)
    )
    old = alice_client.get(status, **HTMX).text
    assert 'id="poster-announce"></p>' in old  # old news is not announced again


@pytest.mark.django_db(transaction=True)
def test_the_stream_carries_the_renders_progress(platform, alice):
    browser = Client()
    browser.force_login(alice)
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    path = reverse("platforms:poster_stream", args=[platform.programme_id])

    async def scenario():
        async with Stream(path, cookies) as stream:
            assert stream.status == 200
            assert stream.headers[b"content-type"] == b"text/event-stream"
            hello = await stream.event()
            assert (hello["event"], hello["data"]) == ("posters", " connected")
            job, _created = await sync_to_async(poster.request_render)(
                platform, size="a4", language="en", by=alice
            )
            seen = [await stream.event(timeout=30) for _ in range(3)]
            assert [event["event"] for event in seen] == ["posters"] * 3
            assert [event["data"] for event in seen] == [
                f"{job.pk} queued",
                f"{job.pk} rendering",
                f"{job.pk} ready",
            ]

    run_async(scenario)


@pytest.mark.django_db(transaction=True)
def test_an_outsider_gets_no_stream(platform, charlie):
    browser = Client()
    browser.force_login(charlie)
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    path = reverse("platforms:poster_stream", args=[platform.programme_id])

    async def scenario():
        async with Stream(path, cookies) as stream:
            assert stream.status == 404

    run_async(scenario)
