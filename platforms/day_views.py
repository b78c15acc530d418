"""A day after it has run: its results page and the facilitator's end-of-day summary.

HR advisers read both, as they read the rest of the programme; anyone outside the
organisation gets 404 (workshops.access).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from platforms import days
from workshops.access import get_workshop_for
from workshops.http import AuthenticatedHttpRequest


@require_GET
@login_required
def day_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every run of the day in agenda order, as the room saw it at its end, with its
    downloads and what of it went onward to the lederplattform."""
    workshop, access = get_workshop_for(request, pk)
    context = {
        "workshop": workshop,
        "programme": workshop.programme,
        "access": access,
        "results": days.day_results(workshop),
        "not_run": days.not_run(workshop),
    }
    return TemplateResponse(request, "platforms/day_results.html", context)


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
    }
    template = "platforms/day_summary.html"
    return TemplateResponse(request, f"{template}#summary" if request.htmx else template, context)
