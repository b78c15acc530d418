"""A day after it has run: its results page and the facilitator's end-of-day summary.

HR advisers read both, as they read the rest of the programme; anyone outside the
organisation gets 404 (workshops.access).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from platforms import day_report, days, jobs
from platforms.access import get_day_report_for
from platforms.forms import ReportForm
from platforms.models import DayReportRender
from workshops.access import get_workshop_for
from workshops.http import AuthenticatedHttpRequest

PAGE = "platforms/day_results.html"


def _reports(workshop) -> dict:
    # A report no worker is making any more is queued again when someone looks at it.
    jobs.recover_lost(DayReportRender.objects.filter(workshop=workshop))
    reports = list(DayReportRender.objects.filter(workshop=workshop))
    return {
        "reports": reports,
        "reports_pending": any(job.is_pending for job in reports),
        "report_form": ReportForm(prefix="report"),
    }


@require_GET
@login_required
def day_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every run of the day in agenda order, as the room saw it at its end, with its
    downloads and what of it was promoted to the lederplattform."""
    workshop, access = get_workshop_for(request, pk)
    context = {
        "workshop": workshop,
        "programme": workshop.programme,
        "access": access,
        "results": days.day_results(workshop),
        "not_run": days.not_run(workshop),
        **_reports(workshop),
    }
    return TemplateResponse(request, PAGE, context)


def _reports_section(request, workshop, access, status: str = "") -> HttpResponse:
    context = {
        "workshop": workshop,
        "programme": workshop.programme,
        "access": access,
        "report_status": status,
        **_reports(workshop),
    }
    return TemplateResponse(request, f"{PAGE}#reports", context)


@require_POST
@login_required
def day_report_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make the day report (PDF) in a language: a job for the worker, never made in the
    request. HR asks for it too: it is for their files."""
    workshop, access = get_workshop_for(request, pk)
    form = ReportForm(request.POST, prefix="report")
    if form.is_valid():
        _job, queued = day_report.request_day_report(
            workshop, language=form.cleaned_data["language"], by=request.user
        )
        status = (
            _("The day report is being made.")
            if queued
            else _("The day report is being made already.")
        )
    else:
        status = _("Choose a language.")
    if not request.htmx:
        messages.info(request, status)
        return redirect(reverse("platforms:day_results", args=[workshop.pk]) + "#reports")
    return _reports_section(request, workshop, access, status)


@require_GET
@login_required
def day_report_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk)
    return _reports_section(request, workshop, access)


@require_GET
@login_required
def day_report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, _access = get_day_report_for(request, pk)
    if job.status != DayReportRender.Status.READY or not job.file:
        raise Http404
    name = slugify(f"{job.workshop.programme.title}-samling-{job.workshop.number}") or "samling"
    with job.file.open("rb") as pdf:
        content = pdf.read()
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"samlingsrapport-{name}-{job.language}.pdf"
            )
        },
    )


@require_GET
@login_required
def day_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The end-of-day summary: a page of its own, and (for htmx) the part the ended console
    fetches when the day ends."""
    workshop, access = get_workshop_for(request, pk)
    context = {
        "workshop": workshop,
        "programme": workshop.programme,
        "access": access,
        **days.summary(workshop),
        # In the ended console, which has its own link to the results right above it.
        "in_console": bool(request.htmx),
    }
    template = "platforms/day_summary.html"
    return TemplateResponse(request, f"{template}#summary" if request.htmx else template, context)
