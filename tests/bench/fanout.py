"""Fan-out benchmark: how long from the facilitator's click until the LAST phone has the new item.

Runs the real app (uvicorn + PostgreSQL + Redis, as in CI) and, in the same run, a minimal raw
ASGI SSE relay (baseline_sse.py) fed by Redis. For each N it opens N phone streams, presses
"next"/"previous" BROADCASTS times and measures, per broadcast, the time until every phone has
received the event. Then 5 % of the phones are cut and reconnected while more broadcasts go out,
and every (phone, broadcast) pair must still be covered (by the event or by the fresh snapshot a
reconnecting phone gets). Figures go to stdout and to tests/bench/out/fanout.json.

    make bench            # or: python tests/bench/fanout.py [--sizes 100,1000,3000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import json
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import uvloop

from live import day as live_day

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "bench" / "out"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samling_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
BROADCASTS = 40
CHURN_BROADCASTS = 10
RECONNECT_SHARE = 0.05
WAIT_PER_BROADCAST = 10.0  # seconds before a broadcast counts phones as missed
ID_RE = re.compile(rb"\nid: (\d+)\n|^id: (\d+)\n")

SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "k" * 60,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
}


def raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


# Set-up through Django in this process (the server runs in another).


def django_setup() -> None:
    os.environ.update(SERVER_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )


def create_day(phones: int) -> dict:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from workshops.models import Attendee, Membership, Organisation, Programme, Workshop

    org = Organisation.objects.create(
        name="Benchmark kommune", slug=f"bench-{secrets.token_hex(4)}"
    )
    user = User.objects.create_user(f"bench-{secrets.token_hex(4)}", password=secrets.token_hex())
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.FACILITATOR)
    programme = Programme.objects.create(organisation=org, title="Benchmark")
    day = Workshop.objects.create(programme=programme, number=1, date=dt.date.today())
    # A realistic fragment: a title and a description of a few sentences.
    text = "Refleksjon i nettverksgruppene: del erfaringer og finn fellestrekk. " * 4
    day.add_item(
        kind="exercise",
        title="Hva kjennetegner en god leder?",
        description=text,
        duration_minutes=20,
    )
    day.add_item(
        kind="talk", title="Tillitsbasert ledelse i praksis", description=text, duration_minutes=30
    )
    live_day.start(day, by=user)
    tokens = [secrets.token_urlsafe(24) for _ in range(phones)]
    Attendee.objects.bulk_create(
        Attendee(
            workshop=day,
            display_name=f"Telefon {i}",
            device_hash=hashlib.sha256(t.encode()).hexdigest(),
        )
        for i, t in enumerate(tokens)
    )
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    day.refresh_from_db()
    return {"day": day, "tokens": tokens, "session": session.session_key}


def pg_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


# Servers


@contextlib.contextmanager
def server(app: str, port: int, workers: int = 1):
    # More than one worker is how the app is deployed on a machine with more cores (the live
    # bus is Redis then, so every worker's streams hear every redraw).
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--backlog",
            "4096",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        preexec_fn=raise_open_files_limit,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not start")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


# Phones


class Phone:
    def __init__(self, index: int, port: int, path: str, cookie: str, run: Run) -> None:
        self.index, self.port, self.path, self.cookie, self.run = index, port, path, cookie, run
        self.last_id = 0
        self.task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        self.connected.clear()
        self.task = asyncio.create_task(self.listen())

    async def listen(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            last = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id else ""
            writer.write(
                f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                f"Cookie: {self.cookie}\r\n{last}\r\n".encode()
            )
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise RuntimeError(head.decode(errors="replace")[:200])
            self.connected.set()
            tail = b""
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                now = time.perf_counter()
                chunk = tail + data
                for match in ID_RE.finditer(chunk):
                    event_id = int(match.group(1) or match.group(2))
                    if event_id > self.last_id:
                        self.run.arrived(self.index, self.last_id, event_id, now)
                        self.last_id = event_id
                tail = chunk[-32:]
        finally:
            writer.close()

    async def cut_and_reconnect(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        self.start()


class Run:
    def __init__(self) -> None:
        self.arrivals: dict[int, dict[int, float]] = {}  # event id -> phone -> time
        self.waiters: dict[int, asyncio.Event] = {}
        self.expected = 0

    def arrived(self, phone: int, after: int, event_id: int, at: float) -> None:
        # A snapshot after a reconnect covers every event the phone missed while away.
        for v in range(after + 1, event_id + 1):
            seen = self.arrivals.setdefault(v, {})
            seen.setdefault(phone, at)
            if len(seen) >= self.expected and v in self.waiters:
                self.waiters[v].set()

    async def wait_for(self, event_id: int, timeout: float) -> None:
        event = self.waiters.setdefault(event_id, asyncio.Event())
        if len(self.arrivals.get(event_id, {})) >= self.expected:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


async def open_phones(phones: list[Phone]) -> None:
    # Connect in waves: a whole room does not press "join" in the same millisecond either.
    for start in range(0, len(phones), 200):
        wave = phones[start : start + 200]
        for phone in wave:
            phone.start()
        await asyncio.wait_for(asyncio.gather(*(p.connected.wait() for p in wave)), 60)


async def measure(
    n: int, port: int, path: str, cookies: list[str], trigger, first_id: int, server_pid: int
) -> dict:
    # Warm the server up (imports, compiled templates, pools) before its memory is read, so
    # the per-connection figure is what one more phone costs.
    warm = Run()
    warm.expected = 20
    warmers = [Phone(i, port, path, cookies[i], warm) for i in range(20)]
    await open_phones(warmers)
    await warm.wait_for(first_id, WAIT_PER_BROADCAST)
    for phone in warmers:
        phone.task.cancel()
    await asyncio.gather(*(p.task for p in warmers), return_exceptions=True)
    await asyncio.sleep(0.5)

    run = Run()
    run.expected = n
    rss_before = rss_kib(server_pid)
    phones = [Phone(i, port, path, cookies[i], run) for i in range(n)]
    await open_phones(phones)
    await run.wait_for(first_id, WAIT_PER_BROADCAST)  # every phone has its first snapshot
    await asyncio.sleep(1.0)
    rss_idle = rss_kib(server_pid)
    latencies = []
    event_id = first_id
    for _ in range(BROADCASTS):
        event_id += 1
        started = time.perf_counter()
        await trigger(event_id)
        await run.wait_for(event_id, WAIT_PER_BROADCAST)
        seen = run.arrivals.get(event_id, {})
        if seen:
            latencies.append((max(seen.values()) - started) * 1000)
        await asyncio.sleep(0.05)
    clean_missed = sum(n - len(run.arrivals.get(v, {})) for v in range(first_id + 1, event_id + 1))

    # Churn: cut 5 % of the phones and let them come back while the day moves on.
    churn_from = event_id + 1
    cut = max(1, round(n * RECONNECT_SHARE))
    for round_number in range(CHURN_BROADCASTS):
        if round_number in (2, 6):
            victims = phones[round_number * cut % n :][: cut // 2 or 1]
            await asyncio.gather(*(p.cut_and_reconnect() for p in victims))
        event_id += 1
        await trigger(event_id)
        await asyncio.sleep(0.05)
    for v in range(churn_from, event_id + 1):
        await run.wait_for(v, WAIT_PER_BROADCAST)
    churn_missed = sum(n - len(run.arrivals.get(v, {})) for v in range(churn_from, event_id + 1))

    result = {
        "latencies": latencies,
        "missed": clean_missed + churn_missed,
        "kib_per_conn": round((rss_idle - rss_before) / n, 1),
        "last_id": event_id,
        "reconnected": cut,
    }
    for phone in phones:
        if phone.task:
            phone.task.cancel()
    await asyncio.gather(*(p.task for p in phones if p.task), return_exceptions=True)
    return result


async def bench_app(n: int, setup: dict, port: int, pid: int) -> dict:
    import httpx

    day = setup["day"]
    csrf = secrets.token_hex(16)
    headers = {
        "Cookie": f"sessionid={setup['session']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "Referer": f"http://127.0.0.1:{port}/",
    }
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        version = {"value": day.version}

        async def trigger(expected_id: int) -> None:
            action = "next" if expected_id % 2 == 0 else "previous"
            response = await client.post(
                f"/days/{day.pk}/live/{action}/", data={"version": version["value"]}
            )
            response.raise_for_status()
            version["value"] += 1

        # Settle the first state, so the first broadcast of the run is a "next".
        if day.version % 2 == 0:
            await trigger(day.version + 1)
        path = f"/p/{day.join_code}/stream/"
        cookies = [f"samling_device={t}" for t in setup["tokens"][:n]]
        pg_before = await asyncio.to_thread(pg_connections)
        result = await measure(n, port, path, cookies, trigger, version["value"], pid)
        result["pg_connections_idle_streams"] = pg_before
        return result


async def bench_baseline(n: int, port: int, pid: int, payload: bytes) -> dict:
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL)

    async def trigger(event_id: int) -> None:
        message = f"id: {event_id}\nevent: participants\n".encode() + payload
        await client.publish("bench:baseline", message)

    try:
        return await measure(n, port, "/sse", [""] * n, trigger, 0, pid)
    finally:
        await client.aclose()


def sample_payload(setup: dict) -> bytes:
    from live import broadcast

    html = broadcast.render(setup["day"], "participants", "nb")
    return ("\n".join(f"data: {line}" for line in html.splitlines()) + "\n\n").encode()


def summarise(n: int, app: dict, base: dict, pg_during: int) -> dict:
    p = {q: round(percentile(app["latencies"], q), 1) for q in (50, 95, 99)}
    base_p95 = round(percentile(base["latencies"], 95), 1)
    return {
        "n": n,
        "broadcasts": len(app["latencies"]),
        "p50_ms": p[50],
        "p95_ms": p[95],
        "p99_ms": p[99],
        "max_ms": round(max(app["latencies"]), 1),
        "missed": app["missed"],
        "reconnected": app["reconnected"],
        "baseline_p50_ms": round(percentile(base["latencies"], 50), 1),
        "baseline_p95_ms": base_p95,
        "baseline_missed": base["missed"],
        "ratio_p95": round(p[95] / base_p95, 2) if base_p95 else None,
        "kib_per_conn": app["kib_per_conn"],
        "baseline_kib_per_conn": base["kib_per_conn"],
        "pg_connections": pg_during,
    }


async def bench_size(n: int, setup: dict, payload: bytes) -> dict:
    app_port, base_port = free_port(), free_port()
    with server("config.asgi:application", app_port) as process:
        pg_box = {}

        async def watch_pg():
            await asyncio.sleep(3)
            pg_box["during"] = await asyncio.to_thread(pg_connections)

        watcher = asyncio.create_task(watch_pg())
        app = await bench_app(n, setup, app_port, process.pid)
        await watcher
    with server("tests.bench.baseline_sse:app", base_port) as process:
        base = await bench_baseline(n, base_port, process.pid, payload)
    return summarise(n, app, base, max(pg_box.get("during", 0), app["pg_connections_idle_streams"]))


async def run_sizes(sizes: list[int], setup: dict, payload: bytes) -> list[dict]:
    results = []
    print(
        f"payload per event: {len(payload)} bytes; broadcasts per size: {BROADCASTS} "
        f"(+{CHURN_BROADCASTS} with {RECONNECT_SHARE:.0%} of phones reconnecting)"
    )
    for n in sizes:
        result = await bench_size(n, setup, payload)
        await asyncio.to_thread(setup["day"].refresh_from_db)
        results.append(result)
        print(
            f"N={n:>5}  p50 {result['p50_ms']:>7} ms  p95 {result['p95_ms']:>7} ms  "
            f"p99 {result['p99_ms']:>7} ms  max {result['max_ms']:>7} ms  missed {result['missed']}"
            f"  | baseline p95 {result['baseline_p95_ms']} ms  ratio {result['ratio_p95']}"
            f"  | {result['kib_per_conn']} KiB/conn (baseline {result['baseline_kib_per_conn']})"
            f"  | PostgreSQL connections {result['pg_connections']}",
            flush=True,
        )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "100,1000,3000"))
    args = parser.parse_args()
    raise_open_files_limit()
    sizes = [int(s) for s in args.sizes.split(",")]
    fresh_database()
    django_setup()
    setup = create_day(max(sizes))
    payload = sample_payload(setup)
    # The phones' side must not be what is measured: a fast loop, and no GC pauses mid-run.
    gc.collect()
    gc.freeze()
    gc.disable()
    results = uvloop.run(run_sizes(sizes, setup, payload))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fanout.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {OUT / 'fanout.json'}")
