"""The day's page and its agenda: items, each with its exercise, and the exercise library.

Built on the exercises (the library and each kind's settings), so it lives here and not with
the days. Every change answers with the whole #agenda fragment, so the computed times, the
planned end and the overrun flag are always redrawn together.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import catalogue, kinds
from workshops import push
from workshops.access import get_agenda_item_for, get_workshop_for
from workshops.forms import AgendaItemForm
from workshops.http import AuthenticatedHttpRequest, fragment, posted, posted_token
from workshops.models import AgendaItem, Workshop
from workshops.views import refuse_if_ended


def agenda_context(
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
        fragment(request, "workshops/workshop_detail.html", "agenda"),
        {
            **agenda_context(workshop, library_kind=adding, focus="library" if adding else ""),
            **day_access(workshop, access),
        },
    )


def day_access(workshop: Workshop, access) -> dict:
    """Who may do what on the day's page: a finished day's agenda is changed only after the
    facilitator has reopened it (workshop_reopen), which says what that does to the results."""
    return {
        "access": access,
        "agenda_editable": access.can_edit and workshop.status != Workshop.Status.ENDED,
        # Exercises build on days: their runs are found by the relation's name.
        "has_results": workshop.runs.exists(),
    }


def agenda_response(
    request: AuthenticatedHttpRequest, workshop: Workshop, access, **context
) -> HttpResponse:
    """The day's page, or its #agenda fragment for htmx, after a change to the agenda (also
    used by the exercise library's view)."""
    if workshop.is_live and request.method == "POST":
        # The day is running: the console, the projector and the phones show this agenda too.
        push.day_changed(workshop.pk)
    return TemplateResponse(
        request,
        fragment(request, "workshops/workshop_detail.html", "agenda"),
        {**agenda_context(workshop, **context), **day_access(workshop, access)},
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
    item = workshop.add_item(token=posted_token(request), **form.cleaned_data)
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
    edit_form = AgendaItemForm(posted(request), instance=item, prefix="edit")
    if request.method == "POST" and edit_form.is_valid():
        with transaction.atomic():
            edit_form.save()
            catalogue.follow_item(item, minutes_before)
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
