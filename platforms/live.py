"""The poster status, live: every change of a PosterRender is announced on its platform's
channel of the live bus (workshops/bus.py), and each open platform page fetches its own copy
of the poster list when it hears it.

The message carries no page content: what a visitor sees of a failed render depends on who
they are (facilitators see the error), so each page asks for its own fragment. A Celery worker
publishes through Redis like the web processes do; with no broker the task runs in the web
process and publishes on the in-process bus.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from workshops.bus import get_bus

EVENT = "posters"


def channel(platform_id: int) -> str:
    return f"platform:{platform_id}:posters"


def message(render_id: int | None, status: str) -> str:
    return f"event: {EVENT}\ndata: {render_id or ''} {status}\n\n"


def posters_changed(platform_id: int, render_id: int | None, status: str) -> None:
    get_bus().publish(channel(platform_id), message(render_id, status))


def announce(platform_id: int, render_id: int, status: str) -> None:
    """Publish a status change once it is committed (at once outside a transaction); a bus
    that is down must not fail the render, whose row stays the truth."""
    transaction.on_commit(partial(posters_changed, platform_id, render_id, status), robust=True)


def snapshot() -> bytes:
    # A stream that (re)connects may have missed changes: the page fetches the list once.
    return message(None, "connected").encode()
