"""Helpers shared by several test modules."""

from __future__ import annotations

import asyncio
import re
import threading

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
    join = reverse("workshops:join_day", args=[workshop.join_code])
    field = CSRF_FIELD.search(phone.get(join).text).group(1)
    phone.post(join, {"display_name": name, "csrfmiddlewaretoken": field})
    page = phone.get(reverse("workshops:phone", args=[workshop.join_code])).text
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    return phone, page, header
