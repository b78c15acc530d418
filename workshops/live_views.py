"""The live day: facilitator console, presenter view, joining by code and the phone page.

State changes are POSTs that call the transition methods on Workshop; what every screen shows
is pushed over SSE streams (one per audience and language) and, when SSE cannot connect,
fetched by polling the same snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workshops import broadcast, personal
from workshops.access import get_workshop_for
from workshops.bus import get_bus
from workshops.forms import JoinCodeForm, JoinNameForm
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.models import (
    Attendee,
    StaleVersion,
    TransitionRefused,
    Workshop,
    normalise_join_code,
)

if TYPE_CHECKING:
    from exercises.models import Run

DEVICE_COOKIE = "samling_device"


def _language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in broadcast.LANGUAGES else settings.LANGUAGE_CODE


# Facilitator console


@require_GET
@login_required
def console(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    context = {**broadcast.live_context(workshop), "access": access}
    template = "workshops/live/console.html"
    return TemplateResponse(request, f"{template}#state" if request.htmx else template, context)


# What each console button does: a transition method of Workshop and its arguments.
ACTIONS: dict[str, tuple[str, dict]] = {
    "start": ("start_day", {}),
    "next": ("go", {"offset": +1}),
    "previous": ("go", {"offset": -1}),
    "timer_start": ("change_timer", {"action": "start"}),
    "timer_pause": ("change_timer", {"action": "pause"}),
    "timer_resume": ("change_timer", {"action": "resume"}),
    "timer_plus": ("change_timer", {"action": "extend", "seconds": 60}),
    "timer_minus": ("change_timer", {"action": "extend", "seconds": -60}),
    "timer_end": ("change_timer", {"action": "end"}),
    "end": ("end_day", {}),
}


@require_POST
@login_required
def console_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    if action not in ACTIONS:
        raise Http404
    try:
        version = int(request.POST["version"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest(_("The page is out of date. Reload it and try again."))
    notice, stale = "", False
    try:
        method, arguments = ACTIONS[action]
        getattr(workshop, method)(by=request.user, expected_version=version, **arguments)
    except StaleVersion:
        notice, stale = _("The day has moved on in another window. This is where it is now."), True
    except TransitionRefused as refused:
        notice = str(refused)
    workshop.refresh_from_db()
    if not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect("workshops:console", pk=workshop.pk)
    context = {**broadcast.live_context(workshop), "access": access, "notice": notice}
    return TemplateResponse(
        request, "workshops/live/console.html#state", context, status=409 if stale else 200
    )


# Presenter view (the projector)


@require_GET
@login_required
def presenter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk)
    context = broadcast.live_context(workshop)
    template = "workshops/live/presenter.html"
    return TemplateResponse(request, f"{template}#stage" if request.htmx else template, context)


# Streams


def sse_response(
    workshop_id: int | None, channel: str, snapshot, keep_going=None
) -> StreamingHttpResponse:
    """An SSE stream of one bus channel, starting with a full snapshot.

    `keep_going(message)` may end the stream (the browser reconnects by itself), e.g. when a
    phone has been moved to another group and must listen to that group instead. A stream
    that belongs to no live day (a platform page's poster status) has no workshop_id.
    """
    if workshop_id is not None:
        broadcast.watch_phones(workshop_id)
    # The stream may stay open for hours; it must not keep this thread's database connection.
    if not connection.in_atomic_block:
        connection.close()

    async def events():
        bus = get_bus()
        # Subscribe before taking the snapshot, so nothing published in between is lost.
        subscription = bus.subscribe(channel)
        try:
            yield await sync_to_async(snapshot)()
            while True:
                message = await subscription.queue.get()
                if message is None:  # this stream fell behind: send the whole state again
                    message = await sync_to_async(snapshot)()
                elif keep_going is not None and not await sync_to_async(keep_going)(message):
                    return
                yield message
        finally:
            bus.unsubscribe(subscription)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
@login_required
def day_stream(request: AuthenticatedHttpRequest, pk: int, audience: str) -> HttpResponse:
    if audience not in ("console", "presenter"):
        raise Http404
    workshop, _access = get_workshop_for(request, pk, edit=audience == "console")
    language = _language()
    return sse_response(
        workshop.pk,
        broadcast.channel(workshop.pk, audience, language),
        lambda: broadcast.snapshot(workshop.pk, audience, language),
    )


# Joining and the phone


def _device_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _attendee(request: HttpRequest, workshop: Workshop) -> Attendee | None:
    token = request.COOKIES.get(DEVICE_COOKIE)
    if not token:
        return None
    return Attendee.objects.filter(workshop=workshop, device_hash=_device_hash(token)).first()


def _live_day(code: str) -> Workshop | None:
    return (
        Workshop.objects.select_related("programme")
        .filter(status=Workshop.Status.LIVE, join_code=normalise_join_code(code))
        .first()
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinCodeForm(request.POST if request.method == "POST" else request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("workshops:join_day", code=form.cleaned_data["code"])
    return TemplateResponse(request, "workshops/live/join.html", {"form": form})


# Six characters from 32 make a billion codes, and a handful are live at a time. Capping wrong
# guesses per address keeps guessing one hopeless without troubling a room that mistypes.
GUESSES_ALLOWED = 20
GUESS_WINDOW_SECONDS = 10 * 60


def _guess_key(request: HttpRequest) -> str:
    return "join-guesses:" + request.META.get("REMOTE_ADDR", "unknown")


def _too_many_guesses(request: HttpRequest) -> bool:
    return cache.get(_guess_key(request), 0) >= GUESSES_ALLOWED


def _count_wrong_guess(request: HttpRequest) -> None:
    key = _guess_key(request)
    if not cache.add(key, 1, GUESS_WINDOW_SECONDS):
        with contextlib.suppress(ValueError):
            cache.incr(key)


@require_http_methods(["GET", "POST"])
def join_day(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _live_day(code)
    # Only wrong codes are capped: a right code always gets in, so a room behind one address
    # (a venue's network, a proxy) can't be locked out by someone guessing from it.
    if workshop is None and _too_many_guesses(request):
        return TemplateResponse(
            request,
            "workshops/live/join.html",
            {
                "form": JoinCodeForm(),
                "error": _("Too many wrong codes. Wait a few minutes and try again."),
            },
            status=429,
        )
    if workshop is None:
        _count_wrong_guess(request)
        form = JoinCodeForm(initial={"code": code})
        form.is_bound = False
        return TemplateResponse(
            request,
            "workshops/live/join.html",
            {
                "form": form,
                "error": _("There is no running day with the code %(code)s.")
                % {"code": normalise_join_code(code)},
            },
            status=404,
        )
    if _attendee(request, workshop) is not None and request.method == "GET":
        return redirect("workshops:phone", code=workshop.join_code)
    roster = workshop.programme.participants.order_by("name")
    form = JoinNameForm(request.POST if request.method == "POST" else None, roster=roster)
    if request.method == "POST" and form.is_valid():
        token = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(32)
        participant = form.cleaned_data.get("participant")
        name = participant.name if participant else form.cleaned_data["display_name"]
        attendee = Attendee.join(workshop, _device_hash(token), participant, name)
        from exercises.runs import current_run, place_late  # exercises build on workshops

        place_late(current_run(workshop), attendee)
        response = redirect("workshops:phone", code=workshop.join_code)
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=60 * 60 * 24 * 30,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG,
        )
        return response
    return TemplateResponse(
        request, "workshops/live/join_name.html", {"workshop": workshop, "form": form}
    )


def phone_attendee(request: HttpRequest, code: str) -> tuple[Workshop, Attendee, Run | None]:
    """The day this phone's cookie belongs to, the attendee it is there, and the run of the
    current item's exercise while the day is live (None otherwise); or 404.

    Ended days keep answering their phones (to show the assignment); planned ones never do.
    Join codes are unique among live days, and an ended day's code may have been given out
    again since: the latest day wins.
    """
    from exercises.runs import current_run  # exercises build on workshops

    token = request.COOKIES.get(DEVICE_COOKIE)
    if not token:
        raise Http404
    attendee = (
        Attendee.objects.select_related("workshop__programme", "workshop__current_item")
        .filter(
            device_hash=_device_hash(token),
            workshop__join_code=normalise_join_code(code),
            workshop__status__in=[Workshop.Status.LIVE, Workshop.Status.ENDED],
        )
        .order_by("-workshop__started_at")
        .first()
    )
    if attendee is None:
        raise Http404
    return attendee.workshop, attendee, current_run(attendee.workshop)


@require_GET
def phone(request: HttpRequest, code: str) -> HttpResponse:
    try:
        workshop, attendee, run = phone_attendee(request, code)
    except Http404:
        return redirect("workshops:join_day", code=code)
    return phone_page(request, workshop, attendee, run)


def phone_page(
    request: HttpRequest,
    workshop: Workshop,
    attendee: Attendee,
    run: Run | None,
    refused=None,
    token=None,
) -> HttpResponse:
    """The phone's page; with `refused`, an exercise form sent without JavaScript comes back
    with what was typed and the message next to it, instead of being lost in a redirect."""
    context = {
        **broadcast.live_context(workshop, attendee=attendee, run=run),
        "attendee": attendee,
        "token": token or uuid.uuid4(),
    }
    if refused is not None and context.get("run") is not None:
        context["kind"]["form"] = refused
    if attendee.participant_id and not request.htmx:
        context["personal_code"] = personal.personal_code(attendee.participant)
    template = "workshops/live/participant.html"
    return TemplateResponse(
        request,
        f"{template}#now" if request.htmx else template,
        context,
        status=422 if refused is not None else 200,
    )


@require_GET
def phone_stream(request: HttpRequest, code: str) -> HttpResponse:
    workshop, _attendee, _run = phone_attendee(request, code)
    language = _language()
    return sse_response(
        workshop.pk,
        broadcast.channel(workshop.pk, "participants", language),
        lambda: broadcast.snapshot(workshop.pk, "participants", language),
    )
