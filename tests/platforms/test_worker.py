"""A real Celery worker dies mid-render: the poster still ends ready, exactly once.

The tests start `celery -A config worker` (prefork, one child) against the test's own
PostgreSQL database and Redis and queue a poster the way the page does, then, while WeasyPrint
lays the poster out:

- SIGKILL the worker's child: acks_late + reject_on_worker_lost hand the message to a new child
  at once, and it finishes the job;
- SIGKILL the whole worker, main process and child (an OOM kill, a host restart), and start a
  new one: nobody hands the message back (Redis would, after its visibility timeout), so the
  job is found lost when someone looks at the poster list (platforms/jobs.py), queued again and
  made by the new worker; five rounds, killed at different moments of the render.

Run in CI (DATABASE_URL and REDIS_URL set) and skipped with a reason elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from config.celery import app
from platforms import poster
from platforms.models import PosterRender

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    # The worker is another process: it sees only committed rows.
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 90  # seconds for one round, start of the worker to the ready poster
# How long a render may go without a sign of life, for the workers (who say they are alive
# every third of it) and for this process, which looks for lost jobs when the test looks at
# the poster list as the platform page does. Renders may take their time: the large platform
# takes about 3 s on a quiet machine, 20 s on a busy one.
LOST_AFTER = 10


def _worker_database_url() -> str:
    # pytest-django renamed the database to test_<name>; the worker must use that one too.
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name in parentheses may hold spaces; the parent pid follows it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(what: str, check, deadline: float, log: Path, interval: float = 0.02):
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # a warm shutdown: the worker stops its own children
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    # A forked child (or a render's process, platforms/pdf.py) outlives its parent only by
    # moments; never leave one behind.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def start_worker(db, media, tmp_path):
    """Starts a real worker on the test's database and broker, on a queue of the test's own,
    as often as the test asks (a restart is a new one); all are stopped, whatever happens."""
    queue = f"test-worker-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _worker_database_url(),
        # The broker the test process sends to, not whatever else the environment says.
        "CELERY_BROKER_URL": app.conf.broker_url,
        "CELERY_RESULT_BACKEND": app.conf.result_backend or "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media),
        "RENDER_LOST_AFTER": str(LOST_AFTER),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "config", "worker"),
        *("--pool", "prefork", "--concurrency", "1", "--loglevel", "info"),
        *("--queues", queue, "--hostname", f"{queue}@%h"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    started: list[subprocess.Popen] = []

    def start() -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"worker-{len(started) + 1}.log"
        with open(log, "wb") as out:
            # A session of its own, so teardown can stop the worker and every child it forked.
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        _wait_for(
            "the worker to start",
            lambda: process.poll() is not None or b" ready." in log.read_bytes(),
            time.monotonic() + TIME_LIMIT,
            log,
            interval=0.1,
        )
        assert process.poll() is None, f"the worker exited:\n{log.read_text()[-4000:]}"
        return process, log

    # This process sends for real now, to the workers' own queue (other tests stay eager).
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield start
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
        for process in started:
            _stop(process)


@pytest.fixture
def worker(start_worker):
    process, log = start_worker()
    return process, log, time.monotonic() + TIME_LIMIT


@pytest.mark.parametrize("kill_after", [0.0, 0.3, 0.8], ids=["round1", "round2", "round3"])
def test_killing_the_workers_child_mid_render_still_ends_with_one_ready_poster(
    worker, large_platform, alice, media, kill_after
):
    process, log, deadline = worker
    job, created = poster.request_render(large_platform, size="a3", language="nb", by=alice)
    assert created

    def rendering():
        job.refresh_from_db()
        return job.status == PosterRender.Status.RENDERING

    _wait_for("the child to start rendering", rendering, deadline, log)
    time.sleep(kill_after)
    [child] = _children(process.pid)
    os.kill(child, signal.SIGKILL)
    _wait_for("the killed child to be gone", lambda: not _alive(child), deadline, log)
    assert not list(media.glob("posters/**/*.pdf")), "the render finished before the kill"

    def ready():
        job.refresh_from_db()
        assert job.status != PosterRender.Status.FAILED, job.error
        return job.status == PosterRender.Status.READY

    _wait_for("the redelivered render", ready, deadline, log, interval=0.1)
    # The parent saw its child die, and a new child rendered the redelivered message once.
    assert "SIGKILL" in log.read_text()
    assert job.attempts == 2, "the first attempt was not the one killed, or a third ran"
    assert PosterRender.objects.filter(platform=large_platform).count() == 1
    # The PDF and the picture of its first page, no half-written file beside them.
    files = sorted(path for path in media.rglob("*") if path.is_file())
    pdf_path = Path(settings.MEDIA_ROOT) / job.file.name
    assert files == [pdf_path, pdf_path.with_suffix(".png")]
    assert files[1].read_bytes().startswith(b"\x89PNG")
    pdf = files[0].read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]
    assert process.poll() is None, "the worker itself must survive losing a child"


# The whole worker killed (its main process and its child, as an OOM kill or a host restart
# leaves it): nobody is left to hand the message back, and Redis would only after its
# visibility timeout. The poster is found lost when someone looks at it, LOST_AFTER after the
# last sign of life of the killed render, and is made by the restarted worker.
ROUNDS = [0.0, 0.3, 0.8, 1.5, 2.2]


@pytest.mark.parametrize("kill_after", ROUNDS, ids=[f"round{n}" for n in range(1, 6)])
def test_killing_the_whole_worker_mid_render_the_poster_is_ready_after_a_restart(
    start_worker, large_platform, alice_client, alice, media, settings, kill_after
):
    settings.RENDER_LOST_AFTER = LOST_AFTER
    process, log = start_worker()
    job, created = poster.request_render(large_platform, size="a3", language="nb", by=alice)
    assert created
    deadline = time.monotonic() + TIME_LIMIT

    def rendering():
        job.refresh_from_db()
        return job.status == PosterRender.Status.RENDERING

    _wait_for("the child to start rendering", rendering, deadline, log)
    time.sleep(kill_after)
    [child] = _children(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    os.kill(child, signal.SIGKILL)
    killed = time.monotonic()
    process.wait(5)
    _wait_for("the killed child to be gone", lambda: not _alive(child), deadline, log)
    assert not list(media.glob("posters/**/*.pdf")), "the render finished before the kill"
    job.refresh_from_db()
    assert job.status == PosterRender.Status.RENDERING and job.attempts == 1

    _restarted, log = start_worker()
    status_url = reverse("platforms:poster_status", args=[large_platform.programme_id])

    def ready_when_looked_at():
        # As the platform page does, now and then: a look finds the job lost.
        assert alice_client.get(status_url).status_code == 200
        job.refresh_from_db()
        assert job.status != PosterRender.Status.FAILED, job.error
        return job.status == PosterRender.Status.READY

    waited = LOST_AFTER + TIME_LIMIT  # lost, then the restart and the render
    _wait_for("the poster after the restart", ready_when_looked_at, killed + waited, log, 1.0)
    took = time.monotonic() - killed
    assert took < waited
    print(f"ready {took:.1f} s after the kill (lost after {LOST_AFTER} s of silence)")
    # The attempt the kill lost counts; the restarted worker made it once.
    assert job.attempts == 2
    assert PosterRender.objects.filter(platform=large_platform).count() == 1
    files = sorted(path for path in media.rglob("*") if path.is_file())
    pdf_path = Path(settings.MEDIA_ROOT) / job.file.name
    assert files == [pdf_path, pdf_path.with_suffix(".png")]
    pdf = files[0].read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
