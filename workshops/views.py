"""Planning views: programmes, days, agendas, rosters and network groups.

One function serves the full page and, for htmx, just the fragment that changed (see
STYLE.md). Every POST without htmx ends in a redirect, so the pages work without JavaScript.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from workshops import calendar
from workshops.access import (
    editable_organisations,
    get_group_for,
    get_participant_for,
    get_programme_for,
    get_workshop_for,
    visible_programmes,
)
from workshops.forms import (
    GroupFillForm,
    NetworkGroupForm,
    ParticipantForm,
    ProgrammeForm,
    RosterImportForm,
    WorkshopForm,
)
from workshops.http import AuthenticatedHttpRequest, fragment, posted, posted_token
from workshops.models import Programme, Workshop
from workshops.personal import deletion_warning
from workshops.roster import fill_groups, import_roster


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("workshops:programme_list")
    return redirect("login")


# Programmes


@require_GET
@login_required
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    programmes = (
        visible_programmes(request)
        .select_related("organisation")
        .prefetch_related("workshops")
        .order_by("organisation__name", "-created_at")
    )
    return TemplateResponse(
        request,
        "workshops/programme_list.html",
        {
            "programmes": programmes,
            "can_create": editable_organisations(request).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = editable_organisations(request)
    if not organisations.exists():
        messages.error(request, _("Only facilitators can create programmes."))
        return redirect("workshops:programme_list")
    form = ProgrammeForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        token = posted_token(request)
        existing = Programme.objects.filter(client_token=token).first() if token else None
        if existing is not None:
            return redirect(existing)
        programme = form.save(commit=False)
        programme.created_by = request.user
        programme.client_token = token
        programme.save()
        messages.success(request, _("The programme was created. Add its first day."))
        return redirect(programme)
    return TemplateResponse(
        request, "workshops/programme_form.html", {"form": form, "token": uuid.uuid4()}
    )


@require_GET
@login_required
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk)
    return TemplateResponse(
        request,
        "workshops/programme_detail.html",
        {
            "programme": programme,
            "access": access,
            # Exercises build on days: their runs are counted by the relation's name.
            "workshops": programme.workshops.annotate(run_count=Count("runs")),
            "participant_count": programme.participants.count(),
            "groups": programme.groups.all(),
            "deletion_warning": deletion_warning(programme),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    form = ProgrammeForm(
        posted(request),
        instance=programme,
        organisations=editable_organisations(request),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The programme was saved."))
        return redirect(programme)
    return TemplateResponse(
        request,
        "workshops/programme_form.html",
        {"form": form, "programme": programme, "access": access},
    )


# Workshop days


@require_http_methods(["GET", "POST"])
@login_required
def workshop_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    last = programme.workshops.order_by("-number").first()
    form = WorkshopForm(
        posted(request),
        programme=programme,
        initial={"number": last.number + 1 if last else 1},
    )
    if request.method == "POST" and form.is_valid():
        workshop = form.save(commit=False)
        workshop.programme = programme
        workshop.save()
        messages.success(request, _("The day was created. Build its agenda below."))
        return redirect(workshop)
    return TemplateResponse(
        request,
        "workshops/workshop_form.html",
        {"form": form, "programme": programme, "access": access},
    )


def refuse_if_ended(request: AuthenticatedHttpRequest, workshop: Workshop) -> HttpResponse | None:
    """A change to a finished day's agenda or exercises, from a page drawn before it ended:
    refused, pointing to the page that reopens the day. None when the day is not finished."""
    if workshop.status != Workshop.Status.ENDED:
        return None
    message = _("The day has ended, so its agenda is locked. Reopen the day to change it.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("live:workshop_reopen", args=[workshop.pk]))
    messages.warning(request, message)
    return redirect("live:workshop_reopen", pk=workshop.pk)


@require_http_methods(["GET", "POST"])
@login_required
def workshop_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    form = WorkshopForm(posted(request), instance=workshop, programme=workshop.programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The day was saved."))
        return redirect(workshop)
    return TemplateResponse(
        request,
        "workshops/workshop_form.html",
        {
            "form": form,
            "programme": workshop.programme,
            "workshop": workshop,
            "access": access,
        },
    )


@require_POST
@login_required
def workshop_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, _access = get_workshop_for(request, pk, edit=True)
    programme = workshop.programme
    workshop.delete()
    messages.success(request, _("The day was deleted."))
    return redirect(programme)


@require_GET
@login_required
def workshop_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The printed day plan, with the facilitator's notes; ?notes=off leaves them out, for a
    copy to hand to participants."""
    workshop, _access = get_workshop_for(request, pk)
    scheduled = workshop.scheduled_items()
    return TemplateResponse(
        request,
        "workshops/workshop_print.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "scheduled": scheduled,
            "summary": workshop.summary(scheduled),
            "with_notes": request.GET.get("notes") != "off",
        },
    )


@require_GET
@login_required
def workshop_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, _access = get_workshop_for(request, pk)
    response = HttpResponse(
        calendar.workshop_calendar(workshop, request), content_type="text/calendar; charset=utf-8"
    )
    filename = f"samling-{workshop.number}-{workshop.date.isoformat()}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Agenda items. Every change answers with the whole #agenda fragment, so the computed times,
