"""The programme report (PDF): each day's agenda and the exercise results that were
promoted to the lederplattform, found through the platform elements' provenance.

Rendered by WeasyPrint with the poster's URL fetcher, allowed only the report's stylesheet,
the shipped fonts and the organisation's logo; every text is escaped element text. HR asks for
it, so it is a job like the poster (platforms/jobs.py), made by a worker in a child process
bounded in time and memory (platforms/pdf.py), never in the web process's request.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exercises import kinds
from platforms import jobs, pdf
from platforms.models import LeadershipPlatform, ReportRender
from platforms.poster import FONTS, limits, logo_path, static_path
from platforms.services import clean_text

STYLESHEET = "css/report.css"
MAX_TEXT = 2000


def _text(value) -> str:
    return clean_text(str(value or ""))[:MAX_TEXT]


def _promoted(platform: LeadershipPlatform) -> list[tuple[int, str, str, object]]:
    """Every element that came from a day: (the day's id, what it became, its text, itself)."""
    related = ("source_run__exercise__agenda_item",)
    rows = [(value, _("Value"), value.name) for value in platform.values.select_related(*related)]
    rows += [
        (point, _("Purpose point"), point.text)
        for point in platform.purpose_points.select_related(*related)
    ]
    rows += [
        (proposal, _("Vision") if proposal.is_chosen else _("Vision proposal"), proposal.text)
        for proposal in platform.vision_proposals.select_related(*related)
    ]
    promoted = []
    for element, what, text in rows:
        run = element.source_run
        day_id = element.source_workshop_id or (run.workshop_id if run else None)
        if day_id:
            promoted.append((day_id, what, text, element))
    return promoted


def report_context(platform: LeadershipPlatform) -> dict:
    programme = platform.programme
    groups = {group.pk: group.name for group in programme.groups.all()}
    promoted = _promoted(platform)
    days = []
    for day in programme.workshops.all():
        # Results promoted from this day, grouped by the exercise they came from.
        sources: dict[object, dict] = {}
        for day_id, what, text, element in promoted:
            if day_id != day.pk:
                continue
            run = element.source_run
            key = run.pk if run else ("label", element.source_label)
            if key not in sources:
                title = run.exercise.agenda_item.title if run else element.source_label
                kind = kinds.KINDS.get(run.exercise.kind) if run else None
                sources[key] = {
                    "title": _text(title) or _("Other sources"),
                    "kind": str(kind.LABEL) if kind else "",
                    "elements": [],
                }
            group = groups.get(element.source_group_id) or (element.source_label if run else "")
            sources[key]["elements"].append(
                {"what": what, "text": _text(text), "group": _text(group)}
            )
        days.append(
            {
                "number": day.number,
                "date": day.date,
                "venue": _text(day.venue),
                "theme": _text(day.theme),
                "between_work": _text(day.between_work),
                "agenda": [
                    {
                        "starts": scheduled.starts_at,
                        "ends": scheduled.ends_at,
                        "title": _text(scheduled.item.title),
                        "description": _text(scheduled.item.description),
                        "kind": scheduled.item.get_kind_display(),
                        "is_break": scheduled.item.is_break,
                    }
                    for scheduled in day.scheduled_items()
                ],
                "promoted": list(sources.values()),
            }
        )
    vision = platform.vision
    return {
        "organisation": _text(programme.organisation.name),
        "programme": _text(programme.title),
        "description": _text(programme.description),
        "days": days,
        "vision": _text(vision.text) if vision else "",
        "values": [_text(value.name) for value in platform.values.all()],
        "version": platform.latest_version(),
        "made_at": timezone.now(),
    }


def render_report_html(platform: LeadershipPlatform, *, language: str) -> str:
    logo = logo_path(platform.programme.organisation)
    with translation.override(language):
        context = report_context(platform)
        return render_to_string(
            "platforms/report.html",
            {
                **context,
                "stylesheet_url": static_path(STYLESHEET).as_uri(),
                "logo_url": logo.as_uri() if logo else "",
            },
        )


def render_report_pdf(
    platform: LeadershipPlatform, *, language: str = "nb", while_waiting=None
) -> tuple[bytes, pdf.Rendered]:
    """The report's PDF and what its URL fetcher served and refused; raises pdf.RenderFailed
    when the render runs out of time or memory."""
    allowed = [static_path(STYLESHEET), *(static_path(font) for font in FONTS)]
    if logo := logo_path(platform.programme.organisation):
        allowed.append(logo)
    html = render_report_html(platform, language=language)
    rendered = pdf.write_pdf(
        html,
        base_url=static_path(STYLESHEET).parent.as_uri() + "/",
        allowed=allowed,
        while_waiting=while_waiting,
        **limits(),  # the poster's, and its shipped fonts only
    )
    return rendered.pdf, rendered


# The ReportRender's life (platforms/jobs.py): queued → rendering → ready | failed


def request_report(platform: LeadershipPlatform, *, language: str, by) -> tuple[ReportRender, bool]:
    """The report in this language, and whether it is queued now (after commit). Asking again
    makes it again from the programme as it is now, unless it is being made already."""
    with transaction.atomic():
        LeadershipPlatform.objects.select_for_update().get(pk=platform.pk)
        job, created = ReportRender.objects.get_or_create(
            platform=platform, language=language, defaults={"requested_by": by}
        )
        if created or not job.is_pending or jobs.is_lost(job):
            jobs.queue(job, by=by)
            return job, True
    return job, False


def render(report_id: int) -> ReportRender | None:
    """Make one ReportRender (see jobs.run)."""
    return jobs.run(ReportRender, report_id, ("platform__programme__organisation",), _make)


def _make(job: ReportRender) -> str:
    content, _rendered = render_report_pdf(
        job.platform, language=job.language, while_waiting=lambda: jobs.beat(job)
    )
    # A fixed name per report and language: the next one replaces it.
    return jobs.write_file(
        f"reports/{job.platform_id}/programmerapport-{job.pk}-{job.language}.pdf", content
    )
