"""The ASGI handler (config/asgi_handler.py): one trip to a kept thread, a bound on requests."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from django.core.signals import request_finished
from django.http import HttpResponse

from config.asgi_handler import OneTripASGIHandler
from tests.support import http_scope, run_async


def scope(path: str = "/accounts/login/") -> dict:
    return http_scope(path, [(b"accept-language", b"nb")])


async def call(
    handler: OneTripASGIHandler, path: str = "/accounts/login/", on_send=None
) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if on_send is not None:
            on_send(message)
        sent.append(message)

    await handler(scope(path), receive, send)
    return sent


@pytest.fixture
def handler():
    handler = OneTripASGIHandler()
    yield handler
    handler.shutdown()


@pytest.mark.django_db(transaction=True)
def test_a_page_is_served_whole(handler):
    sent = []

    async def scenario():
        sent.extend(await call(handler))

    run_async(scenario)
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 200
    body = b"".join(message.get("body", b"") for message in sent[1:]).decode()
    assert "<form" in body and 'lang="nb"' in body


@pytest.mark.django_db(transaction=True)
def test_the_next_request_gets_the_same_thread(handler, monkeypatch):
    threads = []

    def respond(request):
        threads.append(threading.get_ident())
        return HttpResponse("ok")

    monkeypatch.setattr(handler, "get_response", respond)

    loop_thread = []

    async def two():
        loop_thread.append(threading.get_ident())
        await call(handler)
        await call(handler)

    run_async(two)
    assert len(threads) == 2 and threads[0] == threads[1]
    assert threads[0] != loop_thread[0]  # the view ran off the event loop
    assert len(handler._spare) == 1


def test_only_so_many_requests_run_at_once(settings, monkeypatch):
    settings.ASGI_CONCURRENT_REQUESTS = 2
    handler = OneTripASGIHandler()
    running, most = 0, 0
    lock = threading.Lock()

    def respond(request):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return HttpResponse("ok")

    monkeypatch.setattr(handler, "get_response", respond)

    results = []

    async def five():
        results.extend(await asyncio.gather(*(call(handler) for _ in range(5))))

    try:
        run_async(five)
    finally:
        handler.shutdown()
    assert [sent[0]["status"] for sent in results] == [200] * 5  # the rest waited, none refused
    assert most == 2


@pytest.mark.django_db(transaction=True)
def test_a_whole_response_is_closed_before_it_is_sent(handler):
    """request_finished gives the database connection back before the bytes go out."""
    order = []

    def finished(**kwargs):
        order.append("finished")

    request_finished.connect(finished)

    async def run():
        await call(handler, on_send=lambda message: order.append(message["type"]))

    try:
        run_async(run)
    finally:
        request_finished.disconnect(finished)
    assert order[0] == "finished"
    assert order[1] == "http.response.start"


@pytest.mark.django_db(transaction=True)
def test_a_request_cut_off_does_not_hand_its_thread_on(handler, monkeypatch):
    started = threading.Event()

    def respond(request):
        started.set()
        time.sleep(0.2)
        return HttpResponse("late")

    monkeypatch.setattr(handler, "get_response", respond)

    async def cut():
        task = asyncio.create_task(call(handler))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_async(cut)
    assert handler._spare == []


def test_only_http_is_served(handler):
    async def websocket():
        await handler({"type": "websocket"}, None, None)

    with pytest.raises(ValueError, match="websocket"):
        run_async(websocket)
