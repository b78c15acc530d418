"""Between the days: the participant's personal page and the facilitators' overview of it.

Participants have no account. `get_participant_session` (workshops/access.py) decides whose
page this is; every participant view asks it and nothing else. Views that receive what people
wrote hide the POST from error reports, and nothing here logs text.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises.kinds import own_page_parts
from live import broadcast
from personal import services
from workshops import identity, personal, tasks, throttle
from workshops.access import (
    get_participant_for,
    get_participant_session,
    get_programme_for,
    get_workshop_for,
    sign_in_participant,
    sign_out_participant,
)
from workshops.forms import CodeForm
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.models import (
    CHECKIN_QUESTIONS,
    PROJECT_QUESTIONS,
    ActionLearningAnswer,
    ContentDeletion,
    KnownDevice,
    Participant,
    PersonEvent,
    Workshop,
)

Question = ActionLearningAnswer.Question


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        max_length=254,
        help_text=gettext_lazy("The address the organisation put on the list of participants."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# Signing in


def _start_context(**extra) -> dict:
    return {"link_form": LinkRequestForm(), "code_form": CodeForm(), **extra}


@require_GET
@never_cache
def personal_start(request: HttpRequest) -> HttpResponse:
    if get_participant_session(request) is not None:
        return redirect("personal:personal_page")
    return TemplateResponse(
        request,
        "personal/start.html",
        _start_context(sent=request.GET.get("sent") == "1"),
    )


@require_POST
@sensitive_post_parameters("email")
def personal_request_link(request: HttpRequest) -> HttpResponse:
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request, "personal/start.html", _start_context(link_form=form), status=400
        )
    # Known or not, the answer is the same redirect; the mail goes out after the response is
    # decided (and, with a broker, from a worker), so timing tells little either.
    email, language = form.cleaned_data["email"], translation.get_language()
    if personal.may_mail(email):
        transaction.on_commit(partial(tasks.send_personal_links.delay, email, language))
    return redirect(reverse("personal:personal_start") + "?sent=1")


@require_POST
@sensitive_post_parameters("code")
def personal_code_login(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if throttle.wait_seconds(request, "code"):
        form.is_valid()
        form.add_error(None, _("Too many wrong codes. Wait a few minutes and try again."))
        return TemplateResponse(
            request, "personal/start.html", _start_context(code_form=form), status=429
        )
    participant = personal.participant_of_code(form.data.get("code", ""))
    if participant is None:
        throttle.count_wrong(request, "code")
        form.is_valid()
        form.add_error("code", _("That code does not open a page. Check it and try again."))
        return TemplateResponse(
            request, "personal/start.html", _start_context(code_form=form), status=400
        )
    return _signed_in(request, participant, KnownDevice.How.CODE)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("token")
def personal_link(request: HttpRequest) -> HttpResponse:
    """The link sent by e-mail: /me/open/#<token>. The token is in the fragment, which
    browsers never send, so it is in no access log and no Referer; the page's script posts it.
    Opening the page spends nothing: mail scanners that follow links must not use it up."""
    if request.method == "GET":
        return TemplateResponse(request, "personal/link.html", {})
    participant = personal.use_link(request.POST.get("token", ""))
    if participant is None:
        return TemplateResponse(request, "personal/link_invalid.html", _start_context(), status=410)
    return _signed_in(request, participant, KnownDevice.How.LINK)


def _signed_in(request: HttpRequest, participant: Participant, how: str) -> HttpResponse:
    """Open the person's page in this browser, which becomes one of their known devices: it
    joins the programme's days as them, and opens the page again without a code."""
    token = request.COOKIES.get(identity.DEVICE_COOKIE) or identity.new_device_token()
    identity.prove(participant, identity.device_hash(token), how)
    sign_in_participant(request, participant)
    response = redirect("personal:personal_page")
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


@require_POST
def personal_logout(request: HttpRequest) -> HttpResponse:
    sign_out_participant(request)
    messages.info(request, _("You have signed out of your personal page."))
    return redirect("personal:personal_start")


# The personal page


@dataclass(frozen=True)
class AnswerSlot:
    """One question on the page, with the person's answer to it if there is one."""

    question: str
    workshop: Workshop | None
    answer: ActionLearningAnswer | None
    error: str = ""
    saved: bool = False

    @property
    def label(self) -> str:
        return Question(self.question).label

    @property
    def dom_id(self) -> str:
        return f"answer-{self.workshop.pk if self.workshop else 'project'}-{self.question}"

    @property
    def text(self) -> str:
        return self.answer.text if self.answer else ""

    @property
    def shared(self) -> bool:
        return bool(self.answer and self.answer.shared)

    @property
    def token(self) -> uuid.UUID:
        return uuid.uuid4()

    @property
    def max_length(self) -> int:
        return ActionLearningAnswer.MAX_LENGTH


