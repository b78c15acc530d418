"""The lederplakat: one template for the browser preview and the PDF, rendered by WeasyPrint.

Participant text reaches the poster only as autoescaped element text. WeasyPrint still gets a
URL fetcher that serves exactly the poster stylesheet, the shipped fonts and the organisation's
logo, read from disk, and refuses every other URL: whatever someone manages to smuggle into
the page can make WeasyPrint read no file and call no server.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import threading
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from platforms import live
from platforms.models import LeadershipPlatform, PosterRender
from platforms.services import clean_text, record_version
from workshops.models import Organisation

STYLESHEET = "css/poster.css"
FONTS = ["fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "fonts/DejaVuSerif-Bold.ttf"]
DEFAULT_PRIMARY = "#1F4E79"
DEFAULT_SECONDARY = "#F2C14E"
PAGE_SIZES = {"a3": "A3 portrait", "a4": "A4 portrait"}
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# WeasyPrint logs every layout step at INFO; a worker rendering hundreds of posters needs none.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# WeasyPrint makes a new fontconfig/Pango font configuration for every document unless given
# one, and never frees all of it: a worker grew by about half a MiB per poster (make bench).
# Posters load only the shipped fonts, so each thread keeps one configuration and reuses it.
_fonts = threading.local()


def font_config() -> FontConfiguration:
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


# Colours


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #RRGGBB colours, from 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    return "#000000" if contrast_ratio(background, "#000000") >= 4.5 else "#FFFFFF"


def brand(organisation: Organisation) -> dict:
    primary = organisation.brand_primary if _HEX.match(organisation.brand_primary or "") else ""
    secondary = (
        organisation.brand_secondary if _HEX.match(organisation.brand_secondary or "") else ""
    )
    primary, secondary = primary or DEFAULT_PRIMARY, secondary or DEFAULT_SECONDARY
    return {
        "primary": primary,
        "secondary": secondary,
        "on_primary": text_colour_on(primary),
        "on_secondary": text_colour_on(secondary),
    }


def contrast_warnings(organisation: Organisation) -> list[str]:
    """Warn where text in the brand colours would be hard to read (WCAG AA: 4.5:1)."""
    colours = brand(organisation)
    warnings = []
    checks = [
        (colours["primary"], colours["on_primary"], _("Text on the primary colour")),
        (colours["secondary"], colours["on_secondary"], _("Text on the secondary colour")),
        (colours["primary"], "#FFFFFF", _("The primary colour as text on white")),
    ]
    for background, foreground, what in checks:
        ratio = contrast_ratio(background, foreground)
        if ratio < 4.5:
            warnings.append(
                _("%(what)s is hard to read (contrast %(ratio).1f:1, at least 4.5:1 is needed).")
                % {"what": what, "ratio": ratio}
            )
    return warnings


# The URL fetcher


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


def _static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


def _logo_path(organisation: Organisation) -> Path | None:
    if not organisation.logo:
        return None
    path = Path(organisation.logo.path)
    return path if path.is_file() else None


# Rendering


def diamond_rows(values: list) -> list[list]:
    """Nine values in rows of 1-2-3-2-1, the diamond's order."""
    return [values[0:1], values[1:3], values[3:6], values[6:8], values[8:9]]


# No field on a poster needs more; a longer text (an old version, a bug) can't stall WeasyPrint.
MAX_TEXT = 1000


