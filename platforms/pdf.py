"""HTML to PDF with WeasyPrint, in a child process bounded in time and memory.

WeasyPrint lays out whatever it is given: a logo of 144 million pixels made a web process grow
several times over for many seconds (docs/performance.md), and a long enough document takes
minutes. Celery's own limits
don't bound that: its hard time limit kills the whole worker child (the job is then lost, not
failed), and `worker_max_memory_per_child` replaces a child only after its task has finished.
So each PDF is made in a process of its own:

- its address space is capped (RLIMIT_AS), so a render that grows past the limit fails
  (MemoryError, or GLib giving up) instead of taking the machine;
- an alarm ends it at the time limit, even when the process that asked for it is gone (a
  worker killed mid-render), and the asker stops waiting soon after;
- Pillow in it refuses images over the logo's pixel cap, and its URL fetcher serves only the
  files it is given (see PosterURLFetcher).

The processes come from a render server: this module run as `python -m platforms.pdf`, one per
process that renders (a worker's child, or the web process where tasks run eagerly), started at
its first render and ending with it (it stops when its input closes). It imports WeasyPrint
once and forks one child per render, so a render starts in milliseconds instead of the second
a new interpreter takes; being single-threaded, it can fork safely, which the web process and
the worker (threads of the database pool, the live bus) can't, and multiprocessing may not
from a Celery child (a "daemonic" process). Requests and answers are pickles on its stdin and
stdout, between this module and itself. When a child ends, whatever WeasyPrint kept (its font
configuration grew a worker by half a MiB per poster) goes with it.
"""

from __future__ import annotations

import mimetypes
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

# Why a render failed, as RenderJob.Failure names it.
TOO_SLOW, TOO_BIG, ERROR = "too_slow", "too_big", "error"
# How a child that met a MemoryError ends (sending a message could need memory it hasn't got).
EXIT_OUT_OF_MEMORY = 3

# The asker waits this much longer than the child's own alarm, for the PDF to come through.
GRACE_SECONDS = 5


class RenderFailed(Exception):
    """The render stopped: `reason` is TOO_SLOW, TOO_BIG or ERROR, `detail` what happened."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Rendered:
    pdf: bytes
    # The URLs the fetcher served and refused (the tests read them).
    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class PosterURLFetcher(URLFetcher):
    """Serve only the listed files, from disk; refuse and record every other URL."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
        self.allowed = {path.resolve() for path in allowed}
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._local_path(url)
        if path is None or path not in self.allowed:
            self.refused.append(url)
            raise ValueError(f"The poster may not load {url[:200]!r}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            content_type = "font/ttf"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def _local_path(url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        return Path(url2pathname(unquote(parts.path))).resolve()


def write_pdf(
    html: str,
    *,
    base_url: str,
    allowed: list[Path],
    time_limit: int,
    memory_limit: int,
    max_image_pixels: int,
    while_waiting: Callable[[], None] | None = None,
    every: float = 10.0,
    pdf_variant: str | None = None,
) -> Rendered:
    """The PDF of `html`, made in a child process that may read only `allowed`, run for
    `time_limit` seconds and use `memory_limit` bytes of address space; `while_waiting` is
    called every `every` seconds meanwhile. Raises RenderFailed."""
    request = {
        "html": html,
        "base_url": base_url,
        "allowed": [str(path) for path in allowed],
        "time_limit": time_limit,
        "memory_limit": memory_limit,
        "max_image_pixels": max_image_pixels,
        "pdf_variant": pdf_variant,  # "pdf/ua-1" for a tagged, accessible PDF
    }
    try:
        outcome = _server.ask(
            request, timeout=time_limit + GRACE_SECONDS, while_waiting=while_waiting, every=every
        )
    except TimeoutError:
        raise RenderFailed(TOO_SLOW, f"no PDF after {time_limit} s") from None
    except EOFError:
        raise RenderFailed(ERROR, "the render server stopped during the render") from None
    if "exitcode" in outcome:
        raise _ended(outcome["exitcode"], time_limit, memory_limit)
    if outcome["reason"] != "pdf":
        raise RenderFailed(outcome["reason"], outcome["detail"])
    return Rendered(outcome["pdf"], outcome["served"], outcome["refused"])


# Messages on the pipes: a length, then a pickle (trusted: this module talks to itself).
_LENGTH = struct.Struct("!Q")


def _write_message(fd: int, message) -> None:
    data = pickle.dumps(message)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    """`size` bytes from fd; EOFError when it closes first, TimeoutError when the deadline
    (if any) passes first."""
    chunks, left = [], size
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int, deadline: float | None = None):
    head = _read_exactly(fd, _LENGTH.size, deadline)
    return pickle.loads(_read_exactly(fd, _LENGTH.unpack(head)[0], deadline))