def _slots(participant: Participant, questions, workshop: Workshop | None) -> list[AnswerSlot]:
    answers = personal.answers_of(participant)
    key = workshop.pk if workshop else None
    return [AnswerSlot(q, workshop, answers.get((key, q))) for q in questions]


def _to_start() -> HttpResponse:
    return redirect("personal:personal_start")


@dataclass(frozen=True)
class DaySection:
    """One day of the programme on the personal page: its check-in, assignment and what the
    person sent that day. `when` is "current", "upcoming" or "earlier"."""

    workshop: Workshop
    when: str
    checked_in: bool
    sent: list

    @property
    def open(self) -> bool:
        return self.when == "current"


def _days(workshops: list[Workshop], answers: dict, submissions: list) -> list[DaySection]:
    """The days in the order a person between two days needs them: the current day first (the
    one running, else the latest held, else the first to come), then those to come, then the
    earlier ones, newest first. Only the current day is open; the rest fold away."""
    if not workshops:
        return []
    today = timezone.localdate()
    by_date = sorted(workshops, key=lambda w: (w.date, w.number))
    held = [w for w in by_date if w.date <= today]
    current = next((w for w in by_date if w.is_live), held[-1] if held else by_date[0])
    at = by_date.index(current)
    upcoming, earlier = by_date[at + 1 :], by_date[:at][::-1]
    sent: dict[int, list] = {}
    for entry in submissions:
        sent.setdefault(entry.run.workshop_id, []).append(entry)

    def section(workshop: Workshop, when: str) -> DaySection:
        return DaySection(
            workshop=workshop,
            when=when,
            checked_in=any(
                (answer := answers.get((workshop.pk, q))) and answer.text for q in CHECKIN_QUESTIONS
            ),
            sent=sent.get(workshop.pk, []),
        )

    return [
        section(current, "current"),
        *(section(w, "upcoming") for w in upcoming),
        *(section(w, "earlier") for w in earlier),
    ]


