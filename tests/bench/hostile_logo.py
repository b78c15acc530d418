"""What a hostile logo does to the web process: a decompression bomb uploaded, then reports.

Runs the app as `make run` does (uvicorn, SQLite, no broker, so tasks run in the web process
itself: the embedded set-up, the worst case for the web process) on a fresh database with the
demo data, and reads the web process's resident memory (VmRSS) and its peak (VmHWM) from /proc
around each step:

1. the facilitator uploads a 12,000 × 12,000 PNG of 32 kB as the organisation's logo;
2. the same file is put in place as a logo stored before uploads were checked (an old one);
3. HR asks for the programme report, once, then three times at once.

Figures go to stdout and tests/bench/out/hostile_logo.json.

    python tests/bench/hostile_logo.py
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "bench" / "out"
PASSWORD = "samling-demo"
REPORT_WAIT = 180.0  # seconds before a report counts as stuck


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(out, "PNG", optimize=True)
    return out.getvalue()


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak so far), in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def csrf(client: httpx.Client, url: str) -> str:
    page = client.get(url)
    page.raise_for_status()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=REPORT_WAIT, follow_redirects=True)
    token = csrf(client, "/accounts/login/")
    client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    ).raise_for_status()
    return client


def ask_for_report(client: httpx.Client, programme: int) -> dict:
    """The report as the platform page offers it: a queued job where there is one (a form that
    posts to …/report/), else the PDF made while the request waits (…/report.pdf)."""
    started = time.monotonic()
    page = client.get(f"/programmes/{programme}/platform/")
    form = re.search(r'action="(/programmes/\d+/platform/reports/request/)"', page.text)
    if form is None:
        response = client.get(f"/programmes/{programme}/report.pdf")
        return {
            "how": "made in the request",
            "status": response.status_code,
            "pdf": response.content.startswith(b"%PDF"),
            "seconds": round(time.monotonic() - started, 2),
        }
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    client.post(form.group(1), data={"report-language": "nb", "csrfmiddlewaretoken": token})
    while time.monotonic() - started < REPORT_WAIT:
        rows = client.get(f"/programmes/{programme}/platform/reports/").text
        status = re.search(r'class="status status--(\w+)"', rows)
        if status and status.group(1) in ("ready", "failed"):
            message = re.search(r'class="error">([^<]*)<', rows)
            return {
                "how": "a queued job",
                "status": status.group(1),
                "message": message.group(1).strip() if message else "",
                "seconds": round(time.monotonic() - started, 2),
            }
        time.sleep(0.2)
    return {"how": "a queued job", "status": "stuck", "seconds": REPORT_WAIT}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="samling-bench-logo-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_RESULT_BACKEND": "",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    programme = int(
        manage(
            env,
            "shell",
            "-c",
            "from workshops.models import Programme; print(Programme.objects.first().pk)",
        ).split()[-1]
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application"]
        + ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    result: dict = {}
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/accounts/login/").raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        facilitator, hr = login(base, "kursholder"), login(base, "hr")
        # Every page once, so the figures below are the steps' own and not first imports.
        facilitator.get(f"/programmes/{programme}/platform/brand/")
        ask_for_report(hr, programme)
        result["start"] = memory(server.pid)

        data = bomb()
        url = f"/programmes/{programme}/platform/brand/"
        token = csrf(facilitator, url)
        response = facilitator.post(
            url,
            data={
                "brand_primary": "#1F4E79",
                "brand_secondary": "#F2C14E",
                "csrfmiddlewaretoken": token,
            },
            files={"logo": ("logo.png", data, "image/png")},
        )
        refused = re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]*)<', response.text)
        result["upload"] = {
            "bytes": len(data),
            "accepted": refused is None,
            "message": refused.group(1) if refused else "",
            **memory(server.pid),
        }

        # An old logo: stored before uploads were checked, so the renderer meets it.
        stored = work / "media" / "logos" / "old-bomb.png"
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(data)
        manage(
            env,
            "shell",
            "-c",
            "from workshops.models import Programme; o = Programme.objects.first().organisation;"
            " o.logo.name = 'logos/old-bomb.png'; o.save()",
        )
        result["report_once"] = {**ask_for_report(hr, programme), **memory(server.pid)}
        answers: list[dict] = []
        threads = [
            threading.Thread(target=lambda: answers.append(ask_for_report(hr, programme)))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result["report_three_at_once"] = {"answers": answers, **memory(server.pid)}
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "hostile_logo.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
