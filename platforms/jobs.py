"""The life of a PDF job (a poster, a programme report, a day report): queued → rendering →
ready | failed.

The row is the truth; the message in Celery's queue only asks for it to be made. A message can
be lost (the broker was down when it was sent) or come twice (a worker died holding it, and
Redis hands it out again after the visibility timeout), so every step below is safe to repeat,
and a job no worker is making any more is found and queued again:

- The process making a job says so every RENDER_LOST_AFTER / 3 seconds (beat()). A job
  "rendering" with no sign of life for RENDER_LOST_AFTER (30 s) lost its worker (killed, its
  host restarted): it is queued again, and the attempt it lost counts. Renders may take as long
  as their time limit allows; only silence counts.
- A job still "queued" after the broker's visibility timeout (10 min), by when Redis would have
  handed a dead worker's message out again, lost its message (the broker was down when it was
  sent): it is sent again (a second copy finds the job done and does nothing).
- After MAX_ATTEMPTS renders that died or failed, the job fails, with advice for the person
  who asked (RenderJob.advice); asking again starts afresh.

Lost jobs are looked for when someone looks at them (the platform page, its poster and report
lists) and every minute by Celery beat (platforms.tasks.recover_lost_renders).

Each step locks the row, checks it still applies, changes it, announces the new status on the
platform's live channel, and sends the task only after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from platforms import live, pdf
from platforms.models import DayReportRender, PosterRender, RenderJob, ReportRender

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
Status, Failure = RenderJob.Status, RenderJob.Failure


class TryAgain(Exception):
    """The render failed in a way that may pass (a full disk, a database restart): the task
    retries it later; the job is queued meanwhile."""


def _task(job: RenderJob):
    from platforms import tasks  # the tasks import the modules that import this one

    if isinstance(job, DayReportRender):
        return tasks.render_day_report_task
    return tasks.render_report_task if isinstance(job, ReportRender) else tasks.render_poster_task


def _send_after_commit(job: RenderJob) -> None:
    task = _task(job)
    # robust: a broker that is down must not fail the request (the job stays queued and is
    # sent again when found lost), and an eager render that fails is recorded on its row.
    transaction.on_commit(lambda: task.delay(job.pk), robust=True)


def _silent_since() -> dt.datetime:
    """A render with no sign of life since this has lost its worker."""
    return timezone.now() - dt.timedelta(seconds=settings.RENDER_LOST_AFTER)


def _queued_since() -> dt.datetime:
    """A job queued since this has lost its message."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    return timezone.now() - dt.timedelta(seconds=visibility)


def beat_every() -> float:
    return settings.RENDER_LOST_AFTER / 3


def is_lost(job: RenderJob) -> bool:
    """Pending, and nobody is making it."""
    if job.status == Status.RENDERING:
        alive = job.alive_at or job.started_at
        return alive is None or alive < _silent_since()
    return job.status == Status.QUEUED and job.queued_at < _queued_since()


def beat(job: RenderJob) -> None:
    """The render of `job` is alive (called while waiting for it, see platforms/pdf.py)."""
    try:
        type(job).objects.filter(pk=job.pk, status=Status.RENDERING).update(alive_at=timezone.now())
    except DatabaseError:
        # A missed beat costs at most a second render of the same job, if silence lasts.
        logger.warning("%s %d: could not record that it is alive", type(job).__name__, job.pk)


def queue(job: RenderJob, *, by=None) -> None:
    """Queue the job afresh, as a person asked for it: attempts start again from nought.
    Call inside a transaction that holds the job's row (or created it)."""
    job.status, job.failure, job.error = Status.QUEUED, "", ""
    job.attempts = 0
    job.requested_at = job.queued_at = timezone.now()
    job.started_at = job.alive_at = job.finished_at = None
    if by is not None:
        job.requested_by = by
    job.save()
    live.announce(job.platform_id, job.pk, job.status)
    _send_after_commit(job)


def needs_queueing(job: RenderJob) -> bool:
    """Whether asking for this job again should queue it: failed, lost, or ready with its
    file gone. A job being made, or ready, is returned as it is."""
    if job.status == Status.FAILED or is_lost(job):
        return True
    return job.status == Status.READY and not (job.file and job.file.storage.exists(job.file.name))


def start(model: type[RenderJob], job_id: int, *related: str) -> RenderJob | None:
    """Mark the job rendering and count the attempt; None when there is nothing to make (it is
    gone, ready, or failed for good: a message that came twice, or late)."""
    with transaction.atomic():
        job = model.objects.select_for_update().select_related(*related).filter(pk=job_id).first()
        if job is None or job.status == Status.FAILED:
            return None
        if job.status == Status.READY and job.file and job.file.storage.exists(job.file.name):
            return None
        if job.attempts >= MAX_ATTEMPTS:
            # Every attempt died with its worker (the message came back each time): stop.
            _fail(job, Failure.LOST, f"{job.attempts} attempts did not finish")
            return None
        job.status, job.failure, job.error = Status.RENDERING, "", ""
        job.attempts += 1
        job.started_at = job.alive_at = timezone.now()
        job.finished_at = None
        job.save(
            update_fields=[
                *("status", "failure", "error", "attempts"),
                *("started_at", "alive_at", "finished_at"),
            ]
        )
        live.announce(job.platform_id, job.pk, job.status)
    return job


