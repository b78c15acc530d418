"""Fan-out benchmark: how long from the facilitator's click until the LAST phone has the new item.

Runs the real app (uvicorn + PostgreSQL + Redis, as in CI) and, in the same run, a minimal raw
ASGI SSE relay (baseline_sse.py) fed by Redis. For each N it opens N phone streams, presses
"next"/"previous" BROADCASTS times and measures, per broadcast, the time until every phone has
received the event. Then 5 % of the phones are cut and reconnected while more broadcasts go out,
and every (phone, broadcast) pair must still be covered (by the event or by the fresh snapshot a
reconnecting phone gets).

Then the same at one N (1,000 by default) with two server processes on two ports, as two hosts
behind a load balancer with one Redis: the phones split between them, the facilitator on the
first. Each figure is checked against its target (issue 21, docs/performance.md); figures and
verdicts go to stdout and to tests/bench/out/fanout.json.

    make bench            # or: python tests/bench/fanout.py [--sizes 100,1000,3000]
                          #     [--two-processes 1000]   (0: no two-process run)
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
# Issue 21's targets: the time until the last phone has a click's result (p95 of BROADCASTS
# clicks), at N phones and against the raw relay at the same N; memory per idle stream; and a
# second process must not slow the room down by more than this factor.
TARGET_P95_MS = {1000: 150, 3000: 500}
TARGET_RELAY_RATIO = {1000: 2.0}
TARGET_KIB_PER_STREAM = 150
TARGET_TWO_PROCESS_RATIO = 1.3
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
    from live import day as live_day  # after django.setup()

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
def server(app: str, port: int, workers: int = 1, env: dict[str, str] | None = None):
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
        env={**os.environ, **SERVER_ENV, **(env or {})},
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
    n: int, ports: list[int], path: str, cookies: list[str], trigger, first_id: int, pids: list[int]
) -> dict:
    """Phone i connects to ports[i % len(ports)] (a load balancer's round robin); the memory
    per connection is that of all the server processes (pids) together."""

    def port_of(i: int) -> int:
        return ports[i % len(ports)]

    def rss() -> int:
        return sum(rss_kib(pid) for pid in pids)

    # Warm the server up (imports, compiled templates, pools) before its memory is read, so
    # the per-connection figure is what one more phone costs.
    warm = Run()
    warm.expected = 20
    warmers = [Phone(i, port_of(i), path, cookies[i], warm) for i in range(20)]
    await open_phones(warmers)
    await warm.wait_for(first_id, WAIT_PER_BROADCAST)
    for phone in warmers:
        phone.task.cancel()
    await asyncio.gather(*(p.task for p in warmers), return_exceptions=True)
    await asyncio.sleep(0.5)

    run = Run()
    run.expected = n
    rss_before = rss()
    phones = [Phone(i, port_of(i), path, cookies[i], run) for i in range(n)]
    await open_phones(phones)
    await run.wait_for(first_id, WAIT_PER_BROADCAST)  # every phone has its first snapshot
    await asyncio.sleep(1.0)
    rss_idle = rss()
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


async def first_event(port: int, path: str, cookie: str) -> bytes:
    """The data lines of the first event a stream sends (a phone's snapshot), as sent."""
    import httpx

    lines: list[str] = []
    async with (
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
        client.stream(
            "GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"}
        ) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                lines.append(line)
            elif not line and lines:
                break
    return ("\n".join(lines) + "\n\n").encode()


async def bench_app(n: int, setup: dict, ports: list[int], pids: list[int]) -> dict:
    """The facilitator clicks on the first port; the phones spread over all of them."""
    import httpx

    day = setup["day"]
    port = ports[0]
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
        # The raw relay sends what the app sends: the bytes of a phone's snapshot, read from
        # the app's own stream.
        if "payload" not in setup:
            setup["payload"] = await first_event(port, path, cookies[0])
        pg_before = await asyncio.to_thread(pg_connections)
        result = await measure(n, ports, path, cookies, trigger, version["value"], pids)
        result["pg_connections_idle_streams"] = pg_before
        return result


async def bench_baseline(n: int, port: int, pid: int, payload: bytes) -> dict:
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL)

    async def trigger(event_id: int) -> None:
        message = f"id: {event_id}\nevent: participants\n".encode() + payload
        await client.publish("bench:baseline", message)

    try:
        return await measure(n, [port], "/sse", [""] * n, trigger, 0, [pid])
    finally:
        await client.aclose()


def latency_figures(app: dict) -> dict:
    p = {q: round(percentile(app["latencies"], q), 1) for q in (50, 95, 99)}
    return {
        "broadcasts": len(app["latencies"]),
        "p50_ms": p[50],
        "p95_ms": p[95],
        "p99_ms": p[99],
        "max_ms": round(max(app["latencies"]), 1),
        "missed": app["missed"],
        "reconnected": app["reconnected"],
        "kib_per_conn": app["kib_per_conn"],
    }


def summarise(n: int, app: dict, base: dict, pg_during: int) -> dict:
    figures = latency_figures(app)
    base_p95 = round(percentile(base["latencies"], 95), 1)
    return {
        "n": n,
        **figures,
        "baseline_p50_ms": round(percentile(base["latencies"], 50), 1),
        "baseline_p95_ms": base_p95,
        "baseline_missed": base["missed"],
        "ratio_p95": round(figures["p95_ms"] / base_p95, 2) if base_p95 else None,
        "baseline_kib_per_conn": base["kib_per_conn"],
        "pg_connections": pg_during,
    }


async def app_on(n: int, setup: dict, processes: int) -> dict:
    """The app on `processes` servers of one worker each, on ports of their own."""
    ports = [free_port() for _ in range(processes)]
    with contextlib.ExitStack() as stack:
        pids = [stack.enter_context(server("config.asgi:application", p)).pid for p in ports]
        pg_box = {}

        async def watch_pg():
            await asyncio.sleep(3)
            pg_box["during"] = await asyncio.to_thread(pg_connections)

        watcher = asyncio.create_task(watch_pg())
        app = await bench_app(n, setup, ports, pids)
        await watcher
    await asyncio.to_thread(setup["day"].refresh_from_db)
    app["pg_connections"] = max(pg_box.get("during", 0), app["pg_connections_idle_streams"])
    return app


async def bench_size(n: int, setup: dict) -> dict:
    app = await app_on(n, setup, 1)
    base_port = free_port()
    with server("tests.bench.baseline_sse:app", base_port) as process:
        base = await bench_baseline(n, base_port, process.pid, setup["payload"])
    return summarise(n, app, base, app["pg_connections"])


async def bench_two_processes(n: int, setup: dict, one_process: dict) -> dict:
    app = await app_on(n, setup, 2)
    figures = latency_figures(app)
    return {
        "n": n,
        "processes": 2,
        **figures,
        "one_process_p95_ms": one_process["p95_ms"],
        "ratio_to_one_process": round(figures["p95_ms"] / one_process["p95_ms"], 2)
        if one_process["p95_ms"]
        else None,
        "pg_connections": app["pg_connections"],
    }


def verdicts(sizes: list[dict], two: dict | None) -> dict:
    """Each of issue 21's targets: met (True), missed (False) or not measured (None)."""
    by_n = {r["n"]: r for r in sizes}

    def at(n: int, check) -> bool | None:
        return check(by_n[n]) if n in by_n else None

    targets = {}
    for n, limit in TARGET_P95_MS.items():
        targets[f"p95_at_{n}_le_{limit}_ms"] = at(n, lambda r, limit=limit: r["p95_ms"] <= limit)
    for n, limit in TARGET_RELAY_RATIO.items():
        targets[f"p95_at_{n}_le_{limit:g}x_raw_relay"] = at(
            n, lambda r, limit=limit: r["ratio_p95"] is not None and r["ratio_p95"] <= limit
        )
    targets["none_missed_with_reconnects"] = all(r["missed"] == 0 for r in sizes)
    targets[f"kib_per_idle_stream_le_{TARGET_KIB_PER_STREAM}"] = all(
        r["kib_per_conn"] <= TARGET_KIB_PER_STREAM for r in sizes
    )
    if two is None:
        targets["two_processes_none_missed"] = None
        targets[f"two_processes_p95_le_{TARGET_TWO_PROCESS_RATIO:g}x_one"] = None
    else:
        targets["two_processes_none_missed"] = two["missed"] == 0
        ratio = two["ratio_to_one_process"]
        targets[f"two_processes_p95_le_{TARGET_TWO_PROCESS_RATIO:g}x_one"] = (
            ratio is not None and ratio <= TARGET_TWO_PROCESS_RATIO
        )
    return targets


async def run_sizes(sizes: list[int], two_n: int, setup: dict) -> dict:
    results, two = [], None
    print(
        f"broadcasts per size: {BROADCASTS} "
        f"(+{CHURN_BROADCASTS} with {RECONNECT_SHARE:.0%} of phones reconnecting)"
    )
    for n in sizes:
        result = await bench_size(n, setup)
        results.append(result)
        print(
            f"N={n:>5}  p50 {result['p50_ms']:>7} ms  p95 {result['p95_ms']:>7} ms  "
            f"p99 {result['p99_ms']:>7} ms  max {result['max_ms']:>7} ms  missed {result['missed']}"
            f"  | baseline p95 {result['baseline_p95_ms']} ms  ratio {result['ratio_p95']}"
            f"  | {result['kib_per_conn']} KiB/conn (baseline {result['baseline_kib_per_conn']})"
            f"  | PostgreSQL connections {result['pg_connections']}",
            flush=True,
        )
        # Right after the one-process run at the same N, so both see the same machine.
        if n == two_n:
            two = await bench_two_processes(n, setup, result)
            print(
                f"N={n:>5}  two processes: p50 {two['p50_ms']:>7} ms  p95 {two['p95_ms']:>7} ms  "
                f"p99 {two['p99_ms']:>7} ms  max {two['max_ms']:>7} ms  missed {two['missed']}"
                f"  | {two['ratio_to_one_process']} x one process"
                f"  | {two['kib_per_conn']} KiB/conn  | PostgreSQL connections "
                f"{two['pg_connections']}",
                flush=True,
            )
    print(f"payload per event: {len(setup['payload'])} bytes")
    targets = verdicts(results, two)
    words = {True: "met", False: "NOT met", None: "not measured"}
    for name, met in targets.items():
        print(f"  target {name}: {words[met]}")
    return {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "payload_bytes": len(setup["payload"]),
        "sizes": results,
        "two_processes": two,
        "targets": targets,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "100,1000,3000"))
    parser.add_argument(
        "--two-processes",
        type=int,
        default=int(os.environ.get("BENCH_TWO_PROCESSES", 1000)),
        help="N for the run on two server processes (one of --sizes; 0: none)",
    )
    args = parser.parse_args()
    raise_open_files_limit()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not all(1 <= n <= 5000 for n in sizes):
        parser.error("--sizes must be between 1 and 5000 phones")
    if args.two_processes and args.two_processes not in sizes:
        parser.error("--two-processes must be one of --sizes (its one-process figure)")
    fresh_database()
    django_setup()
    setup = create_day(max(sizes))
    # The phones' side must not be what is measured: a fast loop, and no GC pauses mid-run.
    gc.collect()
    gc.freeze()
    gc.disable()
    results = uvloop.run(run_sizes(sizes, args.two_processes, setup))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fanout.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {OUT / 'fanout.json'}")
