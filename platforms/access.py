"""Who may see and change a lederplattform, built on workshops.access.

Members of the programme's organisation read it (HR downloads posters); facilitators and
admins change it; anyone else gets 404, so ids leak nothing about other organisations.
"""

from __future__ import annotations

from django.http import Http404

from exercises.models import Run
from platforms.models import (
    DayReportRender,
    LeadershipPlatform,
    PlatformVersion,
    PosterRender,
    ReportRender,
    Value,
    VisionProposal,
)
from platforms.services import platform_for
from workshops.access import Access, get_programme_for
from workshops.http import AuthenticatedHttpRequest


def get_platform_for(
    request: AuthenticatedHttpRequest, programme_pk: int, *, edit: bool = False
) -> tuple[LeadershipPlatform, Access]:
    programme, access = get_programme_for(request, programme_pk, edit=edit)
    return platform_for(programme), access


def _owned(request, model, pk: int, platform_path: str, *, edit: bool):
    row = model.objects.select_related(platform_path).filter(pk=pk).first()
    if row is None:
        raise Http404
    platform = row
    for attr in platform_path.split("__"):
        platform = getattr(platform, attr)
    _programme, access = get_programme_for(request, platform.programme_id, edit=edit)
    return row, access


def get_value_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[Value, Access]:
    return _owned(request, Value, pk, "platform", edit=edit)


def get_proposal_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[VisionProposal, Access]:
    return _owned(request, VisionProposal, pk, "platform", edit=edit)


def get_version_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[PlatformVersion, Access]:
    return _owned(request, PlatformVersion, pk, "platform", edit=edit)


def get_render_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[PosterRender, Access]:
    return _owned(request, PosterRender, pk, "platform", edit=edit)


def get_report_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[ReportRender, Access]:
    return _owned(request, ReportRender, pk, "platform", edit=edit)


def get_run_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[Run, LeadershipPlatform, Access]:
    """An exercise run of one of the programmes the visitor may see, with that programme's
    platform: the source of what is promoted to the platform."""
    run = Run.objects.select_related("exercise__agenda_item", "workshop").filter(pk=pk).first()
    if run is None:
        raise Http404
    programme, access = get_programme_for(request, run.workshop.programme_id, edit=edit)
    return run, platform_for(programme), access


def get_day_report_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[DayReportRender, Access]:
    return _owned(request, DayReportRender, pk, "platform", edit=edit)
