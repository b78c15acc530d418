"""Helpers shared by several test modules."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import socket
import subprocess
import threading
import time

from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client
from django.urls import reverse


def run_async(scenario) -> None:
    """Run an async scenario on a fresh loop in its own thread.

    The browser tests keep Playwright's loop running in the main thread for the whole session,
    where asyncio.run() is not allowed.
    """
    errors: list[BaseException] = []

    async def scenario_then_close() -> None:
        try:
            await scenario()
        finally:
            # The thread that ran the ORM calls keeps its connection unless told.
            await sync_to_async(connections.close_all)()

    def target() -> None:
        try:
            asyncio.run(scenario_then_close())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        raise TimeoutError("the async scenario did not finish in 60 s")
    if errors:
        raise errors[0]


def http_scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    """An ASGI scope for a GET of `path` from a browser on testserver, for driving the app."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def phone_with_csrf_checks(workshop, name: str = "Kari") -> tuple[Client, str, str]:
    """A phone that joins the day as a browser does, with Django's CSRF check on: the phone,
    its page, and the token its page gives htmx in the X-CSRFToken header."""
    phone = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    join = reverse("live:join_day", args=[workshop.join_code])
    field = CSRF_FIELD.search(phone.get(join).text).group(1)
    phone.post(join, {"display_name": name, "csrfmiddlewaretoken": field})
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    return phone, page, header


class RedisServer:
    """A redis-server of the test's own on a free port, to stop and start again as an
    operator's Redis would go away and come back (the shared one must stay up)."""

    BINARY = shutil.which("redis-server") or "/usr/bin/redis-server"

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.BINARY, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


# URLs whose app is not the one whose access test covers them, so that each URL has one rule:
# the live views of one exercise (live/run_views.py) are in tests/exercises/test_access.py,
# the day's page and its agenda (exercises/agenda_views.py) in tests/workshops/test_access.py.
LIVE_RUN_URLS = {"act", "submit", "group_stream", "decide_role"}
DAY_PAGE_URLS = {
    "workshop_detail",
    "agenda_add",
    "agenda_reorder",
    "agenda_item_edit",
    "agenda_item_delete",
    "agenda_item_move",
}
