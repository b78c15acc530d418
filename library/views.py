"""Reuse: copying a day or a programme, saving either as a template of the organisation, and
starting a new one from a template (the organisation's or a built-in one).

Every page that makes something says first what it takes along and what it leaves behind; the
making is one service function (library/plans.py), once per form however often it is sent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import kinds
from library import plans
from library.access import get_template_for, templates_for, visible_templates
from library.forms import (
    CopyDayForm,
    DayFromTemplateForm,
    ProgrammeForm,
    ProgrammeFromTemplateForm,
    SaveTemplateForm,
)
from library.models import PlanTemplate
from workshops.access import (
    editable_organisations,
    get_programme_for,
    get_workshop_for,
    memberships_of,
)
from workshops.agenda import ScheduledItem, schedule
from workshops.http import AuthenticatedHttpRequest
from workshops.models import AgendaItem, Organisation, Programme

# What comes along and what stays behind, as the pages say before anyone confirms: the lists
# follow what library/plans.py takes (tests/library/test_plans.py checks both sides).
AGENDA_TAKEN = [
    gettext_lazy(
        "Every agenda item in its order, with its description and the facilitator's notes"
    ),
    gettext_lazy("The exercises, with all their settings"),
]
LIVE_LEFT = [
    gettext_lazy("The live day: its join code, its timer and when items actually ran"),
    gettext_lazy("Everything participants sent, the results, and who came"),
    gettext_lazy("Check-ins and answers to the assignment"),
]
DAY_COPY = {
    "taken": [
        gettext_lazy(
            "The start and end times, the venue, the theme and the assignment until the next day"
        ),
        *AGENDA_TAKEN,
    ],
    "left": LIVE_LEFT,
}
PROGRAMME_TAKEN = [
    gettext_lazy("The description, and how long participants' content is kept"),
    gettext_lazy("Every day with its times, agenda, exercises and notes, keeping their spacing"),
    gettext_lazy("The network groups' names, without members"),
]
PROGRAMME_LEFT = [
    gettext_lazy("The participants, and who is in which group"),
    gettext_lazy("Everything from the live days: results, answers, check-ins and who came"),
    gettext_lazy("The leadership platform and its posters"),
]
PROGRAMME_COPY = {"taken": PROGRAMME_TAKEN, "left": PROGRAMME_LEFT}
DAY_TEMPLATE = {
    "taken": [
        gettext_lazy("The start and end times, the theme and the assignment until the next day"),
        *AGENDA_TAKEN,
    ],
    "left": [gettext_lazy("The date and the venue"), *LIVE_LEFT],
}
PROGRAMME_TEMPLATE = {
    "taken": PROGRAMME_TAKEN,
    "left": [gettext_lazy("The dates and the venues"), *PROGRAMME_LEFT],
}


def _posted(request: AuthenticatedHttpRequest):
    return request.POST if request.method == "POST" else None


def _token(request: AuthenticatedHttpRequest) -> uuid.UUID:
    """The form's token: the one it was sent with, so sending it again makes nothing new."""
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return uuid.uuid4()


# What a plan looks like, for choosing one


@dataclass(frozen=True)
class PlannedItem:
    kind: str
    title: str
    description: str
    notes: str
    duration_minutes: int
    exercise: str

    def get_kind_display(self) -> str:
        return AgendaItem.Kind(self.kind).label


@dataclass(frozen=True)
class PlannedDay:
    number: int
    offset_days: int
    theme: str
    between_work: str
    scheduled: list[ScheduledItem]

    @property
    def starts_at(self) -> dt.datetime | None:
        return self.scheduled[0].starts_at if self.scheduled else None

    @property
    def ends_at(self) -> dt.datetime | None:
        return self.scheduled[-1].ends_at if self.scheduled else None