# the planned end and the overrun flag are always redrawn together.


# Roster


def _roster_context(programme: Programme, access, **extra) -> dict:
    return {
        "programme": programme,
        "access": access,
        "participants": programme.participants.select_related("network_group"),
        "groups": programme.groups.all(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def roster(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=request.method == "POST")
    form = ParticipantForm(posted(request), programme=programme)
    status = ""
    if request.method == "POST" and form.is_valid():
        participant = form.save(commit=False)
        participant.programme = programme
        participant.save()
        status = _("%(name)s was added to the roster.") % {"name": participant.name}
        if not request.htmx:
            messages.success(request, status)
            return redirect("workshops:roster", pk=programme.pk)
        form = ParticipantForm(programme=programme)
    return TemplateResponse(
        request,
        fragment(request, "workshops/roster.html", "roster"),
        _roster_context(programme, access, form=form, status=status),
    )


@require_http_methods(["GET", "POST"])
@login_required
def roster_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    form = RosterImportForm(posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_roster(programme, form.cleaned_data["file"].read())
        if result.ok:
            count = len(result.created)
            messages.success(
                request,
                ngettext(
                    "%(count)s participant was added to the roster.",
                    "%(count)s participants were added to the roster.",
                    count,
                )
                % {"count": count},
            )
            return redirect("workshops:roster", pk=programme.pk)
    return TemplateResponse(
        request,
        "workshops/roster_import.html",
        {"programme": programme, "access": access, "form": form, "result": result},
    )


@require_http_methods(["GET", "POST"])
@login_required
def participant_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant, access = get_participant_for(request, pk, edit=True)
    programme = participant.programme
    form = ParticipantForm(posted(request), instance=participant, programme=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes to %(name)s were saved.") % {"name": participant.name})
        return redirect("workshops:roster", pk=programme.pk)
    return TemplateResponse(
        request,
        "workshops/participant_form.html",
        {"form": form, "participant": participant, "programme": programme, "access": access},
    )


@require_POST
@login_required
def participant_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant, access = get_participant_for(request, pk, edit=True)
    programme = participant.programme
    name = participant.name
    participant.delete()
    status = _("%(name)s was removed from the roster.") % {"name": name}
    if not request.htmx:
        messages.success(request, status)
        return redirect("workshops:roster", pk=programme.pk)
    return TemplateResponse(
        request,
        "workshops/roster.html#roster",
        _roster_context(
            programme, access, form=ParticipantForm(programme=programme), status=status
        ),
    )


@require_POST
@login_required
def participant_set_group(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant, access = get_participant_for(request, pk, edit=True)
    programme = participant.programme
    group_id = request.POST.get("network_group") or None
    group = programme.groups.filter(pk=group_id).first() if group_id else None
    if group_id and group is None:
        return HttpResponseBadRequest(_("That group is not in this programme."))
    participant.network_group = group
    participant.save(update_fields=["network_group"])
    status = (
        _("%(name)s is now in %(group)s.") % {"name": participant.name, "group": group.name}
        if group
        else _("%(name)s has no group now.") % {"name": participant.name}
    )
    if not request.htmx:
        messages.success(request, status)
        back_to = "workshops:groups" if request.POST.get("back") == "groups" else "workshops:roster"
        return redirect(back_to, pk=programme.pk)
    return HttpResponse(status)


# Network groups


def _groups_context(programme: Programme, access, **extra) -> dict:
    groups = programme.groups.prefetch_related("members")
    return {
        "programme": programme,
        "access": access,
        "groups": groups,
        "ungrouped": programme.participants.filter(network_group=None),
        "fill_form": GroupFillForm(initial={"count": max(groups.count(), 4)}),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def groups(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=request.method == "POST")
    form = NetworkGroupForm(posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        group = form.save(commit=False)
        group.programme = programme
        group.save()
        messages.success(request, _("The group %(name)s was created.") % {"name": group.name})
        return redirect("workshops:groups", pk=programme.pk)
    return TemplateResponse(
        request, "workshops/groups.html", _groups_context(programme, access, form=form)
    )


@require_POST
@login_required
def groups_fill(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    form = GroupFillForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "workshops/groups.html",
            _groups_context(
                programme, access, form=NetworkGroupForm(programme=programme), fill_form=form
            ),
        )
    fill_groups(programme, form.cleaned_data["count"])
    messages.success(request, _("Everyone on the roster now has a network group."))
    return redirect("workshops:groups", pk=programme.pk)


@require_http_methods(["GET", "POST"])
@login_required
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group, access = get_group_for(request, pk, edit=True)
    programme = group.programme
    form = NetworkGroupForm(posted(request), instance=group, programme=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The group was renamed."))
        return redirect("workshops:groups", pk=programme.pk)
    return TemplateResponse(
        request,
        "workshops/group_form.html",
        {"form": form, "group": group, "programme": programme, "access": access},
    )


@require_POST
@login_required
def group_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group, _access = get_group_for(request, pk, edit=True)
    programme = group.programme
    name = group.name
    group.delete()
    messages.success(
        request,
        _("The group %(name)s was deleted; its members have no group now.") % {"name": name},
    )
    return redirect("workshops:groups", pk=programme.pk)
