"""A lean HTTP/1.1 client for sending load: keep-alive connections and nothing else.

The benchmarks run their load on the same two cores as the server. httpx spent about as much
CPU per request as the server did, and with thousands of requests queued for its 200
connections it slowed further (each freed connection looks through the queue), so in an
overload the figures measured the client rather than the server. This one costs a small
fraction of that: a request is a few bytes written and a response read by its length.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlencode


class KeepAliveClient:
    def __init__(self, port: int, connections: int = 200, timeout: float = 30) -> None:
        self.port, self.timeout = port, timeout
        self._idle: asyncio.Queue = asyncio.Queue()
        for _ in range(connections):
            self._idle.put_nowait(None)  # opened when first used

    async def post(self, path: str, form: dict[str, str], headers: dict[str, str]) -> int:
        """Send a form; the response's status (its body is read and dropped)."""
        body = urlencode(form).encode()
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        connection = await self._idle.get()
        try:
            async with asyncio.timeout(self.timeout):
                # The server closes a connection left idle for a while (uvicorn: after 5 s);
                # a request that finds it closed goes again on a new one, as browsers do.
                for fresh in (connection is None, True):
                    if fresh:
                        if connection is not None:
                            connection[1].close()
                        connection = await asyncio.open_connection("127.0.0.1", self.port)
                    reader, writer = connection
                    if reader.at_eof() and not fresh:
                        continue
                    try:
                        writer.write(request)
                        status, keep = await _read_response(reader)
                    except (asyncio.IncompleteReadError, ConnectionError):
                        if fresh:
                            raise
                        continue
                    break
            if not keep:
                writer.close()
                connection = None
            return status
        except BaseException:
            if connection is not None:
                connection[1].close()
            connection = None  # a fresh one next time
            raise
        finally:
            self._idle.put_nowait(connection)

    async def aclose(self) -> None:
        while not self._idle.empty():
            connection = self._idle.get_nowait()
            if connection is not None:
                connection[1].close()
                with contextlib.suppress(Exception):
                    await connection[1].wait_closed()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")  # the empty trailer
    else:
        await reader.readexactly(int(headers.get("content-length", 0)))
    return status, headers.get("connection") != "close"
