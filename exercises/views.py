"""Setting up exercises on the agenda, and running them: phones submit, the facilitator acts."""

from __future__ import annotations

import csv
import io
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from exercises import catalogue, kinds
from exercises.access import get_agenda_item_for, get_run_for
from exercises.agenda_views import agenda_response
from exercises.models import Exercise
from workshops.access import get_workshop_for
from workshops.http import AuthenticatedHttpRequest
from workshops.views import refuse_if_ended


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