class _RenderServer:
    """This process's render server, started when first asked; one render at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None

    def ask(self, request: dict, *, timeout: float, while_waiting=None, every=10.0) -> dict:
        """The server's answer; TimeoutError when none came in time, EOFError when the server
        died. Either way the server is stopped, and the next render starts a new one."""
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", __name__],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    cwd=Path(__file__).resolve().parents[1],
                )
            try:
                _write_message(self.process.stdin.fileno(), request)
                deadline = time.monotonic() + timeout
                answers = self.process.stdout.fileno()
                while not select.select([answers], [], [], min(every, _left(deadline)))[0]:
                    if _left(deadline) == 0:
                        raise TimeoutError
                    if while_waiting is not None:
                        while_waiting()
                return _read_message(answers, deadline)
            except TimeoutError:  # an OSError too, but not a broken pipe
                self.stop()
                raise
            except OSError:  # a broken pipe: the server is gone (killed, out of memory)
                self.stop()
                raise EOFError from None
            except BaseException:
                # Timed out, gone, or interrupted (Celery's soft time limit): a server still at
                # work would answer the next request with this one's PDF, so it goes.
                self.stop()
                raise

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


_server = _RenderServer()


# How a render that runs out of address space usually ends: GLib (under Pango and cairo) aborts
# when an allocation fails (SIGTRAP or SIGABRT), a thread can't get its stack, or C code that
# took a failed allocation for memory crashes (SIGSEGV, SIGBUS). Python's own MemoryError ends
# the child with EXIT_OUT_OF_MEMORY.
OUT_OF_MEMORY_SIGNALS = {signal.SIGTRAP, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}


def _ended(exitcode: int | None, time_limit: int, memory_limit: int) -> RenderFailed:
    """Why a child that sent nothing is gone."""
    if exitcode in (-signal.SIGALRM, -signal.SIGXCPU):
        return RenderFailed(TOO_SLOW, f"stopped at the time limit of {time_limit} s")
    if exitcode == EXIT_OUT_OF_MEMORY:
        return RenderFailed(TOO_BIG, f"more than {memory_limit // 2**20} MiB")
    if exitcode is not None and exitcode < 0 and -exitcode in OUT_OF_MEMORY_SIGNALS:
        return RenderFailed(
            TOO_BIG,
            f"the PDF process ended with {signal.Signals(-exitcode).name}, which under the "
            f"limit of {memory_limit // 2**20} MiB is how it runs out of memory",
        )
    # SIGKILL: the kernel's OOM killer, or an operator.
    return RenderFailed(ERROR, f"the PDF process ended without a PDF (exit code {exitcode})")


def _render(request: dict) -> dict:
    """In the child: limit this process, then render. A MemoryError ends it at once."""
    # SIGALRM's default action ends the process, whatever it is doing, and whoever waits.
    signal.alarm(request["time_limit"])
    memory_limit = request["memory_limit"]
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    from PIL import Image

    # Above twice this, Pillow refuses to open an image; WeasyPrint then leaves it out.
    Image.MAX_IMAGE_PIXELS = request["max_image_pixels"]
    fetcher = PosterURLFetcher([Path(path) for path in request["allowed"]])
    try:
        pdf = HTML(
            string=request["html"], base_url=request["base_url"], url_fetcher=fetcher
        ).write_pdf(font_config=FontConfiguration(), pdf_variant=request["pdf_variant"])
        return {"reason": "pdf", "pdf": pdf, "served": fetcher.served, "refused": fetcher.refused}
    except MemoryError:
        # What WeasyPrint built may still hold the memory: say it with the exit code alone.
        os._exit(EXIT_OUT_OF_MEMORY)
    except Exception as exc:  # the asker records it; a child has nobody else to tell
        return {"reason": ERROR, "detail": f"{type(exc).__name__}: {exc}"[:2000]}


def serve(requests: int, answers: int) -> None:
    """The render server: for each request, a child renders it and writes its answer on a pipe
    of its own; the server passes it on, or, when the child ended without one, how it ended.
    It ends, and stops a render under way, when its input does (its asker is gone)."""
    while True:
        try:
            request = _read_message(requests)
        except EOFError:
            return
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(read_end)
            try:
                _write_message(write_end, _render(request))
            except MemoryError:
                os._exit(EXIT_OUT_OF_MEMORY)
            os._exit(0)
        os.close(write_end)
        # The asker sends nothing more until it has its answer: its input becoming readable
        # means it is gone (killed mid-render), and so is any use for this render.
        if requests in select.select([read_end, requests], [], [])[0]:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return
        try:
            answer = _read_message(read_end)
        except EOFError:
            answer = None
        os.close(read_end)
        _pid, status = os.waitpid(child, 0)
        if answer is None:
            answer = {"exitcode": os.waitstatus_to_exitcode(status)}
        _write_message(answers, answer)


if __name__ == "__main__":
    # The answers go on the real stdout; anything printed (a library's warning) goes to stderr.
    answers = os.dup(1)
    os.dup2(2, 1)
    serve(0, answers)
