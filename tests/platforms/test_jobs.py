"""Posters and programme reports always finish (platforms/jobs.py): a job nobody is making any
more is queued again when someone looks at it or when beat runs, asking again re-queues a
stale one, and a job whose renders keep dying ends as failed with advice, never pending."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from platforms import jobs, poster, report
from platforms.models import PosterRender, ReportRender
from platforms.tasks import recover_lost_renders, render_poster_task, render_report_task

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"platforms:{name}", args=args)


def silent() -> dt.datetime:
    """Longer ago than a render under way may go without a sign of life."""
    return timezone.now() - dt.timedelta(seconds=settings.RENDER_LOST_AFTER + 1)


def long_queued() -> dt.datetime:
    """Longer ago than Redis takes to hand out a dead worker's message again."""
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    return timezone.now() - dt.timedelta(seconds=visibility + 1)


def stuck(job, *, attempts: int = 1, status: str = "rendering"):
    """As a worker killed mid-render leaves its job: rendering, silent since long ago (or
    queued, when the message never came)."""
    type(job).objects.filter(pk=job.pk).update(
        status=status,
        attempts=attempts,
        started_at=silent() - dt.timedelta(minutes=1),
        alive_at=silent(),
        queued_at=long_queued(),
    )
    job.refresh_from_db()
    return job


@pytest.fixture
def queued_poster(platform, alice):
    # The message is never delivered: as if the worker took it and died.
    job, created = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert created and job.status == "queued"
    return job


def test_a_stuck_poster_is_queued_again_when_someone_looks_and_the_attempt_counts(
    bob_client, queued_poster, platform, django_capture_on_commit_callbacks
):
    job = stuck(queued_poster)
    with django_capture_on_commit_callbacks(execute=True):
        status = bob_client.get(url("poster_status", platform.programme_id), **HTMX)
    # The page shows it queued again; the worker (here: after the commit) makes it.
    assert "status--queued" in status.text and "data-pending" in status.text
    job.refresh_from_db()
    assert job.status == "ready" and job.attempts == 2
    assert job.failure == "" and job.error == ""


def test_a_long_render_that_says_it_is_alive_is_left_to_its_worker(
    bob_client, queued_poster, platform
):
    PosterRender.objects.filter(pk=queued_poster.pk).update(
        status="rendering",
        attempts=1,
        started_at=silent() - dt.timedelta(minutes=5),
        alive_at=timezone.now(),
    )
    bob_client.get(url("platform_detail", platform.programme_id))
    queued_poster.refresh_from_db()
    assert queued_poster.status == "rendering" and queued_poster.attempts == 1


def test_the_process_waiting_for_a_render_says_it_is_alive(queued_poster, monkeypatch):
    """While WeasyPrint works in its child, the asker beats (every RENDER_LOST_AFTER / 3;
    here every 0.1 s, so that a render of a second beats several times)."""
    beats = []
    real_beat = jobs.beat

    def beat(job):
        job.refresh_from_db()
        beats.append((job.status, timezone.now()))
        real_beat(job)

    monkeypatch.setattr(jobs, "beat", beat)
    monkeypatch.setattr(jobs, "beat_every", lambda: 0.1)
    assert render_poster_task.apply(args=[queued_poster.pk]).get() == "ready"
    assert len(beats) >= 2 and {status for status, _at in beats} == {"rendering"}
    queued_poster.refresh_from_db()
    assert queued_poster.alive_at >= beats[-1][1] - dt.timedelta(seconds=1)