def preview(template: PlanTemplate) -> list[PlannedDay]:
    days = []
    for number, day in enumerate(template.days(), start=1):
        items = [
            PlannedItem(
                kind=entry["kind"],
                title=entry["title"],
                description=entry.get("description", ""),
                notes=entry.get("notes", ""),
                duration_minutes=entry["minutes"],
                exercise=str(kinds.get(entry["exercise"]["kind"]).LABEL)
                if entry.get("exercise") and entry["exercise"]["kind"] in kinds.KINDS
                else "",
            )
            for entry in day.get("agenda", [])
        ]
        start = dt.time.fromisoformat(day.get("start_time") or "08:30")
        days.append(
            PlannedDay(
                number=day.get("number", number),
                offset_days=day.get("offset_days", 0),
                theme=day.get("theme", ""),
                between_work=day.get("between_work", ""),
                scheduled=schedule(items, dt.datetime.combine(dt.date(2000, 1, 1), start)),
            )
        )
    return days


# Templates


@require_GET
@login_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    templates = list(visible_templates(request).select_related("organisation"))
    return TemplateResponse(
        request,
        "library/template_list.html",
        {
            "builtin_days": [t for t in templates if t.is_builtin and t.scope == "day"],
            "builtin_programmes": [t for t in templates if t.is_builtin and t.scope != "day"],
            "own": [t for t in templates if not t.is_builtin],
            "can_create": editable_organisations(request).exists(),
        },
    )


@require_GET
@login_required
def template_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template, access = get_template_for(request, pk)
    # Where a facilitator can start from it: their programmes that may use this template.
    programmes = Programme.objects.filter(organisation__in=editable_organisations(request))
    if not template.is_builtin:
        programmes = programmes.filter(organisation=template.organisation)
    return TemplateResponse(
        request,
        "library/template_detail.html",
        {
            "template": template,
            "access": access,
            "days": preview(template),
            "programmes": programmes.order_by("-created_at")
            if template.scope == PlanTemplate.Scope.DAY
            else [],
            "can_use": editable_organisations(request).exists()
            and (template.is_builtin or (access is not None and access.can_edit)),
        },
    )


@require_POST
@login_required
def template_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template, _access = get_template_for(request, pk, edit=True)
    title = template.title
    template.delete()
    messages.success(
        request,
        _("The template “%(title)s” was deleted. Days made from it stay as they are.")
        % {"title": title},
    )
    return redirect("library:template_list")


# New days


