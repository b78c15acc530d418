"""The lederplakat: one template for the browser preview and the PDF, rendered by WeasyPrint.

Participant text reaches the poster only as autoescaped element text. WeasyPrint still gets a
URL fetcher that serves exactly the poster stylesheet, the shipped fonts and the organisation's
logo, read from disk, and refuses every other URL: whatever someone manages to smuggle into
the page can make WeasyPrint read no file and call no server. It runs in a child process
bounded in time and memory (platforms/pdf.py); the job's life is in platforms/jobs.py.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from platforms import jobs, pdf, poster_layout
from platforms.models import LeadershipPlatform, PlatformVersion, PosterRender, Step
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
logger = logging.getLogger(__name__)


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


def tint(colour: str, share: float) -> str:
    """`colour` mixed with white, `share` of it kept: the poster's pale panels."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in channels)


def brand(organisation: Organisation) -> dict:
    primary = organisation.brand_primary if _HEX.match(organisation.brand_primary or "") else ""
    secondary = (
        organisation.brand_secondary if _HEX.match(organisation.brand_secondary or "") else ""
    )
    primary, secondary = primary or DEFAULT_PRIMARY, secondary or DEFAULT_SECONDARY
    panel = tint(primary, 0.1)
    # Headings are set in the primary colour where it reads as text on the pale panels.
    ink = primary if contrast_ratio(primary, panel) >= 4.5 else "#1A1A1A"
    return {
        "primary": primary,
        "secondary": secondary,
        "on_primary": text_colour_on(primary),
        "on_secondary": text_colour_on(secondary),
        "tint": panel,
        "ink": ink,
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


def static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


def logo_path(organisation: Organisation) -> Path | None:
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


SIDES = {
    "ourselves": pgettext_lazy("poster", "We expect of ourselves"),
    "each_other": pgettext_lazy("poster", "We expect of each other"),
    "others": pgettext_lazy("poster", "Others can expect of us"),
}


def _matrix(values: list[dict], sides: list[str]) -> list[dict]:
    """Each value with its characteristics of good practice, one list per side shown."""
    return [
        {
            **value,
            "cells": [[p["text"] for p in value["practices"].get(side, [])] for side in sides],
        }
        for value in values
    ]


def footer(data: dict, version, programme) -> dict:
    """The footer's two halves: when and which version, and the programme it came from."""
    when = ""
    if version is not None:
        date = date_format(timezone.localtime(version.created_at), "j. F Y")
        if data.get("step", 0) >= Step.DECIDE:
            when = _("Adopted %(date)s · version %(number)s")
        else:
            when = _("Draft of %(date)s · version %(number)s")
        when %= {"date": date, "number": version.number}
    what = programme.title if programme is not None else ""
    return {"when": when, "what": _without_organisation(what, programme)}


def _without_organisation(title: str, programme) -> str:
    """The programme's title without the organisation's name where it ends with it
    ("Lederutviklingsprogram 2026, Seljord kommune"): the header names it already."""
    if programme is None:
        return title
    name = programme.organisation.name
    for separator in (", ", " – ", " - ", " · "):
        if title.endswith(separator + name) and len(title) > len(separator + name):
            return title[: -len(separator + name)]
    return title


def poster_context(
    organisation: Organisation,
    data: dict,
    *,
    size: str,
    for_pdf: bool,
    version=None,
    programme=None,
) -> dict:
    data = _cleaned(data)
    size = size if size in PAGE_SIZES else "a3"
    logo = logo_path(organisation)
    if for_pdf:
        stylesheet_url = static_path(STYLESHEET).as_uri()
        logo_url = logo.as_uri() if logo else ""
    else:
        stylesheet_url = static(STYLESHEET)
        logo_url = organisation.logo.url if logo else ""
    layout = poster_layout.compute(
        data,
        page=size,
        organisation=organisation.name,
        has_logo=bool(logo),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        side_labels={side: str(label) for side, label in SIDES.items()},
    )
    values = data.get("values", [])
    return {
        "organisation": organisation,
        "title": _("Leadership platform for %(organisation)s")
        % {"organisation": organisation.name},
        "data": data,
        "values": values,
        "diamond": diamond_rows(values) if layout.value_style == "diamond" else None,
        "value_rows": poster_layout.value_rows(values, layout.value_columns),
        "matrix": _matrix(values, layout.sides) if layout.value_style == "matrix" else None,
        "sides": [SIDES[side] for side in layout.sides],
        "layout": layout,
        "footer": footer(data, version, programme),
        "brand": brand(organisation),
        "page_size": PAGE_SIZES[size],
        "size": size,
        "stylesheet_url": stylesheet_url,
        "logo_url": logo_url,
        "for_pdf": for_pdf,
        "version": version,
    }


def render_html(
    organisation: Organisation,
    data: dict,
    *,
    size: str,
    language: str,
    for_pdf: bool,
    version=None,
    programme=None,
    **extra,
) -> str:
    with translation.override(language):
        context = poster_context(
            organisation, data, size=size, for_pdf=for_pdf, version=version, programme=programme
        )
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
    version=None,
    programme=None,
    while_waiting: Callable[[], None] | None = None,
) -> tuple[bytes, pdf.Rendered]:
    """The poster's PDF and what its URL fetcher served and refused; raises pdf.RenderFailed
    when the render runs out of time or memory. `while_waiting` is called now and then."""
    allowed = [static_path(STYLESHEET), *(static_path(f) for f in FONTS)]
    if logo := logo_path(organisation):
        allowed.append(logo)
    html = render_html(
        organisation,
        data,
        size=size,
        language=language,
        for_pdf=True,
        version=version,
        programme=programme,
    )
    # PDF/UA-1: tagged (headings, lists, the logo's alternative text), with the document's
    # language and a title the reader shows; a public-sector document must be accessible.
    rendered = pdf.write_pdf(
        html,
        base_url=static_path(STYLESHEET).parent.as_uri() + "/",
        allowed=allowed,
        while_waiting=while_waiting,
        pdf_variant="pdf/ua-1",
        **limits(),
    )
    return rendered.pdf, rendered