def test_a_poster_whose_renders_keep_dying_ends_failed_with_advice(
    alice_client, queued_poster, platform, django_capture_on_commit_callbacks
):
    job = stuck(queued_poster, attempts=jobs.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        page = alice_client.get(url("platform_detail", platform.programme_id))
    job.refresh_from_db()
    assert job.status == "failed" and job.failure == "lost"
    assert job.finished_at is not None
    advice = job.advice()
    assert f"stopped {jobs.MAX_ATTEMPTS} times" in advice and "administrator" in advice
    assert advice in page.text.replace("&#x27;", "'")


def test_a_message_that_comes_back_after_every_attempt_died_fails_the_job(queued_poster):
    """reject_on_worker_lost hands the message out again each time the child dies; after
    MAX_ATTEMPTS the next delivery ends it instead of rendering a fourth time."""
    stuck(queued_poster, attempts=jobs.MAX_ATTEMPTS)
    PosterRender.objects.filter(pk=queued_poster.pk).update(started_at=timezone.now())
    assert render_poster_task.apply(args=[queued_poster.pk]).get() == "failed"
    queued_poster.refresh_from_db()
    assert queued_poster.failure == "lost" and queued_poster.attempts == jobs.MAX_ATTEMPTS


def test_asking_again_queues_a_stale_poster_afresh(
    queued_poster, platform, alice, django_capture_on_commit_callbacks
):
    stuck(queued_poster, attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        again, queued = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert again == queued_poster and queued
    again.refresh_from_db()
    # A person's new request starts the count again.
    assert again.status == "ready" and again.attempts == 1


def test_asking_again_while_it_is_being_made_changes_nothing(
    queued_poster, platform, alice, django_capture_on_commit_callbacks
):
    PosterRender.objects.filter(pk=queued_poster.pk).update(
        status="rendering", attempts=1, started_at=timezone.now(), alive_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, queued = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert again == queued_poster and not queued and callbacks == []


def test_asking_again_for_a_ready_poster_whose_file_is_gone_makes_it_again(
    queued_poster, platform, alice, django_capture_on_commit_callbacks
):
    assert render_poster_task.apply(args=[queued_poster.pk]).get() == "ready"
    queued_poster.refresh_from_db()
    Path(queued_poster.file.path).unlink()
    with django_capture_on_commit_callbacks(execute=True):
        _job, queued = poster.request_render(platform, size="a3", language="nb", by=alice)
    assert queued
    queued_poster.refresh_from_db()
    assert queued_poster.status == "ready" and Path(queued_poster.file.path).is_file()


def test_a_message_for_a_failed_or_ready_job_does_nothing(queued_poster):
    assert render_poster_task.apply(args=[queued_poster.pk]).get() == "ready"
    queued_poster.refresh_from_db()
    made = (queued_poster.attempts, queued_poster.finished_at)
    assert render_poster_task.apply(args=[queued_poster.pk]).get() == "ready"
    queued_poster.refresh_from_db()
    assert (queued_poster.attempts, queued_poster.finished_at) == made
    PosterRender.objects.filter(pk=queued_poster.pk).update(status="failed", failure="too_slow")
    assert render_poster_task.apply(args=[queued_poster.pk]).get() == "failed"
    queued_poster.refresh_from_db()
    assert queued_poster.attempts == made[0]


def test_beat_sends_again_a_job_whose_message_was_lost(
    queued_poster, platform, alice, django_capture_on_commit_callbacks
):
    """A broker that was down when the job was queued: the row says queued, no message."""
    report_job = ReportRender.objects.create(platform=platform, language="nn", requested_by=alice)
    stuck(queued_poster, attempts=0, status="queued")
    stuck(report_job, attempts=0, status="queued")
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_lost_renders.apply().get() == 2
    queued_poster.refresh_from_db()
    report_job.refresh_from_db()
    assert queued_poster.status == "ready" and queued_poster.attempts == 1
    assert report_job.status == "ready" and report_job.file.name.endswith("-nn.pdf")
    # Nothing is lost any more.
    assert recover_lost_renders.apply().get() == 0


def test_beat_checks_every_minute_and_redis_hands_out_a_lost_message_within_minutes():
    schedule = settings.CELERY_BEAT_SCHEDULE["recover-lost-renders"]
    assert schedule["task"] == "platforms.tasks.recover_lost_renders"
    assert schedule["schedule"] == 60.0
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    hard_limit = settings.RENDER_TIME_LIMIT + 60
    assert 3 * hard_limit <= visibility <= 3600 / 4
    # A render says it is alive three times in the time it may be silent.
    assert jobs.beat_every() * 3 == settings.RENDER_LOST_AFTER
    task = app.tasks["platforms.tasks.render_poster_task"]
    assert task.acks_late and task.reject_on_worker_lost
    assert task.time_limit == hard_limit


# The programme report, made by the worker like the poster


def test_hr_asks_for_the_report_and_downloads_it_when_ready(
    bob_client, bob, platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = bob_client.post(
            url("report_request", platform.programme_id), {"report-language": "nb"}
        )
    assert response.status_code == 302 and response["Location"].endswith("#reports")
    job = ReportRender.objects.get()
    assert job.status == "queued" and job.requested_by == bob
    pending = bob_client.get(url("report_status", platform.programme_id), **HTMX)
    assert 'id="report-rows" data-pending' in pending.text and "Queued" in pending.text
    # The queued task runs after the commit (here: by hand).
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == "ready"
    ready = bob_client.get(url("report_status", platform.programme_id), **HTMX)
    assert "data-pending" not in ready.text
    assert url("report_download", job.pk) in ready.text
    download = bob_client.get(url("report_download", job.pk))
    assert download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == (
        'attachment; filename="programmerapport-lederutviklingsprogram-2026-nb.pdf"'
    )


def test_a_double_click_makes_one_report_and_asking_later_makes_it_again(
    bob_client, platform, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(render_report_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        for _click in range(2):
            bob_client.post(url("report_request", platform.programme_id), {"report-language": "en"})
    job = ReportRender.objects.get()
    assert sent == [job.pk]
    monkeypatch.undo()
    render_report_task.apply(args=[job.pk]).get()
    job.refresh_from_db()
    first = job.finished_at
    assert job.status == "ready"
    with django_capture_on_commit_callbacks(execute=True):
        page = bob_client.post(
            url("report_request", platform.programme_id), {"report-language": "en"}, **HTMX
        )
    assert "The programme report is being made." in page.text
    job.refresh_from_db()
    assert job.status == "ready" and job.finished_at > first
    assert ReportRender.objects.count() == 1


def test_no_report_for_a_language_that_is_not_offered(bob_client, platform):
    page = bob_client.post(
        url("report_request", platform.programme_id), {"report-language": "sv"}, **HTMX
    )
    assert "Choose a language." in page.text
    assert not ReportRender.objects.exists()


def test_the_report_is_not_made_in_the_web_request(bob_client, platform, monkeypatch):
    """The request only queues it: a render in the request would fail this test."""

    def no_render(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr(report, "render_report_pdf", no_render)
    response = bob_client.post(
        url("report_request", platform.programme_id), {"report-language": "nb"}
    )
    assert response.status_code == 302
    assert ReportRender.objects.get().status == "queued"


def test_a_report_download_of_another_organisation_is_404(charlie_client, platform, alice):
    job = ReportRender.objects.create(platform=platform, requested_by=alice)
    report.render(job.pk)
    assert charlie_client.get(url("report_download", job.pk)).status_code == 404
