"""Setting up exercises on the agenda, and running them: phones submit, the facilitator acts."""

from __future__ import annotations

import csv
import io
import re
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
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from exercises import catalogue, groupcast, kinds
from exercises.access import get_agenda_item_for, get_run_for
from exercises.models import Exercise, Member
from exercises.runs import change, decide_role, place_late
from workshops import broadcast
from workshops.access import get_workshop_for
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.live_views import (
    phone_attendee,
    phone_lost,
    phone_page,
    phone_problem,
    sse_response,
)
from workshops.models import StaleVersion, TransitionRefused
from workshops.views import agenda_response, refuse_if_ended


@require_http_methods(["GET", "POST"])
@login_required
def setup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The settings of an agenda item's exercise; for an item without one, the library to
    choose a kind from (?kind= opens that kind's settings, its phases fitted to the item)."""
    item, access = get_agenda_item_for(request, pk, edit=True)
    if (refused := refuse_if_ended(request, item.workshop)) is not None:
        return refused
    exercise = Exercise.objects.filter(agenda_item=item).first()
    kind_name = (
        request.POST.get("kind") or request.GET.get("kind") or (exercise.kind if exercise else "")
    )
    context = {
        "item": item,
        "workshop": item.workshop,
        "programme": item.workshop.programme,
        "access": access,
        "exercise": exercise,
        "library": catalogue.entries(),
    }
    if not kind_name:
        return TemplateResponse(request, "exercises/setup.html", {**context, "form": None})
    if kind_name not in kinds.KINDS:
        raise Http404
    module = kinds.get(kind_name)
    if exercise is not None and exercise.kind == kind_name:
        initial = exercise.settings
    else:
        initial = catalogue.fit(module, catalogue.defaults(module), item.duration_minutes)
    form = module.SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        Exercise.objects.update_or_create(
            agenda_item=item, defaults={"kind": kind_name, "settings": form.cleaned_data}
        )
        messages.success(request, _("The exercise was saved."))
        return redirect(f"{item.workshop.get_absolute_url()}#item-{item.pk}")
    planned = catalogue.planned_minutes(module, {**catalogue.defaults(module), **initial})
    return TemplateResponse(
        request,
        "exercises/setup.html",
        {**context, "form": form, "kind_name": kind_name, "module": module, "planned": planned},
    )


@require_POST
@login_required
def library_add(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add an exercise from the library: an agenda item with the exercise set up, in one go."""
    workshop, access = get_workshop_for(request, pk, edit=True)
    if (refused := refuse_if_ended(request, workshop)) is not None:
        return refused
    if kind not in kinds.KINDS:
        raise Http404
    module = kinds.get(kind)
    item_form, settings_form = catalogue.library_forms(module, request.POST)
    valid = [item_form.is_valid(), settings_form.is_valid()]  # both, so both show their errors
    if not all(valid):
        return agenda_response(
            request,
            workshop,
            access,
            library_kind=kind,
            library_forms=(item_form, settings_form),
            focus="library",
        )
    fields, settings = catalogue.settle(module, item_form.cleaned_data, settings_form.cleaned_data)
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = None
    item = catalogue.add_to_agenda(workshop, module, item=fields, settings=settings, token=token)
    status = _("Added “%(title)s”, its exercise set up.") % {"title": item.title}
    if not request.htmx:
        messages.success(request, status)
        return redirect(f"{workshop.get_absolute_url()}#item-{item.pk}")
    return agenda_response(request, workshop, access, status=status, focus=f"item-{item.pk}")


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
            link=reverse("workshops:phone", args=[workshop.join_code]),
            link_label=_("Go to what is on now"),
        )
    form = run.module.submit(run, attendee, request.POST, token)
    refused = form if form.errors else None
    if not request.htmx:
        if refused is not None:
            return phone_page(request, workshop, attendee, run, refused=refused, token=token)
        return redirect("workshops:phone", code=workshop.join_code)
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
        member = decide_role(run, attendee, request.POST.get("member"))
    except TransitionRefused as refused:
        notice = str(refused)
        member = None
    if not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect("workshops:phone", code=workshop.join_code)
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
        change(run, action, by=request.user, expected_version=version, data=request.POST)
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
        return redirect("workshops:console", pk=workshop.pk)
    context = {**broadcast.live_context(workshop), "access": access, "notice": notice}
    return TemplateResponse(
        request, "workshops/live/console.html#state", context, status=409 if notice else 200
    )


FORMULA = ("=", "+", "-", "@", "\t", "\r")


@require_GET
@login_required
def export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run, _access = get_run_for(request, pk)
    header, rows = run.module.export(run)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(f"{run.exercise.agenda_item.title}-{run.workshop}") or "export"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # Excel reads æøå right only with the BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet; participants' text is data.
        writer.writerow(
            [
                f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA) else cell
                for cell in row
            ]
        )
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@login_required
def export_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The run's results as a spreadsheet: the kind's `export_sheets(run)` (title, header, rows
    per sheet; by default its CSV table as a single sheet)."""
    run, _access = get_run_for(request, pk)
    title = run.exercise.agenda_item.title
    sheets = run.module.export_sheets(run)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, (sheet_title, header, rows) in enumerate(sheets, start=1):
        # Sheet names: at most 31 characters, none of []:*?/\, unique in the workbook.
        name = re.sub(r"[\[\]:*?/\\]", " ", str(sheet_title)).strip()[:28] or "Sheet"
        if name in workbook.sheetnames:
            name = f"{name[:25]} {index}"
        sheet = workbook.create_sheet(name)
        sheet.append([str(cell) for cell in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(cell) for cell in row])
            for cell in sheet[sheet.max_row]:
                # openpyxl takes a string starting with "=" for a formula; participants'
                # text is data, so every string is stored as a string.
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = slugify(f"{title}-{run.workshop}") or "export"
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx_value(value):
    if isinstance(value, str):
        # Control characters are not allowed in the file format; openpyxl refuses them.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, (int, float)):
        return value
    return str(value)


IMAGE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@require_GET
@login_required
def picture(request: AuthenticatedHttpRequest, pk: int, image_format: str) -> HttpResponse:
    """The run's result as an image to download, for a kind that draws one (a word cloud)."""
    run, _access = get_run_for(request, pk)
    drawn = run.module.picture(run, image_format) if image_format in IMAGE_TYPES else None
    if drawn is None:
        raise Http404
    filename, image = drawn
    response = HttpResponse(image, content_type=IMAGE_TYPES[image_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{image_format}"'
    return response


@require_GET
def group_stream(request: HttpRequest, code: str, run_pk: int) -> HttpResponse:
    """A phone's stream of its own group's view in a grouped exercise."""
    workshop, attendee, run = phone_attendee(request, code)
    if run is None or run.pk != run_pk or run.module.group_context is None:
        raise Http404
    member = place_late(run, attendee)
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