def run(
    model: type[RenderJob], job_id: int, related: tuple[str, ...], make: Callable[[RenderJob], str]
) -> RenderJob | None:
    """Make one job of `model`; safe to run twice (a message that comes again finds it made
    and does nothing). `make(job)` is the slow part, run without the row lock: it writes the
    file and returns its name. A failure is recorded on the row; one that may pass raises
    TryAgain as well, for the task to retry it."""
    job = start(model, job_id, *related)
    if job is None:
        return model.objects.filter(pk=job_id).first()
    try:
        name = make(job)
    except pdf.RenderFailed as exc:
        # Too slow or too big stays so on a second try; an error in the renderer may not.
        fail(job, exc.reason, exc.detail, for_good=exc.reason != pdf.ERROR)
        return _retry_unless_failed(job, exc)
    except Exception as exc:
        fail(job, model.Failure.ERROR, f"{type(exc).__name__}: {exc}", for_good=False)
        return _retry_unless_failed(job, exc)
    finish(job, name)
    return job


def _retry_unless_failed(job: RenderJob, exc: Exception) -> RenderJob:
    if job.status != job.Status.FAILED:
        raise TryAgain(str(exc)) from exc
    return job


def finish(job: RenderJob, name: str) -> None:
    with transaction.atomic():
        type(job).objects.filter(pk=job.pk).update(
            status=Status.READY, file=name, failure="", error="", finished_at=timezone.now()
        )
        live.announce(job.platform_id, job.pk, Status.READY)
    job.refresh_from_db()


def fail(job: RenderJob, failure: str, detail: str, *, for_good: bool) -> None:
    """Record a failed render: for good (the person is told), or queued for the retry."""
    with transaction.atomic():
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if for_good or locked.attempts >= MAX_ATTEMPTS:
            _fail(locked, failure, detail)
        else:
            locked.status, locked.failure, locked.error = Status.QUEUED, failure, detail[:2000]
            locked.queued_at = timezone.now()
            locked.save(update_fields=["status", "failure", "error", "queued_at"])
            live.announce(locked.platform_id, locked.pk, locked.status)
    job.refresh_from_db()


def _fail(job: RenderJob, failure: str, detail: str) -> None:
    job.status, job.failure, job.error = Status.FAILED, failure, detail[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "error", "finished_at"])
    logger.warning("%s %d failed (%s): %s", type(job).__name__, job.pk, failure, detail)
    live.announce(job.platform_id, job.pk, job.status)


def recover_lost(jobs: QuerySet) -> int:
    """Queue again (or fail, after MAX_ATTEMPTS) each job of `jobs` that nobody is making;
    returns how many there were. When there are none, that is one query of a small table."""
    silent, queued = _silent_since(), _queued_since()
    lost = jobs.filter(
        Q(status=Status.RENDERING, alive_at__lt=silent)
        | Q(status=Status.RENDERING, alive_at__isnull=True, started_at__lt=silent)
        | Q(status=Status.QUEUED, queued_at__lt=queued)
    )
    found = 0
    for job_id in lost.values_list("pk", flat=True):
        with transaction.atomic():
            job = jobs.model.objects.select_for_update().get(pk=job_id)
            if not is_lost(job):
                continue  # a worker got to it meanwhile
            found += 1
            if job.status == Status.RENDERING and job.attempts >= MAX_ATTEMPTS:
                _fail(job, Failure.LOST, f"{job.attempts} attempts did not finish")
                continue
            logger.warning(
                "%s %d was %s with no worker on it (last sign %s): queued again",
                jobs.model.__name__,
                job.pk,
                job.status,
                job.alive_at if job.status == Status.RENDERING else job.queued_at,
            )
            if job.status == Status.RENDERING:
                job.failure, job.error = Failure.LOST, "the worker stopped during the render"
            job.status, job.queued_at = Status.QUEUED, timezone.now()
            job.save(update_fields=["status", "failure", "error", "queued_at"])
            live.announce(job.platform_id, job.pk, job.status)
            _send_after_commit(job)
    return found


def recover_all_lost() -> int:
    return sum(
        recover_lost(model.objects.all()) for model in (PosterRender, ReportRender, DayReportRender)
    )


def write_file(name: str, content: bytes) -> str:
    """Store `content` under MEDIA_ROOT as `name`, whole: os.replace swaps the complete file
    in at once, so a reader never sees half a PDF, and a render made twice replaces it."""
    final = Path(settings.MEDIA_ROOT) / name
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return name