@require_http_methods(["GET", "POST"])
@login_required
def day_from_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    templates = templates_for(programme.organisation, PlanTemplate.Scope.DAY)
    initial = {"template": request.GET.get("template") or None}
    form = DayFromTemplateForm(
        _posted(request), programme=programme, templates=templates, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = plans.day_from_template(
                data["template"],
                programme,
                date=data["date"],
                number=data["number"],
                venue=data["venue"],
                token=_token(request),
            )
        except plans.NumberTaken as taken:
            form.add_error(
                "number",
                _("The programme already has a day number %(number)s.") % {"number": taken.number},
            )
        else:
            messages.success(
                request,
                _("%(day)s was made from the template “%(template)s”. Adjust it as you like.")
                % {"day": day, "template": data["template"].shown_title},
            )
            return redirect(day)
    return TemplateResponse(
        request,
        "library/day_from_template.html",
        {
            "programme": programme,
            "access": access,
            "form": form,
            "templates": [(t, preview(t)) for t in templates],
            "token": request.POST.get("token") or uuid.uuid4(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def day_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source, access = get_workshop_for(request, pk, edit=True)
    programmes = Programme.objects.filter(organisation=source.programme.organisation_id)
    target = request.POST.get("programme", "")
    if target and not programmes.filter(pk=target if target.isdigit() else None).exists():
        raise Http404  # a programme of another organisation (or none): nothing to say about it
    form = CopyDayForm(
        _posted(request),
        programmes=programmes.order_by("-created_at"),
        initial={"programme": source.programme, "date": source.date + dt.timedelta(days=7)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = plans.copy_day(
                source,
                data["programme"],
                date=data["date"],
                number=data["number"],
                token=_token(request),
            )
        except plans.NumberTaken as taken:
            form.add_error(
                "number",
                _("The programme already has a day number %(number)s.") % {"number": taken.number},
            )
        else:
            messages.success(
                request,
                _("The copy is %(day)s of %(programme)s. Nothing from the live day came along.")
                % {"day": day, "programme": day.programme},
            )
            return redirect(day)
    return TemplateResponse(
        request,
        "library/day_copy.html",
        {
            **DAY_COPY,
            "workshop": source,
            "programme": source.programme,
            "access": access,
            "form": form,
            "token": request.POST.get("token") or uuid.uuid4(),
        },
    )


# New programmes


@require_http_methods(["GET", "POST"])
@login_required
def programme_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source, access = get_programme_for(request, pk, edit=True)
    first = source.workshops.order_by("number").first()
    form = ProgrammeForm(
        _posted(request),
        initial={
            "title": _("%(title)s (copy)") % {"title": source.title},
            "first_date": first.date + dt.timedelta(days=365) if first else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        programme = plans.copy_programme(
            source,
            title=form.cleaned_data["title"],
            first_date=form.cleaned_data["first_date"],
            by=request.user,
            token=_token(request),
        )
        return _programme_ready(request, programme)
    return TemplateResponse(
        request,
        "library/programme_copy.html",
        {
            **PROGRAMME_COPY,
            "programme": source,
            "access": access,
            "form": form,
            "days": source.workshops.order_by("number"),
            "group_names": list(source.groups.values_list("name", flat=True)),
            "token": request.POST.get("token") or uuid.uuid4(),
        },
    )


def _programme_ready(request: AuthenticatedHttpRequest, programme) -> HttpResponse:
    """After a programme is made from a copy or a template: on to it, with the next step."""
    messages.success(
        request,
        _("“%(title)s” is ready with its days. Add the participants to its roster.")
        % {"title": programme.title},
    )
    return redirect(programme)


@require_http_methods(["GET", "POST"])
@login_required
def programme_from_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = editable_organisations(request)
    if not organisations.exists():
        if memberships_of(request).exists():
            messages.error(request, _("Only facilitators can create programmes."))
            return redirect("workshops:programme_list")
        raise Http404
    templates = PlanTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__in=organisations),
        scope=PlanTemplate.Scope.PROGRAMME,
    ).order_by("-organisation", "title")
    chosen = request.GET.get("template")
    form = ProgrammeFromTemplateForm(
        _posted(request),
        templates=templates,
        organisations=organisations,
        initial={"template": chosen or None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = plans.programme_from_template(
            data["template"],
            data["organisation"],
            title=data["title"],
            first_date=data["first_date"],
            by=request.user,
            token=_token(request),
        )
        return _programme_ready(request, programme)
    return TemplateResponse(
        request,
        "library/programme_from_template.html",
        {
            "form": form,
            "templates": [(t, preview(t)) for t in templates],
            "token": request.POST.get("token") or uuid.uuid4(),
        },
    )


# Saving as a template


def _save_template(
    request: AuthenticatedHttpRequest,
    *,
    organisation: Organisation,
    scope: str,
    plan: Callable[[], dict],
    initial_title: str,
    context: dict,
) -> HttpResponse:
    form = SaveTemplateForm(_posted(request), initial={"title": initial_title})
    if request.method == "POST" and form.is_valid():
        template = plans.save_template(
            organisation,
            scope=scope,
            plan=plan(),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            language=form.cleaned_data["language"],
            by=request.user,
            token=_token(request),
        )
        messages.success(
            request,
            _("Saved as the template “%(title)s”. Your colleagues can start from it now.")
            % {"title": template.title},
        )
        return redirect("library:template_detail", pk=template.pk)
    return TemplateResponse(
        request,
        "library/save_template.html",
        {
            **context,
            "form": form,
            "scope": scope,
            "token": request.POST.get("token") or uuid.uuid4(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def day_save_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    return _save_template(
        request,
        organisation=workshop.programme.organisation,
        scope=PlanTemplate.Scope.DAY,
        plan=lambda: plans.day_plan(workshop),
        initial_title=workshop.theme or str(workshop),
        context={
            **DAY_TEMPLATE,
            "workshop": workshop,
            "programme": workshop.programme,
            "access": access,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_save_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    return _save_template(
        request,
        organisation=programme.organisation,
        scope=PlanTemplate.Scope.PROGRAMME,
        plan=lambda: plans.programme_plan(programme),
        initial_title=programme.title,
        context={**PROGRAMME_TEMPLATE, "programme": programme, "access": access},
    )
