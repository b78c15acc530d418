"""Poster benchmark: how long the demo lederplakat takes to render, and whether a worker grows.

Loads the demo data into a fresh PostgreSQL database, starts a real Celery worker (prefork, one
child, on Redis, DEBUG off as in production) and has it render the demo poster RENDERS times,
one after the other, through the task and service the page uses. Measured: the median and p95
time of a render in the worker (the PosterRender row's started_at to finished_at: lock, layout,
PDF, atomic write), the median of the bare layout-to-PDF step in this process, and the worker
child's resident memory after the first render and after the last. Targets: median ≤ 1.5 s,
memory after RENDERS ≤ 1.5 × after one. Figures go to stdout and tests/bench/out/poster.json.

    make bench            # or: python tests/bench/poster.py [--renders 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "bench" / "out"
# A database of its own next to fanout.py's, so neither benchmark drops the other's data.
_base = urlsplit(
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samling_bench")
)
DATABASE_URL = urlunsplit(_base._replace(path=_base.path + "_poster"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
RENDERS = 200
IN_PROCESS_RENDERS = 30
TARGET_MEDIAN_S = 1.5
TARGET_MEMORY_RATIO = 1.5
WAIT_PER_RENDER = 60.0  # seconds before a render counts as stuck and the run stops
DEADLINE = 15 * 60.0  # the whole run, worker start to last render

MEDIA_ROOT = tempfile.mkdtemp(prefix="samling-bench-poster-")
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "MEDIA_ROOT": MEDIA_ROOT,
    # DEBUG on would keep every SQL query in memory, which is not what production leaks.
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "k" * 60,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces; the parent pid follows it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def fresh_database() -> None:
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    admin = urlunsplit(urlsplit(DATABASE_URL)._replace(path="/postgres"))
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    env = {**os.environ, **SERVER_ENV}
    for command in (["migrate", "-v0"], ["load_demo", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def django_setup() -> None:
    os.environ.update(SERVER_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def start_worker(queue: str, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker"),
                *("--pool", "prefork", "--concurrency", "1", "--loglevel", "info"),
                *("--queues", queue, "--hostname", f"{queue}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env={**os.environ, **SERVER_ENV, "LOG_LEVEL": "INFO"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def in_process_medians(platform) -> dict:
    """The layout-to-PDF step alone, after one warm-up render (fonts, templates, imports)."""
    from platforms import poster

    organisation = platform.programme.organisation
    data = platform.latest_version().snapshot
    poster.render_pdf(organisation, data)
    times = []
    for _ in range(IN_PROCESS_RENDERS):
        started = time.perf_counter()
        pdf, _fetcher = poster.render_pdf(organisation, data)
        times.append(time.perf_counter() - started)
    return {
        "in_process_renders": IN_PROCESS_RENDERS,
        "in_process_median_s": round(statistics.median(times), 3),
        "pdf_bytes": len(pdf),
    }


def wait_ready(job, deadline: float, log: Path) -> None:
    from platforms.models import PosterRender

    limit = min(deadline, time.monotonic() + WAIT_PER_RENDER)
    while True:
        job.refresh_from_db(fields=["status", "error", "started_at", "finished_at", "attempts"])
        if job.status == PosterRender.Status.READY:
            return
        if job.status == PosterRender.Status.FAILED:
            raise RuntimeError(f"render failed: {job.error}")
        if time.monotonic() > limit:
            raise RuntimeError(f"render {job.pk} not ready in time:\n{log.read_text()[-3000:]}")
        time.sleep(0.01)


def worker_renders(platform, renders: int, log: Path) -> dict:
    from config.celery import app
    from platforms import poster
    from platforms.models import PosterRender
    from platforms.tasks import render_poster_task

    queue = f"bench-poster-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    process = start_worker(queue, log)
    deadline = time.monotonic() + DEADLINE
    try:
        [child] = children(process.pid)
        job, _created = poster.request_render(platform, size="a3", language="nb", by=None)
        durations, rss = [], {}
        for number in range(1, renders + 1):
            if number > 1:
                # The same poster again: a ready row is skipped (the task is idempotent), so
                # put it back in the queue as asking for it again would (attempts from nought).
                PosterRender.objects.filter(pk=job.pk).update(
                    status=PosterRender.Status.QUEUED, attempts=0
                )
                render_poster_task.delay(job.pk)
            wait_ready(job, deadline, log)
            durations.append((job.finished_at - job.started_at).total_seconds())
            if number in (1, renders):
                rss[number] = rss_kib(child)
        same_child = children(process.pid) == [child]
    finally:
        stop_worker(process)
    return {
        "renders": renders,
        "attempts": job.attempts,
        "median_s": round(statistics.median(durations), 3),
        "p95_s": round(percentile(durations, 95), 3),
        "max_s": round(max(durations), 3),
        "rss_after_1_mib": round(rss[1] / 1024, 1),
        f"rss_after_{renders}_mib": round(rss[renders] / 1024, 1),
        "rss_ratio": round(rss[renders] / rss[1], 2),
        "same_child_throughout": same_child,
    }


def main(renders: int) -> dict:
    fresh_database()
    django_setup()
    from workshops.models import Programme

    platform = Programme.objects.get().platform
    log = Path(MEDIA_ROOT) / "worker.log"
    worker = worker_renders(platform, renders, log)
    local = in_process_medians(platform)
    result = {
        # Other work on the machine slows the renders down; the load says how busy it was.
        "load_average_1m": round(os.getloadavg()[0], 2),
        **worker,
        **local,
        "target_median_s": TARGET_MEDIAN_S,
        "target_rss_ratio": TARGET_MEMORY_RATIO,
        "median_met": worker["median_s"] <= TARGET_MEDIAN_S,
        # A recycled child would start small again and hide a leak, so that fails the target.
        "memory_met": worker["rss_ratio"] <= TARGET_MEMORY_RATIO
        and worker["same_child_throughout"],
    }
    yes = {True: "met", False: "NOT met"}
    print(
        f"demo poster, {renders} renders by one worker child: median {result['median_s']} s, "
        f"p95 {result['p95_s']} s, max {result['max_s']} s (target ≤ {TARGET_MEDIAN_S} s: "
        f"{yes[result['median_met']]}); layout to PDF alone, in process: median "
        f"{result['in_process_median_s']} s over {IN_PROCESS_RENDERS}",
        flush=True,
    )
    print(
        f"worker child memory: {result['rss_after_1_mib']} MiB after 1 render, "
        f"{result[f'rss_after_{renders}_mib']} MiB after {renders}, ratio {result['rss_ratio']} "
        f"(target ≤ {TARGET_MEMORY_RATIO}: {yes[result['memory_met']]}; "
        f"same child throughout: {result['same_child_throughout']})",
        flush=True,
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--renders", type=int, default=int(os.environ.get("BENCH_RENDERS", RENDERS))
    )
    args = parser.parse_args()
    if not 1 <= args.renders <= 1000:
        parser.error("--renders must be between 1 and 1000")
    try:
        result = main(args.renders)
    finally:
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "poster.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {OUT / 'poster.json'}")
