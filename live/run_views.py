"""The live day's views of one exercise: a phone sends or picks a role, its group's stream,
and the facilitator's exercise controls on the console."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exercises import runs
from exercises.access import get_run_for
from exercises.models import Member
from live import broadcast, day, groupcast
from live.views import phone_attendee, phone_lost, phone_page, phone_problem, sse_response
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.models import StaleVersion, TransitionRefused

PHASE_STEPS = {"next_phase": +1, "previous_phase": -1}


@require_POST
def submit(request: HttpRequest, code: str, run_pk: int) -> HttpResponse:
    """A phone sends something to the current exercise."""
    try:
        workshop, attendee, run = phone_attendee(request, code)
    except Http404:
        return phone_lost(request, code)
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = uuid.uuid4()
    if run is None or run.pk != run_pk:
        # The day moved on while the phone was offline: say so, instead of saving it elsewhere.
        return phone_problem(
            request,
            _("Not sent"),
            _("This exercise has ended, so nothing was saved. What you typed is still here."),
            workshop=workshop,
            link=reverse("live:phone", args=[workshop.join_code]),
            link_label=_("Go to what is on now"),
        )
    form = run.module.submit(run, attendee, request.POST, token)
    refused = form if form.errors else None
    if not request.htmx:
        if refused is not None:
            return phone_page(request, workshop, attendee, run, refused=refused, token=token)
        return redirect("live:phone", code=workshop.join_code)
    context = broadcast.exercise_context(workshop, attendee, run)
    if refused is not None:
        context["kind"]["form"] = refused  # what was typed stays, with the message next to it
    context = {
        **context,
        "workshop": workshop,
        # After a refusal the phone keeps its token: fixing and resending is the same entry.
        "token": token if refused is not None else uuid.uuid4(),
    }
    return TemplateResponse(request, f"{run.module.TEMPLATE}#mine", context)


@require_POST
def choose_role(request: HttpRequest, code: str, run_pk: int) -> HttpResponse:
    """A phone taps who in its group takes the role the group chooses itself."""
    try:
        workshop, attendee, run = phone_attendee(request, code)
    except Http404:
        return phone_lost(request, code)
    if run is None or run.pk != run_pk or run.module.group_context is None:
        raise Http404
    notice = ""
    try:
        member = runs.decide_role(run, attendee, request.POST.get("member"))
    except TransitionRefused as refused:
        notice = str(refused)
        member = None
    if not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect("live:phone", code=workshop.join_code)
    # The tapping phone sees the change at once; its group's phones get it over their stream.
    group = member.group if member else None
    if group is None:
        mine = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
        group = mine.group if mine else None
    if group is None:
        raise Http404
    language = translation.get_language() or settings.LANGUAGE_CODE
    html = groupcast.render(run, group, language)
    if notice:
        html = format_html('<p class="message message--warning" role="alert">{}</p>', notice) + html
    return HttpResponse(html, status=409 if notice else 200)


@require_GET
def group_stream(request: HttpRequest, code: str, run_pk: int) -> HttpResponse:
    """A phone's stream of its own group's view in a grouped exercise."""
    workshop, attendee, run = phone_attendee(request, code)
    if run is None or run.pk != run_pk or run.module.group_context is None:
        raise Http404
    member = runs.place_late(run, attendee)
    if member is None:
        raise Http404
    language = translation.get_language() or settings.LANGUAGE_CODE
    group_id = member.group_id

    def still_here(message: bytes) -> bool:
        # Someone left the group: if it was this phone, end the stream; it reconnects to
        # the group it was moved to.
        if not message.startswith(groupcast.REGROUP.encode()):
            return True
        return Member.objects.filter(run=run, attendee=attendee, group_id=group_id).exists()

    return sse_response(
        workshop.pk,
        groupcast.channel(run.pk, group_id, language),
        lambda: groupcast.snapshot(run.pk, group_id, language),
        keep_going=still_here,
    )


@require_POST
@login_required
def act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    run, access = get_run_for(request, pk, edit=True)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    notice = ""
    try:
        if action in PHASE_STEPS:
            day.step_phase(run, PHASE_STEPS[action], by=request.user, expected_version=version)
        else:
            runs.change(run, action, by=request.user, expected_version=version, data=request.POST)
    except KeyError:
        raise Http404 from None
    except StaleVersion:
        notice = _("Someone else changed this exercise in another window. This is where it is now.")
    except TransitionRefused as refused:
        notice = str(refused)
    workshop = run.workshop
    workshop.refresh_from_db()
    if not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect("live:console", pk=workshop.pk)
    context = {**broadcast.live_context(workshop), "access": access, "notice": notice}
    return TemplateResponse(
        request, "live/console.html#state", context, status=409 if notice else 200
    )