@require_GET
@never_cache
def personal_page(request: HttpRequest) -> HttpResponse:
    participant = get_participant_session(request)
    if participant is None:
        return _to_start()
    programme = participant.programme
    answers = personal.answers_of(participant)
    submissions = services.submissions_of(participant)
    project = _slots(participant, PROJECT_QUESTIONS, None)
    return TemplateResponse(
        request,
        "personal/page.html",
        {
            "participant": participant,
            "programme": programme,
            "project": project,
            "project_answered": sum(1 for slot in project if slot.text),
            "days": _days(list(programme.workshops.all()), answers, submissions),
            "code": personal.personal_code(participant),
            # What the kinds show of the person's own (a survey's answers over the days).
            "kind_parts": own_page_parts(participant),
            "copy_sent": PersonEvent.objects.filter(
                participant=participant, action=PersonEvent.Action.ACCESS_COPY
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first(),
        },
    )


@require_GET
@never_cache
def personal_day(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_session(request)
    if participant is None:
        return _to_start()
    workshop = participant.programme.workshops.filter(pk=pk).first()
    if workshop is None:
        raise Http404
    return TemplateResponse(
        request,
        "personal/day.html",
        {
            "participant": participant,
            "programme": participant.programme,
            "workshop": workshop,
            "checkin": _slots(participant, CHECKIN_QUESTIONS, workshop),
            "between_work": _slots(participant, [Question.BETWEEN_WORK], workshop)
            if workshop.between_work
            else [],
        },
    )


@require_POST
@sensitive_post_parameters("text")
def personal_answer(request: HttpRequest) -> HttpResponse:
    participant = get_participant_session(request)
    if participant is None:
        return _to_start() if not request.htmx else HttpResponse(status=403)
    question = request.POST.get("question", "")
    if question not in Question.values:
        return HttpResponseBadRequest(_("Unknown question."))
    workshop = None
    if question not in PROJECT_QUESTIONS:
        try:
            workshop_id = int(request.POST.get("workshop", ""))
        except ValueError:
            return HttpResponseBadRequest(_("The day is missing."))
        workshop = participant.programme.workshops.filter(pk=workshop_id).first()
        if workshop is None:
            raise Http404
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = None
    text = request.POST.get("text", "")
    error = ""
    try:
        answer = personal.save_answer(
            participant,
            question,
            text,
            shared=request.POST.get("shared") == "on",
            workshop=workshop,
            token=token,
        )
    except personal.AnswerTooLong as too_long:
        answer = None
        error = _(
            "The answer is %(count)s characters long. Keep it to %(limit)s, and it will be saved."
        ) % {"count": too_long.args[0], "limit": ActionLearningAnswer.MAX_LENGTH}
    if not error and workshop is not None and workshop.is_live and question in CHECKIN_QUESTIONS:
        # The day's check-in may be on the agenda right now: its count on the console and the
        # projector includes this one.
        transaction.on_commit(
            partial(broadcast.day_changed_soon, workshop.pk, ("presenter", "console")),
            robust=True,
        )
    if request.htmx:
        slot = AnswerSlot(question, workshop, answer, error=error, saved=not error)
        if error:  # keep what they typed on the screen, so nothing is lost
            slot = _Unsaved(question, workshop, None, error=error, typed=text)
        return TemplateResponse(request, "personal/_answer.html", {"slot": slot})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    if workshop:
        return redirect("personal:personal_day", pk=workshop.pk)
    return redirect("personal:personal_page")


@dataclass(frozen=True)
class _Unsaved(AnswerSlot):
    typed: str = ""

    @property
    def text(self) -> str:
        return self.typed


@require_GET
@never_cache
def personal_group(request: HttpRequest) -> HttpResponse:
    participant = get_participant_session(request)
    if participant is None:
        return _to_start()
    group = participant.network_group
    return TemplateResponse(
        request,
        "personal/group.html",
        {
            "participant": participant,
            "programme": participant.programme,
            "group": group,
            "members": list(group.members.all()) if group else [],
            "shared": personal.shared_in_group(participant),
        },
    )


# Access and erasure: the same for the person and for a facilitator acting on their request.


def _export_response(request: HttpRequest, participant: Participant, fmt: str) -> HttpResponse:
    data = services.export(participant)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="samling-{stamp}.json"'
        return response
    if fmt == "html":
        return HttpResponse(
            render_to_string("personal/export.html", {"data": data}, request=request)
        )
    raise Http404


@require_GET
@never_cache
def personal_export(request: HttpRequest, fmt: str) -> HttpResponse:
    participant = get_participant_session(request)
    if participant is None:
        return _to_start()
    return _export_response(request, participant, fmt)


@require_http_methods(["GET", "POST"])
@never_cache
def personal_erase(request: HttpRequest) -> HttpResponse:
    participant = get_participant_session(request)
    if participant is None:
        return _to_start()
    if request.method == "GET":
        return TemplateResponse(
            request,
            "personal/erase.html",
            {"participant": participant, "programme": participant.programme},
        )
    services.erase(participant, reason=ContentDeletion.Reason.PARTICIPANT)
    sign_out_participant(request)
    messages.success(request, _("Everything you wrote has been deleted."))
    return redirect("personal:personal_start")


@require_POST
def personal_new_code(request: HttpRequest) -> HttpResponse:
    """The person makes a new personal code: the old one stops working, and every other device
    of theirs is signed out. This browser stays signed in."""
    participant = get_participant_session(request)
    if participant is None:
        return _to_start()
    personal.new_code(participant, keep_device=identity.device_of(request))
    sign_in_participant(request, participant)  # the session follows the new code
    messages.success(request, _("You have a new personal code. The old one no longer works."))
    return redirect("personal:personal_page")


# Facilitators and HR


@require_GET
@login_required
def programme_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk)
    return TemplateResponse(
        request,
        "personal/progress.html",
        {
            "programme": programme,
            "access": access,
            "progress": personal.progress(programme),
            "deletion_date": programme.deletion_date(),
        },
    )


@require_POST
@login_required
def workshop_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, _access = get_workshop_for(request, pk, edit=True)
    language = translation.get_language()
    transaction.on_commit(partial(tasks.send_checkin_reminders.delay, workshop.pk, language))
    messages.success(
        request,
        _("Reminders are on their way to those who have not checked in for %(day)s.")
        % {"day": workshop},
    )
    return redirect("personal:programme_progress", pk=workshop.programme_id)


@require_POST
@login_required
def participant_access_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person asked for a copy of their data: it goes to them, not to the facilitator."""
    participant, _access = get_participant_for(request, pk, edit=True)
    how = personal.send_access_copy(
        participant, by=request.user, language=translation.get_language()
    )
    if how == "email":
        notice = _("A copy is on its way to the e-mail address of %(name)s.")
    else:
        notice = _(
            "The list has no e-mail address for %(name)s: the copy is ready on their personal "
            "page, which they open with their personal code."
        )
    messages.success(request, notice % {"name": participant.name})
    return redirect("personal:programme_progress", pk=participant.programme_id)


@require_POST
@login_required
def participant_new_code(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A lost phone, a code seen by others: the old code stops working and the person's
    devices are signed out. The new code is shown to them, never here."""
    participant, _access = get_participant_for(request, pk, edit=True)
    personal.new_code(participant, by=request.user)
    messages.success(
        request,
        _(
            "%(name)s has a new personal code and is signed out on every device. They sign in "
            "again with the link by e-mail, or you let their phone in from the console."
        )
        % {"name": participant.name},
    )
    return redirect("personal:programme_progress", pk=participant.programme_id)


@require_POST
@login_required
def participant_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant, _access = get_participant_for(request, pk, edit=True)
    services.erase(participant, reason=ContentDeletion.Reason.FACILITATOR, actor=request.user)
    messages.success(
        request,
        _("Everything %(name)s wrote has been deleted.") % {"name": participant.name},
    )
    return redirect("personal:programme_progress", pk=participant.programme_id)
