"""Helpers shared by several test modules."""

from __future__ import annotations

import asyncio
import threading

from asgiref.sync import sync_to_async
from django.db import connections


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
