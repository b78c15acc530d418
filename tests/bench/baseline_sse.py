"""The baseline for the fan-out benchmark: the least an SSE relay can do.

A raw ASGI app (no framework): each GET /sse gets a queue; one Redis subscriber per worker
process relays every message on the `bench:baseline` channel to all queues. The benchmark
compares Samling's click-to-phone latency with this floor.
Run: uvicorn tests.bench.baseline_sse:app
"""

import asyncio
import os

import redis.asyncio as redis

queues: set[asyncio.Queue] = set()
listener: asyncio.Task | None = None


async def relay() -> None:
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe("bench:baseline")
    async for message in pubsub.listen():
        if message["type"] == "message":
            for queue in list(queues):
                queue.put_nowait(message["data"])


async def app(scope, receive, send) -> None:
    global listener
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if listener is None:
        listener = asyncio.create_task(relay())
    headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b": hello\n\n", "more_body": True})
    queue: asyncio.Queue = asyncio.Queue()
    queues.add(queue)
    await receive()  # the (empty) request body; the next message is the disconnect

    async def pump() -> None:
        while True:
            body = await queue.get()
            await send({"type": "http.response.body", "body": body, "more_body": True})

    pumping = asyncio.create_task(pump())
    try:
        await receive()  # returns when the client goes away
    finally:
        pumping.cancel()
        queues.discard(queue)
