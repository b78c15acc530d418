"""Burst benchmark: a room sending word-cloud words at once while the projector's cloud is live.

For the real submit view and for a bare Django view that does one INSERT on the same server
(uvicorn with two workers + PostgreSQL + Redis), it steps up the offered rate, the two taking
turns at each rate, and finds the highest sustained rate whose p95 latency stays within 300 ms
with no errors: a figure, not a target. Then the burst: 3,000 words in 10 s from 3,000 phones
that have sent none, and the same 3,000 requests in 10 s to the bare view, each with the CPU
time it cost the server's processes and the PostgreSQL backends serving them. Issue 21's
targets (docs/performance.md): the burst's p95 <= 300 ms, no errors, no word lost, and CPU per
word <= 2x the bare view's. Figures and verdicts go to stdout and tests/bench/out/burst.json.

    make bench            # or: python tests/bench/burst.py
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import itertools
import json
import os
import secrets
import sys
import time
import uuid
from pathlib import Path

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.fanout import (  # noqa: E402
    OUT,
    Phone,
    Run,
    django_setup,
    free_port,
    fresh_database,
    percentile,
    raise_open_files_limit,
    server,
)
from tests.bench.loadclient import KeepAliveClient  # noqa: E402

# Steps of a tenth or less from 400/s up, where both views top out on two cores (figures in
# docs/performance.md), and high enough that the bare view's own limit is found rather than
# assumed.
RATES = [50, 75, 100, 125, 150, 175, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750]
RATES += [800, 900, 1000, 1100, 1200, 1300, 1400]
STEP_SECONDS = 3
SETTLE_SECONDS = 5
# The highest sustained rate is a figure, not a target: one search by default; BURST_ROUNDS=2
# keeps each view's best of two, as a shared machine's slow spells only ever lower it.
ROUNDS = int(os.environ.get("BURST_ROUNDS", 1))
P95_LIMIT_MS = 300
FINAL_COUNT, FINAL_SECONDS = 3000, 10
# Issue 21: the burst's CPU per word (server + PostgreSQL) at most this many times the bare
# INSERT view's, at the same rate in the same run.
TARGET_CPU_RATIO = 2.0
# Phones for the stepped rates and for the 3,000 words, apart: none reaches the kind's limit of
# ten words, which would answer with a message and save nothing (a run's steps send about
# 30,000 words; the 3,000 come from phones that have sent none).
PHONES, FINAL_PHONES = 9000, FINAL_COUNT
PAST_DAYS = 3000
# The default deployment (docker-compose's WEB_CONCURRENCY); the baseline runs on the same.
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
# The server's database connections carry this name, so their backends can be told from the
# benchmark's own and from other work on the same PostgreSQL.
SERVER_APP_NAME = "samling-bench-server"
SAMPLE_SECONDS = 0.5
VOCABULARY = [
    "tillit", "åpenhet", "mot", "raushet", "respekt", "ærlighet", "samarbeid", "lojalitet",
    "tydelighet", "omtanke", "helhet", "ansvar", "trygghet", "tilstedeværelse", "kompetanse",
    "engasjement", "lytting", "medvirkning", "likeverd", "fellesskap",
]  # fmt: skip


def create_room() -> dict:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from exercises.models import Exercise
    from exercises.models import Run as ExerciseRun
    from workshops.models import (
        Attendee,
        Membership,
        Organisation,
        Programme,
        Workshop,
        new_join_code,
    )

    org = Organisation.objects.create(name="Burst", slug=f"burst-{secrets.token_hex(4)}")
    user = User.objects.create_user(f"burst-{secrets.token_hex(4)}")
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.FACILITATOR)
    programme = Programme.objects.create(organisation=org, title="Burst")
    day = Workshop.objects.create(programme=programme, number=1, date=dt.date.today())
    item = day.add_item(kind="exercise", title="Verdier", duration_minutes=10)
    Exercise.objects.create(
        agenda_item=item,
        kind="word_cloud",
        settings={
            "prompt": "Hvilke verdier?",
            "max_entries": 10,
            "max_length": 30,
            "minutes": 10,
            "hidden_until_reveal": False,
        },
    )
    # A database that has served for years: the phone finds its day among thousands of ended
    # ones (their codes free again), as it would in production.
    Workshop.objects.bulk_create(
        Workshop(
            programme=programme,
            number=number,
            date=dt.date(2020, 1, 1),
            status=Workshop.Status.ENDED,
            join_code=new_join_code(),
        )
        for number in range(2, 2 + PAST_DAYS)
    )
    # The bare view's rows go to a run of their own in the same table (same indexes), so the
    # projector's count of the app's words does not read them too: the first runs of this
    # benchmark put them in the words' run, and by the end every redraw read twice as many
    # baseline rows as words.
    other = day.add_item(kind="exercise", title="Bare", duration_minutes=10)
    bare_exercise = Exercise.objects.create(
        agenda_item=other, kind="word_cloud", settings={"prompt": "Bare"}
    )
    from live import day as live_day  # after django.setup()

    live_day.start(day, by=user)
    run = ExerciseRun.objects.get(workshop=day)
    bare_run = ExerciseRun.objects.create(exercise=bare_exercise, workshop=day)
    # The facilitator's login, for the projector's stream.
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    tokens = [secrets.token_urlsafe(24) for _ in range(PHONES + FINAL_PHONES)]
    Attendee.objects.bulk_create(
        Attendee(
            workshop=day,
            display_name=f"Telefon {i}",
            device_hash=hashlib.sha256(t.encode()).hexdigest(),
        )
        for i, t in enumerate(tokens)
    )
    day.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics a database in use has
    return {
        "day": day,
        "run": run,
        "bare_run": bare_run,
        "tokens": tokens[:PHONES],
        "final_tokens": tokens[PHONES:],
        "session": session.session_key,
    }


def count_rows(run_pk: int, key: str) -> int:
    from exercises.models import Submission

    return Submission.objects.filter(run_id=run_pk, key=key).count()


def analyze_stale() -> list[str]:
    """Analyze the tables PostgreSQL's autovacuum would analyze now, by its own rule (more rows
    changed since the last ANALYZE than its threshold plus its scale factor times the table's
    rows), and name them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(s.relname) FROM pg_stat_user_tables s "
            "JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::int "
            "+ current_setting('autovacuum_analyze_scale_factor')::float8 "
            "* greatest(c.reltuples, 0)"
        )
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    return tables


