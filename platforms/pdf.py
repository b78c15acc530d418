"""HTML to PDF with WeasyPrint, in a child process bounded in time and memory.

WeasyPrint lays out whatever it is given: a logo of 144 million pixels took a web process from
165 MiB to 1.2 GiB for 17 s, and a long enough document takes minutes. Celery's own limits
don't bound that: its hard time limit kills the whole worker child (the job is then lost, not
failed), and `worker_max_memory_per_child` replaces a child only after its task has finished.
So each PDF is made in a process of its own, forked from a fork server that has WeasyPrint
imported already (a render starts in milliseconds, not the second a new interpreter takes):

- its address space is capped (RLIMIT_AS), so a render that grows past the limit meets a
  MemoryError instead of taking the machine;
- an alarm ends it at the time limit, even when the process that started it is gone (a worker
  killed mid-render), and the parent stops waiting at the same moment;
- Pillow in it refuses images over the logo's pixel cap, and its URL fetcher serves only the
  files it is given (see PosterURLFetcher).

It gets the HTML and the list of files it may read, and sends back the PDF, or why it failed,
over a pipe. It touches no database: this module imports nothing of Django, so the fork server
can load it on its own. When the process ends, whatever WeasyPrint kept (its font
configuration grew a worker by half a MiB per poster) goes with it.
"""

from __future__ import annotations

import mimetypes
import multiprocessing
import os
import resource
import signal
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

# The parent waits this much longer than the child's own alarm, for the PDF to come through.
GRACE_SECONDS = 5

# A fork server, not a plain fork: the web process and the worker run threads (the database
# pool's, the live bus's), and a fork of a threaded process may inherit a lock held for ever.
_processes = multiprocessing.get_context("forkserver")
_processes.set_forkserver_preload([__name__])


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
) -> Rendered:
    """The PDF of `html`, made in a child process that may read only `allowed`, run for
    `time_limit` seconds and use `memory_limit` bytes of address space. Raises RenderFailed."""
    receive, send = _processes.Pipe(duplex=False)
    child = _processes.Process(
        target=_render,
        args=(send, html, base_url, [str(path) for path in allowed]),
        kwargs={
            "time_limit": time_limit,
            "memory_limit": memory_limit,
            "max_image_pixels": max_image_pixels,
        },
        name="pdf-render",
        daemon=True,
    )
    child.start()
    send.close()  # the child holds the only writing end: its death ends the wait below
    try:
        if not receive.poll(time_limit + GRACE_SECONDS):
            raise RenderFailed(TOO_SLOW, f"no PDF after {time_limit} s")
        try:
            outcome = receive.recv()
        except EOFError:
            child.join(GRACE_SECONDS)
            raise _ended(child.exitcode, time_limit, memory_limit) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(GRACE_SECONDS)
    reason, payload, served, refused = outcome
    if reason != "pdf":
        raise RenderFailed(reason, payload)
    return Rendered(payload, served, refused)


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


def _render(
    send,
    html: str,
    base_url: str,
    allowed: list[str],
    *,
    time_limit,
    memory_limit,
    max_image_pixels,
) -> None:
    # SIGALRM's default action ends the process, whatever it is doing, and whoever waits.
    signal.alarm(time_limit)
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    from PIL import Image

    # Above twice this, Pillow refuses to open an image; WeasyPrint then leaves it out.
    Image.MAX_IMAGE_PIXELS = max_image_pixels
    fetcher = PosterURLFetcher([Path(path) for path in allowed])
    try:
        pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            font_config=FontConfiguration()
        )
        outcome = ("pdf", pdf, fetcher.served, fetcher.refused)
    except MemoryError:
        # What WeasyPrint built may still hold the memory: say it with the exit code alone.
        os._exit(EXIT_OUT_OF_MEMORY)
    except Exception as exc:  # the parent records it; a child has nobody else to tell
        outcome = (ERROR, f"{type(exc).__name__}: {exc}"[:2000], [], [])
    try:
        send.send(outcome)
    except MemoryError:
        os._exit(EXIT_OUT_OF_MEMORY)
    send.close()
