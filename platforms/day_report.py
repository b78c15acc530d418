"""The day report (PDF): a day's agenda planned and actual, who took part, and every result as
the results page shows it, for the facilitator's and HR's files.

Made like the programme report (platforms/report.py): a job (platforms/jobs.py) made by a
worker in a child process bounded in time and memory (platforms/pdf.py), with the poster's URL
fetcher, allowed only the report's stylesheet, the shipped fonts and the organisation's logo.
The results are drawn by each kind's own presenter partial (exercises/results.py): every text
in them is escaped by the template, and control and bidi characters are taken out here.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from platforms import days, jobs, pdf
from platforms.models import DayReportRender
from platforms.poster import FONTS, limits, logo_path, static_path
from platforms.services import clean_text, platform_for
from workshops.models import Workshop

STYLESHEETS = ["css/report.css", "css/day_report.css"]


def day_report_context(workshop: Workshop) -> dict:
    results = days.day_results(workshop)
    for entry in results:
        # Escaped by the kind's template already; what a printed page must not hold goes.
        entry.result.html = mark_safe(clean_text(entry.result.html))
    return {
        "organisation": workshop.programme.organisation.name,
        "programme": workshop.programme,
        "workshop": workshop,
        "made_at": timezone.now(),
        **days.summary(workshop),
        "results": results,
        "not_run": days.not_run(workshop),
    }


def render_day_report_html(workshop: Workshop, *, language: str) -> str:
    logo = logo_path(workshop.programme.organisation)
    with translation.override(language):
        return render_to_string(
            "platforms/day_report.html",
            {
                **day_report_context(workshop),
                "stylesheet_urls": [static_path(name).as_uri() for name in STYLESHEETS],
                "logo_url": logo.as_uri() if logo else "",
            },
        )


def render_day_report_pdf(
    workshop: Workshop, *, language: str = "nb", while_waiting=None
) -> tuple[bytes, pdf.Rendered]:
    allowed = [*(static_path(name) for name in STYLESHEETS)]
    allowed += [static_path(font) for font in FONTS]
    if logo := logo_path(workshop.programme.organisation):
        allowed.append(logo)
    html = render_day_report_html(workshop, language=language)
    rendered = pdf.write_pdf(
        html,
        base_url=static_path(STYLESHEETS[0]).parent.as_uri() + "/",
        allowed=allowed,
        while_waiting=while_waiting,
        **limits(),
    )
    return rendered.pdf, rendered


# The DayReportRender's life (platforms/jobs.py): queued → rendering → ready | failed


def request_day_report(workshop: Workshop, *, language: str, by) -> tuple[DayReportRender, bool]:
    """The day's report in this language, and whether it is queued now (after commit). Asking
    again makes it again from the day as it is now, unless it is being made already."""
    platform = platform_for(workshop.programme)
    with transaction.atomic():
        Workshop.objects.select_for_update().get(pk=workshop.pk)
        job, created = DayReportRender.objects.get_or_create(
            workshop=workshop,
            language=language,
            defaults={"requested_by": by, "platform": platform},
        )
        if created or not job.is_pending or jobs.is_lost(job):
            jobs.queue(job, by=by)
            return job, True
    return job, False


def render(report_id: int) -> DayReportRender | None:
    """Make one DayReportRender (see jobs.run)."""
    return jobs.run(DayReportRender, report_id, ("workshop__programme__organisation",), _make)


def _make(job: DayReportRender) -> str:
    content, _rendered = render_day_report_pdf(
        job.workshop, language=job.language, while_waiting=lambda: jobs.beat(job)
    )
    return jobs.write_file(
        f"reports/days/{job.workshop_id}/samlingsrapport-{job.pk}-{job.language}.pdf", content
    )