def render_version_pdf(
    version: PlatformVersion,
    *,
    size: str,
    language: str,
    while_waiting: Callable[[], None] | None = None,
) -> tuple[bytes, pdf.Rendered]:
    """The poster of one version of a platform, with its footer."""
    programme = version.platform.programme
    return render_pdf(
        programme.organisation,
        version.snapshot,
        size=size,
        language=language,
        version=version,
        programme=programme,
        while_waiting=while_waiting,
    )


def render_platform_pdf(
    platform: LeadershipPlatform, *, size: str = "a3", language: str = "nb"
) -> bytes:
    """The current state, straight to bytes (the render_poster command)."""
    version = record_version(platform, by=None, summary="poster")
    content, _rendered = render_version_pdf(version, size=size, language=language)
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
    """Render one PosterRender (see jobs.run)."""
    related = ("version", "platform__programme__organisation")
    return jobs.run(PosterRender, render_id, related, _make)


def _make(job: PosterRender) -> str:
    content, _rendered = render_version_pdf(
        job.version, size=job.size, language=job.language, while_waiting=lambda: jobs.beat(job)
    )
    return _store(job, content)


def _store(job: PosterRender, content: bytes) -> str:
    """Write the PDF, then the picture of its first page beside it; the name of the PDF."""
    name = _write_atomically(job, content)
    try:
        make_thumbnail(Path(settings.MEDIA_ROOT) / name)
    except ThumbnailError as exc:
        # The poster itself is fine and stays ready; the pages show it without a picture.
        logger.warning("No preview picture of poster %s: %s", job.pk, exc)
    return name


def _write_atomically(job: PosterRender, content: bytes) -> str:
    # One fixed name per render: a retried or redelivered task replaces the same file.
    name = (
        f"posters/{job.platform_id}/lederplakat-{job.pk}-v{job.version.number}"
        f"-{job.size}-{job.language}.pdf"
    )
    return jobs.write_file(name, content)


# The picture of page one: made by pdftoppm (poppler-utils, a system package like WeasyPrint's
# Pango), in a process of its own with a time limit, so a poster's picture can never hang or
# crash the worker. platforms/checks.py warns at start-up where it is missing.

THUMBNAIL_WIDTH = 800  # pixels: sharp at 400 CSS pixels on a high-density screen
THUMBNAIL_SECONDS = 30


class ThumbnailError(Exception):
    pass


def thumbnail_name(pdf_name: str) -> str:
    """The picture of a poster's first page is stored beside it, under the same name."""
    return str(Path(pdf_name).with_suffix(".png"))


def pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


def make_thumbnail(pdf_path: Path) -> Path:
    program = pdftoppm()
    if program is None:
        raise ThumbnailError("pdftoppm (poppler-utils) is not installed")
    final = pdf_path.with_suffix(".png")
    # pdftoppm adds ".png" to the name it is given.
    stem = final.with_name(f".{final.stem}.{uuid.uuid4().hex}")
    made = stem.with_name(stem.name + ".png")
    command = [
        program,
        *("-png", "-f", "1", "-l", "1", "-singlefile"),
        *("-scale-to-x", str(THUMBNAIL_WIDTH), "-scale-to-y", "-1"),
        str(pdf_path),
        str(stem),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=THUMBNAIL_SECONDS)
        os.replace(made, final)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ThumbnailError(str(exc)[:500]) from exc
    finally:
        made.unlink(missing_ok=True)
    return final


def thumbnail_exists(job: PosterRender) -> bool:
    return bool(job.file) and job.file.storage.exists(thumbnail_name(job.file.name))


def showcase(platform: LeadershipPlatform, language: str) -> dict:
    """The lederplakat to lead with: the newest version that has a poster ready, in A3 and
    the reader's language where there is one, with that version's other sizes and languages;
    whether the platform has changed since, and whether a poster is being made."""
    renders = list(platform.renders.select_related("version"))
    ready = [r for r in renders if r.status == PosterRender.Status.READY and r.file]
    latest = platform.latest_version()
    shown, others = None, []
    if ready:
        newest = max(r.version.number for r in ready)
        same_version = [r for r in ready if r.version.number == newest]
        same_version.sort(key=lambda r: (r.size != "a3", r.language != language, -r.pk))
        shown, others = same_version[0], same_version[1:]
    return {
        "platform": platform,
        "programme": platform.programme,
        "poster": shown,
        "others": others,
        "thumbnail": thumbnail_exists(shown) if shown else False,
        "when": footer(shown.version.snapshot, shown.version, None)["when"] if shown else "",
        "pending": any(r.is_pending for r in renders),
        "outdated": bool(shown and latest and latest.number > shown.version.number),
        "latest_version": latest,
    }


def latest_ready(platform: LeadershipPlatform) -> PosterRender | None:
    return platform.renders.filter(status=PosterRender.Status.READY).first()
