"""Celery tasks of the platform: thin wrappers that pass ids to platforms.poster."""

from __future__ import annotations

from celery import shared_task

from platforms import poster

MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=90,
    time_limit=120,
)
def render_poster_task(self, render_id: int) -> str:
    # A redelivered message (the worker died mid-render) finds the row ready and does nothing.
    job = poster.render(render_id, final=self.request.retries >= MAX_RETRIES)
    return job.status