def _cleaned(data: dict) -> dict:
    """Every text cleaned again and capped, whatever version the data comes from."""
    if isinstance(data, str):
        return clean_text(data)[:MAX_TEXT]
    if isinstance(data, dict):
        return {k: _cleaned(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_cleaned(v) for v in data]
    return data


def poster_context(
    organisation: Organisation, data: dict, *, size: str, for_pdf: bool, version=None
) -> dict:
    data = _cleaned(data)
    values = data.get("values", [])
    logo = _logo_path(organisation)
    if for_pdf:
        stylesheet_url = _static_path(STYLESHEET).as_uri()
        logo_url = logo.as_uri() if logo else ""
    else:
        stylesheet_url = static(STYLESHEET)
        logo_url = organisation.logo.url if logo else ""
    has_practices = any(any(v["practices"].values()) for v in values)
    return {
        "organisation": organisation,
        "data": data,
        "values": values,
        "diamond": diamond_rows(values) if len(values) == 9 else None,
        "has_practices": has_practices,
        "brand": brand(organisation),
        "page_size": PAGE_SIZES.get(size, PAGE_SIZES["a3"]),
        "size": size if size in PAGE_SIZES else "a3",
        "stylesheet_url": stylesheet_url,
        "logo_url": logo_url,
        "for_pdf": for_pdf,
        "version": version,
    }


def render_html(
    organisation: Organisation, data: dict, *, size: str, language: str, for_pdf: bool, **extra
) -> str:
    with translation.override(language):
        context = poster_context(organisation, data, size=size, for_pdf=for_pdf)
        return render_to_string("platforms/poster.html", {**context, **extra})


def render_pdf(
    organisation: Organisation, data: dict, *, size: str = "a3", language: str = "nb"
) -> tuple[bytes, PosterURLFetcher]:
    allowed = [_static_path(STYLESHEET), *(_static_path(f) for f in FONTS)]
    if logo := _logo_path(organisation):
        allowed.append(logo)
    fetcher = PosterURLFetcher(allowed)
    html = render_html(organisation, data, size=size, language=language, for_pdf=True)
    pdf = HTML(
        string=html, base_url=_static_path(STYLESHEET).parent.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(font_config=font_config())
    return pdf, fetcher


def render_platform_pdf(
    platform: LeadershipPlatform, *, size: str = "a3", language: str = "nb"
) -> bytes:
    """The current state, straight to bytes (the render_poster command)."""
    version = record_version(platform, by=None, summary="poster")
    pdf, _fetcher = render_pdf(
        platform.programme.organisation, version.snapshot, size=size, language=language
    )
    return pdf


# The PosterRender life cycle: queued → rendering → ready | failed


def request_render(
    platform: LeadershipPlatform, *, size: str, language: str, by
) -> tuple[PosterRender, bool]:
    """The poster of the current version; queued (after commit) unless it exists already."""
    from platforms.tasks import render_poster_task  # the task module imports this one

    with transaction.atomic():
        LeadershipPlatform.objects.select_for_update().get(pk=platform.pk)
        version = record_version(platform, by=by, summary="poster")
        job, created = PosterRender.objects.get_or_create(
            version=version,
            size=size,
            language=language,
            defaults={"platform": platform, "requested_by": by},
        )
        if not created and job.status == PosterRender.Status.FAILED:
            job.status, job.error = PosterRender.Status.QUEUED, ""
            job.save(update_fields=["status", "error"])
            created = True
        if created:
            live.announce(platform.pk, job.pk, job.status)
            # robust: with eager tasks (no broker) a failed render must not fail the request;
            # the row records the failure.
            transaction.on_commit(lambda: render_poster_task.delay(job.pk), robust=True)
    return job, created


def render(render_id: int, *, final: bool = True) -> PosterRender:
    """Render one PosterRender; safe to run twice (a redelivered task finds it ready)."""
    with transaction.atomic():
        job = (
            PosterRender.objects.select_for_update()
            .select_related("version", "platform__programme__organisation")
            .get(pk=render_id)
        )
        if (
            job.status == PosterRender.Status.READY
            and job.file
            and job.file.storage.exists(job.file.name)
        ):
            return job
        job.status = PosterRender.Status.RENDERING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
        live.announce(job.platform_id, job.pk, job.status)

    # The slow part runs without the row lock held.
    try:
        pdf, _fetcher = render_pdf(
            job.platform.programme.organisation,
            job.version.snapshot,
            size=job.size,
            language=job.language,
        )
        name = _write_atomically(job, pdf)
    except Exception as exc:
        status = PosterRender.Status.FAILED if final else PosterRender.Status.QUEUED
        PosterRender.objects.filter(pk=job.pk).update(
            status=status,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now() if final else None,
        )
        live.announce(job.platform_id, job.pk, status)
        raise
    PosterRender.objects.filter(pk=job.pk).update(
        status=PosterRender.Status.READY, file=name, error="", finished_at=timezone.now()
    )
    live.announce(job.platform_id, job.pk, PosterRender.Status.READY)
    job.refresh_from_db()
    return job


def _write_atomically(job: PosterRender, pdf: bytes) -> str:
    # One fixed name per render: a retried or redelivered task replaces the same file, and a
    # reader never sees half a PDF because os.replace swaps the complete file in at once.
    name = (
        f"posters/{job.platform_id}/lederplakat-{job.pk}-v{job.version.number}"
        f"-{job.size}-{job.language}.pdf"
    )
    final = Path(settings.MEDIA_ROOT) / name
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return name


def latest_ready(platform: LeadershipPlatform) -> PosterRender | None:
    return platform.renders.filter(status=PosterRender.Status.READY).first()
