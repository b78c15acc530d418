"""Middleware of our own."""

from __future__ import annotations

from django.utils.decorators import sync_only_middleware


@sync_only_middleware
def sync_chain(get_response):
    """Keeps the middleware chain in one thread under ASGI.

    Django runs each async-capable middleware in async mode when the handler inside it is
    async, and every one of those (sessions, locale, CSRF, auth, ...) then hops to a thread
    and back for its own hooks: some twenty hops a request. One sync-only middleware at the
    innermost place makes the whole chain synchronous: one hop in, one to the view and back.
    Streaming responses (the live streams) are still served by the event loop.
    """
    return get_response
