"""The lederplakat: one template for the browser preview and the PDF, rendered by WeasyPrint.

Participant text reaches the poster only as autoescaped element text. WeasyPrint still gets a
URL fetcher that serves exactly the poster stylesheet, the shipped fonts and the organisation's
logo, read from disk, and refuses every other URL: whatever someone manages to smuggle into
the page can make WeasyPrint read no file and call no server. It runs in a child process
bounded in time and memory (platforms/pdf.py); the job's life is in platforms/jobs.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _

from platforms import jobs, pdf
from platforms.models import LeadershipPlatform, PosterRender
from platforms.services import clean_text, record_version
from workshops import logos
from workshops.models import Organisation

STYLESHEET = "css/poster.css"
FONTS = ["fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "fonts/DejaVuSerif-Bold.ttf"]
DEFAULT_PRIMARY = "#1F4E79"
DEFAULT_SECONDARY = "#F2C14E"
PAGE_SIZES = {"a3": "A3 portrait", "a4": "A4 portrait"}
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# WeasyPrint logs every layout step at INFO; a worker rendering hundreds of posters needs none.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


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


# The files WeasyPrint may read (PosterURLFetcher, in platforms/pdf.py, refuses all others)


def _static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


def _logo_path(organisation: Organisation) -> Path | None:
    """The logo's file, unless it is missing or one the renderer must not decode (an old one,
    stored before uploads were checked, of more pixels than logos.MAX_PIXELS)."""
    if not organisation.logo:
        return None
    path = Path(organisation.logo.path)
    if not path.is_file() or logos.problem_of_stored(path):
        return None
    return path


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


def limits() -> dict:
    """How far one render may go (platforms/pdf.py), from the settings, and how often the
    process waiting for it says it is alive (platforms/jobs.py)."""
    return {
        "time_limit": settings.RENDER_TIME_LIMIT,
        "memory_limit": settings.RENDER_MEMORY_LIMIT_MB * 2**20,
        "max_image_pixels": logos.MAX_PIXELS,
        "every": jobs.beat_every(),
    }


def render_pdf(
    organisation: Organisation,
    data: dict,
    *,
    size: str = "a3",
    language: str = "nb",
    while_waiting: Callable[[], None] | None = None,
) -> tuple[bytes, pdf.Rendered]:
    """The poster's PDF and what its URL fetcher served and refused; raises pdf.RenderFailed
    when the render runs out of time or memory. `while_waiting` is called now and then."""
    allowed = [_static_path(STYLESHEET), *(_static_path(f) for f in FONTS)]
    if logo := _logo_path(organisation):
        allowed.append(logo)
    html = render_html(organisation, data, size=size, language=language, for_pdf=True)
    rendered = pdf.write_pdf(
        html,
        base_url=_static_path(STYLESHEET).parent.as_uri() + "/",
        allowed=allowed,
        while_waiting=while_waiting,
        **limits(),
    )
    return rendered.pdf, rendered


def render_platform_pdf(
    platform: LeadershipPlatform, *, size: str = "a3", language: str = "nb"
) -> bytes:
    """The current state, straight to bytes (the render_poster command)."""
    version = record_version(platform, by=None, summary="poster")
    content, _rendered = render_pdf(
        platform.programme.organisation, version.snapshot, size=size, language=language
    )
    return content


# The PosterRender's life (platforms/jobs.py): queued → rendering → ready | failed


def request_render(
    platform: LeadershipPlatform, *, size: str, language: str, by
) -> tuple[PosterRender, bool]:
    """The poster of the current version, and whether it is queued now (after commit): it
    is when it is new, failed, lost (nobody is making it) or its file is gone."""
    with transaction.atomic():
        LeadershipPlatform.objects.select_for_update().get(pk=platform.pk)
        version = record_version(platform, by=by, summary="poster")
        job, created = PosterRender.objects.get_or_create(
            version=version,
            size=size,
            language=language,
            defaults={"platform": platform, "requested_by": by},
        )
        if created or jobs.needs_queueing(job):
            jobs.queue(job, by=by)
            return job, True
    return job, False


def render(render_id: int) -> PosterRender | None:
    """Render one PosterRender; safe to run twice (a message that comes again finds it ready
    and does nothing). A failure is recorded on the row; one that may pass raises jobs.TryAgain
    as well, for the task to retry it."""
    job = jobs.start(PosterRender, render_id, "version", "platform__programme__organisation")
    if job is None:
        return PosterRender.objects.filter(pk=render_id).first()
    # The slow part runs without the row lock held.
    try:
        content, _rendered = render_pdf(
            job.platform.programme.organisation,
            job.version.snapshot,
            size=job.size,
            language=job.language,
            while_waiting=lambda: jobs.beat(job),
        )
        name = _write_atomically(job, content)
    except pdf.RenderFailed as exc:
        # Too slow or too big stays so on a second try; an error in the renderer may not.
        jobs.fail(job, exc.reason, exc.detail, for_good=exc.reason != pdf.ERROR)
        return _retry_unless_failed(job, exc)
    except Exception as exc:
        jobs.fail(job, PosterRender.Failure.ERROR, f"{type(exc).__name__}: {exc}", for_good=False)
        return _retry_unless_failed(job, exc)
    jobs.finish(job, name)
    return job


def _retry_unless_failed(job, exc: Exception):
    if job.status != job.Status.FAILED:
        raise jobs.TryAgain(str(exc)) from exc
    return job


def _write_atomically(job: PosterRender, content: bytes) -> str:
    # One fixed name per render: a retried or redelivered task replaces the same file.
    name = (
        f"posters/{job.platform_id}/lederplakat-{job.pk}-v{job.version.number}"
        f"-{job.size}-{job.language}.pdf"
    )
    return jobs.write_file(name, content)


def latest_ready(platform: LeadershipPlatform) -> PosterRender | None:
    return platform.renders.filter(status=PosterRender.Status.READY).first()