async def autovacuum_stand_in() -> None:
    """Analyze as autovacuum would, where the server runs without it.

    This machine's PostgreSQL has autovacuum off, so the tables keep the statistics they had
    when the room was made, with no words: the projector's word count is then planned for one
    row and sorts the whole run's words by text, twice as slow as the hash a server in
    production plans once autovacuum has seen the table grow. Every autovacuum_naptime, the
    tables past autovacuum's own threshold are analyzed. Where autovacuum is on, this does
    nothing.
    """
    from django.db import connection

    def naptime() -> float | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('autovacuum') = 'on', "
                "extract(epoch FROM current_setting('autovacuum_naptime')::interval)"
            )
            running, seconds = cursor.fetchone()
        return None if running else float(seconds)

    seconds = await asyncio.to_thread(naptime)
    if seconds is None:
        return
    print(f"autovacuum is off here: analyzing as it would, every {seconds:g} s", flush=True)
    while True:
        await asyncio.sleep(seconds)
        tables = await asyncio.to_thread(analyze_stale)
        print(f"  (analyzed {', '.join(tables) or 'nothing'})", flush=True)


def stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command's name: state, parent, ..., utime and stime at 11-12."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used (threads that ended included)."""
    fields = stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (uvicorn's workers and anything they started)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parents[int(entry.name)] = int(stat(entry.name)[1])
    tree, grown = {root}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    return sorted(tree)


def server_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [SERVER_APP_NAME]
        )
        return [pid for (pid,) in cursor.fetchall()]


class CpuMeter:
    """CPU time of the server's processes and of the PostgreSQL backends serving them.

    Sampled every SAMPLE_SECONDS and kept by process, so a backend that goes during a phase
    (a pooled connection closed) keeps what it had used when last seen, and one that comes
    counts from nought.
    """

    def __init__(self, master: int) -> None:
        self.master = master
        self.tree: list[int] = []
        self.used: dict[int, tuple[str, float]] = {}

    async def sample(self, *, look_again: bool = False) -> dict[int, tuple[str, float]]:
        if look_again or not self.tree:
            self.tree = process_tree(self.master)
        backends = await asyncio.to_thread(server_backends)
        for side, pids in (("server", self.tree), ("postgres", backends)):
            for pid in pids:
                with contextlib.suppress(OSError):
                    self.used[pid] = (side, cpu_seconds(pid))
        return dict(self.used)

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(SAMPLE_SECONDS)
            await self.sample()

    async def phase(self, work) -> tuple[dict, dict[str, float]]:
        """Run `work` (a coroutine) and what it cost: seconds of CPU by side."""
        before = await self.sample(look_again=True)
        result = await work
        # The redraws a burst's last words asked for (coalesced, LIVE_COALESCE_MS) are its
        # cost too.
        await asyncio.sleep(1)
        after = await self.sample(look_again=True)
        spent = {"server": 0.0, "postgres": 0.0}
        for pid, (side, seconds) in after.items():
            spent[side] += seconds - before.get(pid, (side, 0.0))[1]
        return result, spent


