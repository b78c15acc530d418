"""Planning views: programmes, days, agendas, rosters and network groups.

One function serves the full page and, for htmx, just the fragment that changed (see
STYLE.md). Every POST without htmx ends in a redirect, so the pages work without JavaScript.
"""

from __future__ import annotations

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from workshops import broadcast, calendar
from workshops.access import (
    editable_organisations,
    get_agenda_item_for,
    get_group_for,
    get_participant_for,
    get_programme_for,
    get_workshop_for,
    visible_programmes,
)
from workshops.forms import (
    AgendaItemForm,
    GroupFillForm,
    NetworkGroupForm,
    ParticipantForm,
    ProgrammeForm,
    RosterImportForm,
    WorkshopForm,
)
from workshops.http import AuthenticatedHttpRequest
from workshops.models import AgendaItem, Programme, StaleVersion, TransitionRefused, Workshop
from workshops.personal import deletion_warning
from workshops.roster import fill_groups, import_roster


def _fragment(request: AuthenticatedHttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if request.htmx else template


def _posted(request: AuthenticatedHttpRequest):
    # Not `request.POST or None`: a POST with no fields must still bind and show its errors.
    return request.POST if request.method == "POST" else None


def _token(request: AuthenticatedHttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


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
    form = ProgrammeForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        token = _token(request)
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
        _posted(request),
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
        _posted(request),
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


def _agenda_context(
    workshop: Workshop,
    *,
    form: AgendaItemForm | None = None,
    editing: AgendaItem | None = None,
    edit_form: AgendaItemForm | None = None,
    status: str = "",
    focus: str = "",
    library_kind: str = "",
    library_forms: tuple | None = None,
) -> dict:
    from exercises import catalogue, kinds  # exercises build on workshops

    scheduled = workshop.scheduled_items()
    if library_kind in kinds.KINDS and library_forms is None:
        library_forms = catalogue.library_forms(kinds.get(library_kind))
    return {
        "workshop": workshop,
        "programme": workshop.programme,
        "scheduled": scheduled,
        "summary": workshop.summary(scheduled),
        "form": form or AgendaItemForm(),
        "token": uuid.uuid4(),
        "editing": editing,
        "edit_form": edit_form,
        "status": status,
        "focus": focus,
        # The exercise library, with the form of the kind being added open (see
        # exercises.views.library_add).
        "library": catalogue.entries(),
        "library_kind": library_kind if library_forms else "",
        "library_forms": library_forms,
        "library_token": uuid.uuid4(),
    }


@require_GET
@login_required
def workshop_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk)
    # ?add=<kind> opens that kind's form in the exercise library (the link works without htmx).
    adding = request.GET.get("add", "") if access.can_edit else ""
    return TemplateResponse(
        request,
        _fragment(request, "workshops/workshop_detail.html", "agenda"),
        {
            **_agenda_context(workshop, library_kind=adding, focus="library" if adding else ""),
            **_day_access(workshop, access),
        },
    )


def _day_access(workshop: Workshop, access) -> dict:
    """Who may do what on the day's page: a finished day's agenda is changed only after the
    facilitator has reopened it (workshop_reopen), which says what that does to the results."""
    return {
        "access": access,
        "agenda_editable": access.can_edit and workshop.status != Workshop.Status.ENDED,
        # Exercises build on days: their runs are found by the relation's name.
        "has_results": workshop.runs.exists(),
    }


def refuse_if_ended(request: AuthenticatedHttpRequest, workshop: Workshop) -> HttpResponse | None:
    """A change to a finished day's agenda or exercises, from a page drawn before it ended:
    refused, pointing to the page that reopens the day. None when the day is not finished."""
    if workshop.status != Workshop.Status.ENDED:
        return None
    message = _("The day has ended, so its agenda is locked. Reopen the day to change it.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("workshops:workshop_reopen", args=[workshop.pk]))
    messages.warning(request, message)
    return redirect("workshops:workshop_reopen", pk=workshop.pk)


@require_http_methods(["GET", "POST"])
@login_required
def workshop_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Run a finished day again, or change it: a page that says first what that does to the
    day's results, and a button that reopens it (Workshop.reopen_day)."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    notice = ""
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            workshop.reopen_day(by=request.user, expected_version=version)
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
        "workshops/workshop_reopen.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "access": access,
            "notice": notice,
            "runs": workshop.runs.count(),
        },
        status=409 if notice else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def workshop_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    form = WorkshopForm(_posted(request), instance=workshop, programme=workshop.programme)
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


def agenda_response(
    request: AuthenticatedHttpRequest, workshop: Workshop, access, **context
) -> HttpResponse:
    """The day's page, or its #agenda fragment for htmx, after a change to the agenda (also
    used by the exercise library's view)."""
    if workshop.is_live and request.method == "POST":
        # The day is running: the console, the projector and the phones show this agenda too.
        transaction.on_commit(partial(broadcast.day_changed, workshop.pk), robust=True)
    return TemplateResponse(
        request,
        _fragment(request, "workshops/workshop_detail.html", "agenda"),
        {**_agenda_context(workshop, **context), **_day_access(workshop, access)},
    )


@require_POST
@login_required
def agenda_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    if (refused := refuse_if_ended(request, workshop)) is not None:
        return refused
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return agenda_response(request, workshop, access, form=form, focus="add")
    item = workshop.add_item(token=_token(request), **form.cleaned_data)
    if not request.htmx:
        return redirect(workshop)
    # The next item is often of the same type (three talks in a row): keep it chosen.
    return agenda_response(
        request,
        workshop,
        access,
        form=AgendaItemForm(initial={"kind": item.kind}),
        status=_("Added “%(title)s”.") % {"title": item.title},
        focus="add",
    )


@require_http_methods(["GET", "POST"])
@login_required
def agenda_item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item, access = get_agenda_item_for(request, pk, edit=True)
    workshop = item.workshop
    if (refused := refuse_if_ended(request, workshop)) is not None:
        return refused
    minutes_before = item.duration_minutes
    edit_form = AgendaItemForm(_posted(request), instance=item, prefix="edit")
    if request.method == "POST" and edit_form.is_valid():
        from exercises.catalogue import follow_item  # exercises build on workshops

        with transaction.atomic():
            edit_form.save()
            follow_item(item, minutes_before)
        if not request.htmx:
            return redirect(workshop)
        return agenda_response(
            request,
            workshop,
            access,
            status=_("Saved “%(title)s”.") % {"title": item.title},
            focus=f"item-{item.pk}",
        )
    return agenda_response(request, workshop, access, editing=item, edit_form=edit_form)


@require_POST
@login_required
def agenda_item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item, access = get_agenda_item_for(request, pk, edit=True)
    workshop = item.workshop
    if (refused := refuse_if_ended(request, workshop)) is not None:
        return refused
    title = item.title
    if workshop.is_live and workshop.current_item_id == item.pk:
        status = _("“%(title)s” is on right now; move on to another item before deleting it.") % {
            "title": title
        }
        if not request.htmx:
            messages.error(request, status)
            return redirect(workshop)
        return agenda_response(request, workshop, access, status=status)
    item.delete()
    if not request.htmx:
        messages.success(request, _("Deleted “%(title)s”.") % {"title": title})
        return redirect(workshop)
    return agenda_response(
        request, workshop, access, status=_("Deleted “%(title)s”.") % {"title": title}
    )


@require_POST
@login_required
def agenda_item_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item, access = get_agenda_item_for(request, pk, edit=True)
    if (refused := refuse_if_ended(request, item.workshop)) is not None:
        return refused
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Say whether to move the item up or down."))
    workshop = item.workshop
    place = workshop.move_item(item, -1 if direction == "up" else 1)
    if not request.htmx:
        return redirect(workshop)
    return agenda_response(
        request,
        workshop,
        access,
        status=_("Moved “%(title)s” to place %(place)s.") % {"title": item.title, "place": place},
        focus=f"move-{direction}-{item.pk}",
    )


@require_POST
@login_required
def agenda_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workshop, access = get_workshop_for(request, pk, edit=True)
    if (refused := refuse_if_ended(request, workshop)) is not None:
        return refused
    try:
        ordered = [int(value) for value in request.POST.getlist("order")]
        workshop.reorder(ordered)
    except ValueError:
        return agenda_response(
            request,
            workshop,
            access,
            status=_("The agenda changed in another window. Here is the current order."),
        )
    if not request.htmx:
        return redirect(workshop)
    return agenda_response(request, workshop, access, status=_("The new order was saved."))


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
    form = ParticipantForm(_posted(request), programme=programme)
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
        _fragment(request, "workshops/roster.html", "roster"),
        _roster_context(programme, access, form=form, status=status),
    )


@require_http_methods(["GET", "POST"])
@login_required
def roster_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme, access = get_programme_for(request, pk, edit=True)
    form = RosterImportForm(_posted(request), request.FILES if request.method == "POST" else None)
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
    form = ParticipantForm(_posted(request), instance=participant, programme=programme)
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
    form = NetworkGroupForm(_posted(request), programme=programme)
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
    form = NetworkGroupForm(_posted(request), instance=group, programme=programme)
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
