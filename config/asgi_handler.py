"""The ASGI handler: Django's, with each request's synchronous part done in one trip to a thread."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix


class OneTripASGIHandler(ASGIHandler):
    """Serves Django over ASGI the way WSGI runs it: the middleware and the view in one go, on
    one thread. The event loop only reads the body and writes the response, and streams the
    live SSE channels (async iterators), as before.

    Django's own ASGI handler loads the middleware in async mode. Ours are all sync, so each
    request crossed between the event loop and a thread some six times (the chain to a thread,
    the async core back to the loop, the sync view to the thread again, the request signals
    each on their own trip), and Django started and joined a new thread per request. In the
    burst benchmark those crossings were half of a bare view's cost. Here a request makes one
    trip, or two for a streamed response, and the thread is one kept from earlier requests.
    """

    def __init__(self, spare_threads: int = 64) -> None:
        super(ASGIHandler, self).__init__()  # BaseHandler: the middleware is loaded below
        self.load_middleware(is_async=False)
        # Live streams hold their thread for hours; only this many idle ones are kept.
        self.spare_threads = spare_threads
        self._spare: list[ThreadPoolExecutor] = []
        # At most this many requests run their Python at once; the rest wait their turn on the
        # event loop. With the interpreter's lock shared by all of them, more threads make no
        # more work get done, only each request slower: in a burst above what a worker can
        # serve, an unbounded count grew the threads until the switching between them ate the
        # CPU and the queue never drained (tests/bench/burst.py: 250 words/s collapsed to a
        # p95 over a second, while with a bound 350/s held within 300 ms).
        self._trips = asyncio.Semaphore(settings.ASGI_CONCURRENT_REQUESTS)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        # Each request has a thread of its own for its synchronous code, as under Django's
        # handler; a context with our executor makes asgiref use it (the outermost context
        # wins). Only this event loop touches the stock, so a list needs no lock.
        executor = (
            self._spare.pop()
            if self._spare
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        )
        async with ThreadSensitiveContext(executor=executor):
            try:
                await self.handle(scope, receive, send)
            except BaseException:
                # A cancelled request may leave work running on the thread: the next request
                # gets a fresh one instead of queueing behind it.
                executor.shutdown(wait=False)
                raise
        if len(self._spare) < self.spare_threads:
            self._spare.append(executor)
        else:
            executor.shutdown(wait=False)

    def shutdown(self) -> None:
        """Let the spare threads end (a server that stops, a test's server)."""
        while self._spare:
            self._spare.pop().shutdown(wait=False)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            async with self._trips:
                response = await sync_to_async(self._respond)(scope, body_file)
            if not response.streaming:
                # Drawn whole and already closed, so request_finished has given the database
                # connection back before the bytes go out.
                await self.send_response(response, send)
                return
            try:
                # A stream runs until the browser goes away: stop sending then, as Django does.
                async with asyncio.TaskGroup() as tasks:
                    listener = tasks.create_task(self.listen_for_disconnect(receive))
                    await self.send_response(response, send)
                    listener.cancel()
            except* RequestAborted:
                pass
            finally:
                await sync_to_async(response.close)()

    def _respond(self, scope, body_file) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # the server chunks the body itself
        if not response.streaming:
            response.close()
        return response