def per_word(step: dict, spent: dict[str, float]) -> dict:
    server_ms, postgres_ms = (1000 * spent[side] / step["sent"] for side in ("server", "postgres"))
    return {
        "server_ms": round(server_ms, 2),
        "postgres_ms": round(postgres_ms, 2),
        "total_ms": round(server_ms + postgres_ms, 2),
    }


async def offer(client, rate: int, seconds: float, request) -> dict:
    """Send `rate` requests a second for `seconds` (open loop) and time each one."""
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    started = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal errors
        begin = time.perf_counter()
        try:
            status = await request(client, i)
            if status != 200:
                errors += 1
        except Exception:  # noqa: BLE001 - a benchmark counts failures, whatever they are
            errors += 1
        latencies.append((time.perf_counter() - begin) * 1000)

    tasks = []
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return {
        "rate": rate,
        "sent": total,
        "achieved_per_s": round(total / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "errors": errors,
    }


async def sustained(client, requests: dict) -> tuple[dict[str, int], dict[str, list[dict]]]:
    """Step each view up through RATES, taking turns at every rate, until its p95 passes the
    limit or a request fails. Taking turns keeps a slow spell of a shared machine from
    falling on one of them only."""
    best = dict.fromkeys(requests, 0)
    steps: dict[str, list[dict]] = {label: [] for label in requests}
    running = list(requests)
    for rate in RATES:
        for label in list(running):
            step = await offer(client, rate, STEP_SECONDS, requests[label])
            steps[label].append(step)
            print(
                f"  {label:<8} offered {rate:>4}/s: p50 {step['p50_ms']:>7} ms  "
                f"p95 {step['p95_ms']:>7} ms  errors {step['errors']}",
                flush=True,
            )
            if step["p95_ms"] <= P95_LIMIT_MS and not step["errors"]:
                best[label] = rate
                await asyncio.sleep(1)
            else:
                running.remove(label)
                # An overloaded step leaves work behind (redraws, the pools grown): let the
                # server settle before the other view's turn is measured.
                await asyncio.sleep(SETTLE_SECONDS)
        if not running:
            break
    return best, steps


async def main(room: dict) -> dict:
    day, run = room["day"], room["run"]
    port = free_port()
    csrf = secrets.token_hex(16)
    answered = {"ok": 0}

    def phones(tokens: list[str]):
        """Words from these phones in turn; counts the sends answered 200."""
        sent = itertools.count()

        async def submit(client, i: int):
            n = next(sent)
            status = await client.post(
                f"/p/{day.join_code}/runs/{run.pk}/",
                {"text": VOCABULARY[n % len(VOCABULARY)], "token": str(uuid.uuid4())},
                {
                    "Cookie": f"samling_device={tokens[n % len(tokens)]}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "HX-Request": "true",
                },
            )
            answered["ok"] += status == 200
            return status

        return submit

    submit = phones(room["tokens"])

    async def bare(client, i: int):
        return await client.post(f"/bench/insert/{room['bare_run'].pk}/", {"text": "tillit"}, {})

    async def burst(request, run_pk: int, key: str) -> dict:
        """FINAL_COUNT requests in FINAL_SECONDS, the rows they added and their CPU time."""
        before = await asyncio.to_thread(count_rows, run_pk, key)
        step, spent = await meter.phase(
            offer(client, FINAL_COUNT // FINAL_SECONDS, FINAL_SECONDS, request)
        )
        added = await asyncio.to_thread(count_rows, run_pk, key) - before
        return {
            **step,
            "rows_added": added,
            "lost": step["sent"] - step["errors"] - added,
            "cpu_per_word": per_word(step, spent),
        }

    with server(
        "tests.bench.bench_asgi:application",
        port,
        workers=WORKERS,
        env={"PGAPPNAME": SERVER_APP_NAME},
    ) as process:
        # The projector is watching: its stream gets every redraw of the cloud, and each
        # redraw counts the words (the redraws are coalesced, LIVE_COALESCE_MS).
        projector = Run()
        projector.expected = 1
        watcher = Phone(
            0,
            port,
            f"/days/{day.pk}/stream/presenter/",
            f"sessionid={room['session']}",
            projector,
        )
        watcher.start()
        await asyncio.wait_for(watcher.connected.wait(), 10)
        client = KeepAliveClient(port, connections=200, timeout=30)
        autovacuum = asyncio.create_task(autovacuum_stand_in())
        meter = CpuMeter(process.pid)
        sampling = asyncio.create_task(meter.watch())
        try:
            print("burst: one submission per request, p95 limit 300 ms")
            # Both warmed up first (connections in the pool, templates compiled), as a server
            # that has been up for a while is.
            await offer(client, 40, 2, submit)
            await offer(client, 40, 2, bare)
            rounds = []
            stepped_from = await asyncio.to_thread(count_rows, run.pk, "word")
            answered["ok"] = 0
            for number in range(1, ROUNDS + 1):
                print(f" round {number} of {ROUNDS}", flush=True)
                rounds.append(await sustained(client, {"app": submit, "baseline": bare}))
            # Every word answered 200 was saved: a word the kind refused (its limit reached)
            # would be answered 200 too, with a message, and be cheaper than a saved one.
            stepped = {
                "answered_200": answered["ok"],
                "rows_added": await asyncio.to_thread(count_rows, run.pk, "word") - stepped_from,
            }
            app_rate = max(best["app"] for best, _steps in rounds)
            base_rate = max(best["baseline"] for best, _steps in rounds)
            # The room's burst, then the same load on the bare view, each after the server has
            # settled from what came before.
            await asyncio.sleep(SETTLE_SECONDS)
            final = await burst(phones(room["final_tokens"]), run.pk, "word")
            print(f"  app      {FINAL_COUNT} words in {FINAL_SECONDS} s: {final}", flush=True)
            await asyncio.sleep(SETTLE_SECONDS)
            final_bare = await burst(bare, room["bare_run"].pk, "bare")
            print(f"  baseline {FINAL_COUNT} in {FINAL_SECONDS} s: {final_bare}", flush=True)
        finally:
            sampling.cancel()
            autovacuum.cancel()
            await client.aclose()
        watcher.task.cancel()
    app_cpu, bare_cpu = final["cpu_per_word"]["total_ms"], final_bare["cpu_per_word"]["total_ms"]
    cpu_ratio = round(app_cpu / bare_cpu, 2) if bare_cpu else None
    return {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "workers": WORKERS,
        "final": final,
        "final_baseline": final_bare,
        "cpu_ratio": cpu_ratio,
        "targets": {
            f"p95_le_{P95_LIMIT_MS}_ms": final["p95_ms"] <= P95_LIMIT_MS,
            "no_errors": final["errors"] == 0,
            "none_lost": final["lost"] == 0,
            f"cpu_per_word_le_{TARGET_CPU_RATIO:g}x_bare_insert": cpu_ratio is not None
            and cpu_ratio <= TARGET_CPU_RATIO,
        },
        # Figures only: the highest rate each view sustains, and their ratio.
        "sustained_per_s": app_rate,
        "baseline_per_s": base_rate,
        "sustained_ratio": round(app_rate / base_rate, 2) if base_rate else None,
        "stepped_words": stepped,
        "rounds": [{"sustained_per_s": best, "steps": steps} for best, steps in rounds],
    }


if __name__ == "__main__":
    raise_open_files_limit()
    fresh_database()
    django_setup()
    room = create_room()
    gc.collect()
    gc.freeze()
    gc.disable()
    result = uvloop.run(main(room))
    final, bare, cpu = result["final"], result["final_baseline"], result["final"]["cpu_per_word"]
    bare_cpu = bare["cpu_per_word"]
    print(
        f"{FINAL_COUNT} words in {FINAL_SECONDS} s on {result['workers']} workers: achieved "
        f"{final['achieved_per_s']}/s, p95 {final['p95_ms']} ms, errors {final['errors']}, rows "
        f"{final['rows_added']}, lost {final['lost']}\n"
        f"CPU per word (server + PostgreSQL): app {cpu['server_ms']} + {cpu['postgres_ms']} ms, "
        f"bare INSERT view {bare_cpu['server_ms']} + {bare_cpu['postgres_ms']} ms (its p95 "
        f"{bare['p95_ms']} ms); ratio {result['cpu_ratio']}\n"
        f"sustained {result['sustained_per_s']}/s at p95 <= {P95_LIMIT_MS} ms; bare INSERT view "
        f"{result['baseline_per_s']}/s; ratio {result['sustained_ratio']} (figures, not targets)\n"
        f"stepped rates: {result['stepped_words']['answered_200']} words answered, "
        f"{result['stepped_words']['rows_added']} rows saved"
    )
    words = {True: "met", False: "NOT met"}
    for name, met in result["targets"].items():
        print(f"  target {name}: {words[met]}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "burst.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {OUT / 'burst.json'}")
