"""A real Celery worker loses its child mid-render: the poster still ends ready, exactly once.

This is what acks_late + reject_on_worker_lost are for. The test starts `celery -A config
worker` (prefork, one child) against the test's own PostgreSQL database and Redis, queues a
poster the way the page does, SIGKILLs the child while WeasyPrint lays the poster out, and
waits for the redelivered message to finish the job. Runs in CI (DATABASE_URL and REDIS_URL
set) and is skipped with a reason elsewhere.
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

from config.celery import app
from platforms import poster
from platforms.models import PosterRender, Practice, Value

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    # The worker is another process: it sees only committed rows.
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 90  # seconds for one round, start of the worker to the ready poster
# A platform far larger than any real one, so the layout takes seconds (about 3 s here) and
# the kill lands inside it; the test checks that it did rather than trusting the timing.
EXTRA_VALUES = 100
PRACTICE_TEXT = "Vi gir hverandre tydelige og ærlige tilbakemeldinger i hverdagen. " * 6


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


@pytest.fixture
def worker(db, media, tmp_path):
    """A real worker on the test's database and broker; always stopped, whatever happens."""
    queue = f"test-worker-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _worker_database_url(),
        # The broker the test process sends to, not whatever else the environment says.
        "CELERY_BROKER_URL": app.conf.broker_url,
        "CELERY_RESULT_BACKEND": app.conf.result_backend or "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "config", "worker"),
        *("--pool", "prefork", "--concurrency", "1", "--loglevel", "info"),
        *("--queues", queue, "--hostname", f"{queue}@%h"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with open(log, "wb") as out:
        # A session of its own, so teardown can stop the worker and every child it forked.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    # This process sends for real now, to the worker's own queue (other tests stay eager).
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        deadline = time.monotonic() + TIME_LIMIT
        _wait_for(
            "the worker to start",
            lambda: process.poll() is not None or b" ready." in log.read_bytes(),
            deadline,
            log,
            interval=0.1,
        )
        assert process.poll() is None, f"the worker exited:\n{log.read_text()[-4000:]}"
        yield process, log, deadline
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
        process.terminate()  # a warm shutdown: the worker stops its own children
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        # A forked child outlives its parent only by moments; never leave one behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def large_platform(platform):
    values = Value.objects.bulk_create(
        Value(platform=platform, name=f"Verdi {i}", meaning=PRACTICE_TEXT[:400], position=9 + i)
        for i in range(EXTRA_VALUES)
    )
    Practice.objects.bulk_create(
        Practice(value=value, side=side, position=n, text=PRACTICE_TEXT[:480])
        for value in values
        for side in Practice.Side.values
        for n in range(3)
    )
    return platform


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
