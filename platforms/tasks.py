"""Celery tasks of the platform: thin wrappers that pass ids to the services.

A render's own child process stops at RENDER_TIME_LIMIT (platforms/pdf.py); Celery's limits
here are the backstop for the rest of the task. A worker that dies mid-task loses nothing:
the message is acknowledged only after the task (acks_late) and handed out again when the
worker's child is lost (reject_on_worker_lost), or after the broker's visibility timeout when
the whole worker is; platforms/jobs.py finds such jobs sooner.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from platforms import day_report, jobs, poster, report

RENDERING = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    # Only failures that may pass are retried; the services record the others as failed.
    "autoretry_for": (jobs.TryAgain,),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    # jobs.MAX_ATTEMPTS decides when to stop: the job fails there and nothing is raised.
    "max_retries": jobs.MAX_ATTEMPTS,
    "soft_time_limit": settings.RENDER_TIME_LIMIT + 30,
    "time_limit": settings.RENDER_TIME_LIMIT + 60,
}


@shared_task(**RENDERING)
def render_poster_task(render_id: int) -> str:
    job = poster.render(render_id)
    return job.status if job else "gone"


@shared_task(**RENDERING)
def render_report_task(report_id: int) -> str:
    job = report.render(report_id)
    return job.status if job else "gone"


@shared_task(**RENDERING)
def render_day_report_task(report_id: int) -> str:
    job = day_report.render(report_id)
    return job.status if job else "gone"


@shared_task(acks_late=True)
def recover_lost_renders() -> int:
    return jobs.recover_all_lost()
