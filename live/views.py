"""The live day: facilitator console, presenter view, joining by code and the phone page.

State changes are POSTs that call the transition methods on Workshop; what every screen shows
is pushed over SSE streams (one per audience and language) and, when SSE cannot connect,
fetched by polling the same snapshot.
"""

from __future__ import annotations

import asyncio
import uuid
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from exercises.models import Run
from exercises.runs import current_run, place_late
from live import broadcast, day
from workshops import identity, personal, tasks, throttle
from workshops.access import get_workshop_for
from workshops.bus import ENDED, POLL_SECONDS, get_bus
from workshops.forms import CodeForm, JoinCodeForm, JoinNameForm
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.models import (
    Attendee,
    ClaimRequest,
    Participant,
    StaleVersion,
    TransitionRefused,
    Workshop,
    normalise_join_code,
)


def _language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in broadcast.LANGUAGES else settings.LANGUAGE_CODE


# Facilitator console


@require_GET
@login_required
def console(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    context = {**broadcast.live_context(workshop), "access": access}
    template = "live/console.html"
    return TemplateResponse(request, f"{template}#state" if request.htmx else template, context)


# What each console button does: a transition method of Workshop and its arguments.
# The console's buttons, each one of the day's transitions (live/day.py).
ACTIONS = {
    "start": day.start,
    "next": partial(day.advance, offset=+1),
    "previous": partial(day.advance, offset=-1),
    "timer_start": partial(day.change_timer, action="start"),
    "timer_pause": partial(day.change_timer, action="pause"),
    "timer_resume": partial(day.change_timer, action="resume"),
    "timer_plus": partial(day.change_timer, action="extend", seconds=60),
    "timer_minus": partial(day.change_timer, action="extend", seconds=-60),
    "timer_end": partial(day.change_timer, action="end"),
    "end": day.end,
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
        ACTIONS[action](workshop, by=request.user, expected_version=version)
    except StaleVersion:
        notice, stale = _("The day has moved on in another window. This is where it is now."), True
    except TransitionRefused as refused:
        notice = str(refused)
    workshop.refresh_from_db()
    if not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect("live:console", pk=workshop.pk)
    context = {**broadcast.live_context(workshop), "access": access, "notice": notice}
    return TemplateResponse(
        request, "live/console.html#state", context, status=409 if stale else 200
    )


def _console_answer(request, workshop: Workshop, access, notice: str = "") -> HttpResponse:
    if not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect("live:console", pk=workshop.pk)
    workshop.refresh_from_db()
    context = {**broadcast.live_context(workshop), "access": access, "notice": notice}
    return TemplateResponse(
        request, "live/console.html#state", context, status=409 if notice else 200
    )


def _people_answer(request, workshop: Workshop, access, notice: str = "") -> HttpResponse:
    if not request.htmx and request.method == "POST":
        if notice:
            messages.warning(request, notice)
        return redirect("live:console_people", pk=workshop.pk)
    workshop.refresh_from_db()
    people = broadcast.people_of(workshop)
    context = {
        "workshop": workshop,
        "programme": workshop.programme,
        "access": access,
        "people": people,
        "joined": sum(1 for row in people if not row["attendee"].is_removed),
        "claims": broadcast.pending_claims(workshop) if workshop.is_live else [],
        "notice": notice,
    }
    template = "live/people.html"
    return TemplateResponse(
        request,
        f"{template}#list" if request.htmx else template,
        context,
        status=409 if notice else 200,
    )


@require_GET
@login_required
def console_people(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who is on the day: the facilitator takes ghosts off it and lets new phones in."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    return _people_answer(request, workshop, access)


@require_POST
@login_required
def console_person(
    request: AuthenticatedHttpRequest, pk: int, attendee: int, action: str
) -> HttpResponse:
    """Take a phone off the day (a ghost, a duplicate, someone who left), or put it back."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    changes = {"remove": identity.remove, "restore": identity.restore}
    if action not in changes:
        raise Http404
    notice = ""
    try:
        changes[action](attendee, workshop, by=request.user)
    except identity.Refused as refused:
        notice = str(refused)
    return _people_answer(request, workshop, access, notice)


@require_POST
@login_required
def console_claim(
    request: AuthenticatedHttpRequest, pk: int, claim: int, action: str
) -> HttpResponse:
    """Approve or refuse a phone that asks to be a person on the list."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    if action not in ("approve", "refuse"):
        raise Http404
    notice = ""
    try:
        identity.decide(claim, workshop, approve=action == "approve", by=request.user)
    except identity.Refused as refused:
        notice = str(refused)
    if request.POST.get("back") == "people":
        return _people_answer(request, workshop, access, notice)
    return _console_answer(request, workshop, access, notice)


@require_POST
@login_required
def console_roster_only(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let only people on the list join, or everyone with the code."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    Workshop.objects.filter(pk=workshop.pk).update(
        roster_only=request.POST.get("roster_only") == "on"
    )
    return _console_answer(request, workshop, access)


# Presenter view (the projector)


@require_GET
@login_required
def presenter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk)
    context = broadcast.live_context(workshop)
    template = "live/presenter.html"
    return TemplateResponse(request, f"{template}#stage" if request.htmx else template, context)


# Streams


def sse_response(
    workshop_id: int | None, channel: str, snapshot, keep_going=None
) -> StreamingHttpResponse:
    """An SSE stream of one bus channel, starting with a full snapshot.

    `keep_going(message)` may end the stream (the browser reconnects by itself), e.g. when a
    phone has been moved to another group and must listen to that group instead. A stream
    that belongs to no live day (a platform page's poster status) has no workshop_id.

    While the bus is down (Redis away) nothing would be pushed: the answer is the snapshot
    alone, with SSE's own `retry` asking the browser to come back in POLL_SECONDS. Each return
    is a poll that goes through this view again (who the phone is, which group it is in), and
    the first one after Redis is back stays open for pushes: no reload, no script of its own.
    """
    bus = get_bus()
    if not bus.available():
        body = f"retry: {POLL_SECONDS * 1000}\n".encode() + snapshot()
        response = HttpResponse(body, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        return response
    if workshop_id is not None:
        broadcast.watch_phones(workshop_id)
    # The stream may stay open for hours; it must not keep this thread's database connection.
    if not connection.in_atomic_block:
        connection.close()

    async def events():
        # Subscribe before taking the snapshot, so nothing published in between is lost.
        subscription = bus.subscribe(channel)
        try:
            yield await sync_to_async(snapshot)()
            while True:
                message = await subscription.queue.get()
                if message is ENDED:  # the bus lost Redis: the browser comes back to a poll
                    return
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


def _live_day(code: str) -> Workshop | None:
    return (
        Workshop.objects.select_related("programme")
        .filter(status=Workshop.Status.LIVE, join_code=normalise_join_code(code))
        .first()
    )


def _with_device(response: HttpResponse, request: HttpRequest, token: str) -> HttpResponse:
    """The response, carrying the device cookie if the browser did not have it yet."""
    if request.COOKIES.get(identity.DEVICE_COOKIE) != token:
        response.set_cookie(
            identity.DEVICE_COOKIE,
            token,
            max_age=identity.DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG,
        )
    return response


def _device_token(request: HttpRequest) -> str:
    return request.COOKIES.get(identity.DEVICE_COOKIE) or identity.new_device_token()


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinCodeForm(request.POST if request.method == "POST" else request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("live:join_day", code=form.cleaned_data["code"])
    return TemplateResponse(request, "live/join.html", {"form": form})


def _wait_page(request: HttpRequest) -> HttpResponse:
    # The same answer for every code, right or wrong, found without looking the code up.
    return TemplateResponse(
        request,
        "live/join.html",
        {
            "form": JoinCodeForm(),
            "error": _("Too many wrong codes from this network. Wait a little and try again."),
        },
        status=429,
    )


def _delayed(response: HttpResponse, seconds: float) -> HttpResponse:
    """The response, sent `seconds` later (the flood of wrong codes, workshops/throttle.py).
    The wait is an async stream's: under ASGI it holds no thread, so a flood of delayed
    answers costs the server nothing but open sockets."""
    if seconds <= 0:
        return response
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    body = response.content

    async def later():
        await asyncio.sleep(seconds)
        yield body

    delayed = StreamingHttpResponse(
        later(), status=response.status_code, content_type=response["Content-Type"]
    )
    delayed.cookies = response.cookies  # the device cookie, when this answer set one
    return delayed


@require_http_methods(["GET", "POST"])
def join_day(request: HttpRequest, code: str) -> HttpResponse:
    return _delayed(*_join_day(request, code))


def _join_day(request: HttpRequest, code: str) -> tuple[HttpResponse, float]:
    """Who this phone is on the day: a name from the list, or a typed one."""
    if throttle.wait_seconds(request):
        return _wait_page(request), 0.0
    workshop = _live_day(code)
    if workshop is None:
        delay = throttle.count_wrong(request)
        form = JoinCodeForm(initial={"code": code})
        context = {
            "form": form,
            "error": _("There is no running day with the code %(code)s.")
            % {"code": normalise_join_code(code)},
        }
        return TemplateResponse(request, "live/join.html", context, status=404), delay
    hashed = identity.device_of(request)
    mine = (
        Attendee.objects.filter(workshop=workshop, device_hash=hashed).first() if hashed else None
    )
    if mine is not None and mine.is_removed:
        return _gone_page(request, workshop, identity.Gone("removed")), 0.0
    if mine is not None and request.method == "GET" and "change" not in request.GET:
        return redirect("live:phone", code=workshop.join_code), 0.0
    if mine is None and identity.arrive(workshop, hashed) is not None:
        return redirect("live:phone", code=workshop.join_code), 0.0
    return _pick_name(request, workshop, mine), 0.0


def _roster(workshop: Workshop, hashed: str | None) -> list[dict]:
    """The list of names to pick from, each with whether another phone holds it today."""
    holders = dict(
        Attendee.objects.filter(workshop=workshop, participant__isnull=False).values_list(
            "participant_id", "device_hash"
        )
    )
    return [
        {"participant": p, "taken": p.pk in holders and holders[p.pk] != hashed}
        for p in workshop.programme.participants.order_by("name")
    ]


def _pick_name(request: HttpRequest, workshop: Workshop, mine: Attendee | None) -> HttpResponse:
    roster = workshop.programme.participants.order_by("name")
    form = JoinNameForm(
        request.POST if request.method == "POST" else None,
        roster=roster,
        roster_only=workshop.roster_only,
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        token = _device_token(request)
        hashed = identity.device_hash(token)
        participant = form.cleaned_data.get("participant")
        name = participant.name if participant else form.cleaned_data["display_name"]
        new_phone = not Attendee.objects.filter(workshop=workshop, device_hash=hashed).exists()
        if new_phone and not throttle.may_join(request):
            error = _("Too many phones have joined from this network today. Ask the facilitator.")
        else:
            try:
                attendee = identity.join(workshop, hashed, participant, name)
            except (identity.NameTaken, identity.ProofNeeded) as refused:
                response = redirect(
                    "live:join_taken", code=workshop.join_code, pk=refused.participant.pk
                )
                return _with_device(response, request, token)
            except identity.Refused as refused:
                error = str(refused)
            else:
                if new_phone:
                    throttle.count_join(request)

                place_late(current_run(workshop), attendee)
                response = redirect("live:phone", code=workshop.join_code)
                return _with_device(response, request, token)
    query = request.GET.get("q", "").strip()
    roster_rows = _roster(workshop, identity.device_of(request))
    if query:
        roster_rows = [r for r in roster_rows if query.lower() in r["participant"].name.lower()]
    return TemplateResponse(
        request,
        "live/join_name.html",
        {
            "workshop": workshop,
            "form": form,
            "roster": roster_rows,
            "query": query,
            "mine": mine,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def join_taken(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _delayed(*_join_taken(request, code, pk))


def _join_taken(request: HttpRequest, code: str, pk: int) -> tuple[HttpResponse, float]:
    """A name another phone holds today (or this phone is a typed name today): this phone
    shows it is the person, with their personal code or by asking the facilitator."""
    workshop = _live_day(code)
    if workshop is None:
        return redirect("live:join_day", code=code), 0.0
    participant = get_object_or_404(workshop.programme.participants, pk=pk)
    return _prove(request, workshop, participant, taken=True)


def _prove(
    request: HttpRequest, workshop: Workshop, participant: Participant, *, taken: bool
) -> tuple[HttpResponse, float]:
    token = _device_token(request)
    hashed = identity.device_hash(token)
    form = CodeForm(request.POST if request.POST.get("action") == "code" else None)
    delay, error = 0.0, ""
    if request.method == "POST" and request.POST.get("action") == "ask":
        claim = identity.ask_facilitator(workshop, participant, hashed)
        response = redirect("live:join_wait", code=workshop.join_code, pk=claim.pk)
        return _with_device(response, request, token), 0.0
    if request.method == "POST" and request.POST.get("action") == "link":
        if participant.email and personal.may_mail(participant.email):
            language = translation.get_language()
            transaction.on_commit(
                partial(tasks.send_personal_links.delay, participant.email, language)
            )
        return _with_device(
            TemplateResponse(
                request,
                "live/prove.html",
                _prove_context(workshop, participant, CodeForm(), taken=taken, sent=True),
            ),
            request,
            token,
        ), 0.0
    if form.is_bound:
        if throttle.wait_seconds(request, "code"):
            error = _("Too many wrong codes from this network. Wait a little and try again.")
        elif form.is_valid() and personal.participant_of_code(form.cleaned_data["code"]) == (
            participant
        ):
            try:
                attendee = identity.join_with_code(workshop, hashed, participant)
            except identity.Refused as refused:
                error = str(refused)
            else:
                place_late(current_run(workshop), attendee)
                response = redirect("live:phone", code=workshop.join_code)
                return _with_device(response, request, token), 0.0
        else:
            delay = throttle.count_wrong(request, "code")
            form.add_error(
                "code", _("That is not the personal code of %(name)s.") % {"name": participant.name}
            )
    context = _prove_context(workshop, participant, form, taken=taken, error=error)
    status = 400 if form.is_bound or error else 200
    response = TemplateResponse(request, "live/prove.html", context, status=status)
    return _with_device(response, request, token), delay


def _prove_context(workshop, participant, form, *, taken: bool, sent=False, error="") -> dict:
    return {
        "workshop": workshop,
        "participant": participant,
        "form": form,
        "taken": taken,
        "sent": sent,
        "error": error,
        "has_email": bool(participant.email),
    }


@require_GET
def join_wait(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The phone waits for the facilitator's answer; htmx asks again every few seconds."""
    workshop = _live_day(code)
    hashed = identity.device_of(request)
    if workshop is None or not hashed:
        raise Http404
    claim = get_object_or_404(
        ClaimRequest.objects.select_related("participant"),
        pk=pk,
        workshop=workshop,
        device_hash=hashed,
    )
    if claim.status == ClaimRequest.Status.APPROVED:
        if request.htmx:
            return HttpResponseClientRedirect(reverse("live:phone", args=[code]))
        return redirect("live:phone", code=workshop.join_code)
    template = "live/wait.html"
    return TemplateResponse(
        request,
        f"{template}#status" if request.htmx else template,
        {"workshop": workshop, "claim": claim},
    )


def phone_attendee(request: HttpRequest, code: str) -> tuple[Workshop, Attendee, Run | None]:
    """The day this phone's cookie belongs to, the attendee it is there, and the run of the
    current item's exercise while the day is live (None otherwise); or 404.

    Ended days keep answering their phones (to show the assignment); planned ones never do.
    Join codes are unique among live days, and an ended day's code may have been given out
    again since: the latest day wins. A phone a facilitator removed is no one.
    """

    hashed = identity.device_of(request)
    if not hashed:
        raise Http404
    attendee = (
        Attendee.objects.select_related("workshop__programme", "workshop__current_item")
        .filter(
            device_hash=hashed,
            removed_at__isnull=True,
            workshop__join_code=normalise_join_code(code),
            workshop__status__in=[Workshop.Status.LIVE, Workshop.Status.ENDED],
        )
        .order_by("-workshop__started_at")
        .first()
    )
    if attendee is None:
        raise Http404
    return attendee.workshop, attendee, current_run(attendee.workshop)


def phone_problem(
    request: HttpRequest,
    title: str,
    message: str,
    *,
    workshop: Workshop | None = None,
    link: str = "",
    link_label: str = "",
    status: int = 409,
) -> HttpResponse:
    """Something a phone sent could not be done: say what happened and what to do. To htmx
    the answer goes into the phone's alert region and leaves the form as it was, so what the
    person typed stays where they typed it; without JavaScript it is a page of its own."""
    context = {
        "title": title,
        "message": message,
        "workshop": workshop,
        "link": link,
        "link_label": link_label,
    }
    if request.htmx:
        # 409: htmx swaps it (base.html's responseHandling); into the alert, not the form.
        response = TemplateResponse(request, "live/_phone_alert.html", context, status=409)
        return reswap(retarget(response, "#phone-alert"), "innerHTML")
    return TemplateResponse(request, "live/phone_problem.html", context, status=status)


def phone_lost(request: HttpRequest, code: str) -> HttpResponse:
    """The answer to a phone that sends something but is no one on the day (any more)."""
    workshop = _live_day(code)
    join_again = reverse("live:join_day", args=[normalise_join_code(code)])
    if workshop is None:
        return phone_problem(
            request,
            _("The day is over"),
            _("The day has ended, so nothing more can be sent. Nothing you sent before is lost."),
            status=410,
        )
    gone = identity.why_gone(workshop, identity.device_of(request))
    if gone is not None and gone.reason == "removed":
        message = _(
            "The facilitator has taken this phone off the day. Ask them if this is a mistake."
        )
        return phone_problem(request, _("Not sent"), message, workshop=workshop, status=410)
    if gone is not None:
        return phone_problem(
            request,
            _("Not sent"),
            _(
                "You have moved to another phone, so this one is signed out. Send it from the "
                "new phone: what you typed is still here to copy."
            ),
            workshop=workshop,
            status=410,
        )
    return phone_problem(
        request,
        _("Not sent"),
        _("This phone is not on the day. Join again with the code; what you typed is still here."),
        workshop=workshop,
        link=join_again,
        link_label=_("Join again"),
        status=403,
    )


def _gone_page(request: HttpRequest, workshop: Workshop, gone: identity.Gone) -> HttpResponse:
    # A page like any other (200): the phone asked what it is now, and this is the answer.
    return TemplateResponse(request, "live/gone.html", {"workshop": workshop, "gone": gone})


@require_GET
def phone(request: HttpRequest, code: str) -> HttpResponse:
    try:
        workshop, attendee, run = phone_attendee(request, code)
    except Http404:
        workshop = _live_day(code)
        gone = identity.why_gone(workshop, identity.device_of(request)) if workshop else None
        if gone is not None:
            return _gone_page(request, workshop, gone)
        return redirect("live:join_day", code=code)
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
        "device_tag": identity.device_tag(attendee.device_hash),
        "token": token or uuid.uuid4(),
    }
    if refused is not None and context.get("run") is not None:
        context["kind"]["form"] = refused
    if attendee.participant_id and not request.htmx:
        # The personal code and page are for a phone that has shown it is the person; one
        # that only picked the name from the list is offered ways to show it.
        context["proven"] = identity.is_known(attendee.participant, attendee.device_hash)
        if context["proven"]:
            context["personal_code"] = personal.personal_code(attendee.participant)
    template = "live/participant.html"
    return TemplateResponse(
        request,
        f"{template}#now" if request.htmx else template,
        context,
        status=422 if refused is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def phone_prove(request: HttpRequest, code: str) -> HttpResponse:
    return _delayed(*_phone_prove(request, code))


def _phone_prove(request: HttpRequest, code: str) -> tuple[HttpResponse, float]:
    """A phone that picked a person's name shows it is them: then it sees their personal
    code and page, and joins the next days as them."""
    workshop, attendee, _run = phone_attendee(request, code)
    if attendee.participant is None or identity.is_known(
        attendee.participant, attendee.device_hash
    ):
        return redirect("live:phone", code=code), 0.0
    return _prove(request, workshop, attendee.participant, taken=False)


@require_POST
def phone_sign_out(request: HttpRequest, code: str) -> HttpResponse:
    """The phone's owner signs out on it (a borrowed phone, a shared tablet)."""
    hashed = identity.device_of(request)
    workshop = _live_day(code)
    if hashed:
        identity.sign_out_device(workshop, hashed)
    messages.info(request, _("You have signed out on this phone."))
    return redirect("live:join_day", code=code) if workshop else redirect("live:join")


@require_GET
def phone_stream(request: HttpRequest, code: str) -> HttpResponse:
    workshop, _attendee, _run = phone_attendee(request, code)
    language = _language()
    return sse_response(
        workshop.pk,
        broadcast.channel(workshop.pk, "participants", language),
        lambda: broadcast.snapshot(workshop.pk, "participants", language),
    )


@require_http_methods(["GET", "POST"])
@login_required
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Run a finished day again, or change it: a page that says first what that does to the
    day's results, and a button that reopens it (day.reopen)."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    notice = ""
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            day.reopen(workshop, by=request.user, expected_version=version)
        except StaleVersion:
            notice = _("The day was changed in another window. Read this again.")
        except TransitionRefused as refused:
            notice = str(refused)
        else:
            messages.success(
                request,
                _(
                    "The day is open again: change it, or run it from the console. "
                    "Its results stay."
                ),
            )
            return redirect(workshop)
        workshop.refresh_from_db()
    return TemplateResponse(
        request,
        "live/reopen.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "access": access,
            "notice": notice,
            "runs": workshop.runs.count(),
        },
        status=409 if notice else 200,
    )
