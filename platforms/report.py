"""The programme report (PDF): each day's agenda and the exercise results that were taken
onward to the lederplattform, found through the platform elements' provenance.

Rendered by WeasyPrint with the poster's URL fetcher, allowed only the report's stylesheet,
the shipped fonts and the organisation's logo; every text is escaped element text.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from exercises import kinds
from platforms.models import LeadershipPlatform
from platforms.poster import FONTS, PosterURLFetcher, _logo_path, _static_path, font_config
from platforms.services import clean_text

STYLESHEET = "css/report.css"
MAX_TEXT = 2000


def _text(value) -> str:
    return clean_text(str(value or ""))[:MAX_TEXT]


def _taken(platform: LeadershipPlatform) -> list[tuple[int, str, str, object]]:
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
    taken = []
    for element, what, text in rows:
        run = element.source_run
        day_id = element.source_workshop_id or (run.workshop_id if run else None)
        if day_id:
            taken.append((day_id, what, text, element))
    return taken


def report_context(platform: LeadershipPlatform) -> dict:
    programme = platform.programme
    groups = {group.pk: group.name for group in programme.groups.all()}
    taken = _taken(platform)
    days = []
    for day in programme.workshops.all():
        # Results taken onward from this day, grouped by the exercise they came from.
        sources: dict[object, dict] = {}
        for day_id, what, text, element in taken:
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
                "taken": list(sources.values()),
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
    logo = _logo_path(platform.programme.organisation)
    with translation.override(language):
        context = report_context(platform)
        return render_to_string(
            "platforms/report.html",
            {
                **context,
                "stylesheet_url": _static_path(STYLESHEET).as_uri(),
                "logo_url": logo.as_uri() if logo else "",
            },
        )


def render_report_pdf(
    platform: LeadershipPlatform, *, language: str = "nb"
) -> tuple[bytes, PosterURLFetcher]:
    allowed = [_static_path(STYLESHEET), *(_static_path(font) for font in FONTS)]
    if logo := _logo_path(platform.programme.organisation):
        allowed.append(logo)
    fetcher = PosterURLFetcher(allowed)
    html = render_report_html(platform, language=language)
    pdf = HTML(
        string=html, base_url=_static_path(STYLESHEET).parent.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(font_config=font_config())  # the poster's: shipped fonts only
    return pdf, fetcher
