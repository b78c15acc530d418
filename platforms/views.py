"""The lederplattform page, its inline editing, versions, and the lederplakat.

One function serves the full page and, for htmx, the section that changed (see STYLE.md).
Every POST without htmx ends in a redirect, so the page works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from live.views import sse_response
from platforms import exports, jobs, live, poster, report, services
from platforms.access import (
    get_platform_for,
    get_proposal_for,
    get_render_for,
    get_report_for,
    get_run_for,
    get_value_for,
    get_version_for,
)
from platforms.forms import (
    BrandForm,
    PurposeForm,
    RenderForm,
    ReportForm,
    StepForm,
    ValueAddForm,
    ValueForm,
    VersionNameForm,
    VisionForm,
)
from platforms.models import LeadershipPlatform, PosterRender, Practice, ReportRender, Step
from workshops import logos
from workshops.access import Access
from workshops.http import AuthenticatedHttpRequest

PAGE = "platforms/platform_detail.html"


def _posted(request: AuthenticatedHttpRequest):
    return request.POST if request.method == "POST" else None


SOURCES = ("source_workshop", "source_run__exercise__agenda_item", "source_group")


def _recover_lost_jobs(platform: LeadershipPlatform) -> None:
    """Someone is looking: a poster or report nobody is making any more is queued again
    (platforms/jobs.py; beat does the same every minute where there is a broker)."""
    jobs.recover_lost(platform.renders.all())
    jobs.recover_lost(platform.reports.all())


def _context(platform: LeadershipPlatform, access: Access, **extra) -> dict:
    proposals = list(platform.vision_proposals.select_related(*SOURCES))
    renders = list(platform.renders.select_related("version")[:20])
    reports = list(platform.reports.all())
    return {
        "platform": platform,
        "programme": platform.programme,
        "access": access,
        "steps": Step.choices,
        "purpose_points": platform.purpose_points.select_related(*SOURCES),
        "vision": next((p for p in proposals if p.is_chosen), None),
        "alternatives": [p for p in proposals if not p.is_chosen],
        "values": platform.values.prefetch_related("practices", *SOURCES),
        "sides": Practice.Side.choices,
        "renders": renders,
        "pending": any(job.is_pending for job in renders),
        "reports": reports,
        "reports_pending": any(job.is_pending for job in reports),
        "report_form": ReportForm(
            prefix="report", initial={"language": translation.get_language()}
        ),
        "showcase": poster.showcase(platform, translation.get_language()),
        # Called only where the page shows it (the full page, for facilitators).
        "promotable_runs": lambda: services.runs_with_results(platform.programme),
        "render_form": RenderForm(),
        "latest_version": platform.latest_version(),
        "warnings": poster.contrast_warnings(platform.programme.organisation),
        "editing": "",
        "status": "",
        "report_status": "",
        "focus": "",
        **extra,
    }


def _section(
    request: AuthenticatedHttpRequest, section: str, platform, access, **extra
) -> HttpResponse:
    template = f"{PAGE}#{section}" if request.htmx else PAGE
    return TemplateResponse(request, template, _context(platform, access, **extra))


@require_GET
@login_required
def platform_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk)
    section = request.GET.get("section", "")
    # htmx "Cancel" links ask for one section back in read mode.
    if request.htmx and section in ("purpose", "vision", "values"):
        return _section(request, section, platform, access)
    _recover_lost_jobs(platform)
    return TemplateResponse(request, PAGE, _context(platform, access))


@require_POST
@login_required
def platform_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk, edit=True)
    form = StepForm(request.POST)
    if form.is_valid():
        services.set_step(platform, form.cleaned_data["step"], by=request.user)
    if not request.htmx:
        return redirect(platform)
    return _section(request, "steps", platform, access, status=_("The step was saved."))


@require_http_methods(["GET", "POST"])
@login_required
def purpose_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk, edit=True)
    initial = {
        "lead": platform.purpose_lead,
        "points": [p.text for p in platform.purpose_points.all()],
    }
    form = PurposeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_purpose(
            platform,
            lead=form.cleaned_data["lead"],
            points=form.cleaned_data["points"],
            by=request.user,
        )
        if not request.htmx:
            return redirect(platform)
        return _section(
            request,
            "purpose",
            platform,
            access,
            status=_("The purpose was saved."),
            focus="purpose-heading",
        )
    return _section(request, "purpose", platform, access, editing="purpose", form=form)


@require_http_methods(["GET", "POST"])
@login_required
def vision_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk, edit=True)
    chosen = platform.vision
    initial = {
        "vision": chosen.text if chosen else "",
        "alternatives": [p.text for p in platform.vision_proposals.filter(is_chosen=False)],
    }
    form = VisionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_vision(
            platform,
            vision=form.cleaned_data["vision"],
            alternatives=form.cleaned_data["alternatives"],
            by=request.user,
        )
        if not request.htmx:
            return redirect(platform)
        return _section(
            request,
            "vision",
            platform,
            access,
            status=_("The vision was saved."),
            focus="vision-heading",
        )
    return _section(request, "vision", platform, access, editing="vision", form=form)


@require_POST
@login_required
def vision_choose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal, access = get_proposal_for(request, pk, edit=True)
    services.choose_vision(proposal, by=request.user)
    platform = proposal.platform
    if not request.htmx:
        return redirect(platform)
    return _section(
        request,
        "vision",
        platform,
        access,
        status=_("“%(text)s” is now the vision.") % {"text": proposal.text},
        focus="vision-heading",
    )


@require_POST
@login_required
def value_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk, edit=True)
    form = ValueAddForm(request.POST)
    if not form.is_valid():
        return _section(request, "values", platform, access, add_form=form, focus="add-value")
    value = services.add_value(
        platform,
        name=form.cleaned_data["name"],
        meaning=form.cleaned_data["meaning"],
        by=request.user,
    )
    if not request.htmx:
        return redirect(platform)
    return _section(
        request,
        "values",
        platform,
        access,
        status=_("Added “%(name)s”.") % {"name": value.name},
        focus="add-value",
    )


@require_http_methods(["GET", "POST"])
@login_required
def value_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    value, access = get_value_for(request, pk, edit=True)
    platform = value.platform
    practices = list(value.practices.all())
    initial = {
        "name": value.name,
        "meaning": value.meaning,
        **{side: [p.text for p in practices if p.side == side] for side in Practice.Side.values},
    }
    form = ValueForm(_posted(request), initial=initial, prefix="value")
    if request.method == "POST" and form.is_valid():
        services.edit_value(
            value,
            name=form.cleaned_data["name"],
            meaning=form.cleaned_data["meaning"],
            practices={side: form.cleaned_data[side] for side in Practice.Side.values},
            by=request.user,
        )
        if not request.htmx:
            return redirect(platform)
        return _section(
            request,
            "values",
            platform,
            access,
            status=_("Saved “%(name)s”.") % {"name": value.name},
            focus=f"value-{value.pk}",
        )
    return _section(request, "values", platform, access, editing=value.pk, value_form=form)


@require_POST
@login_required
def value_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    value, access = get_value_for(request, pk, edit=True)
    platform = value.platform
    services.delete_value(value, by=request.user)
    if not request.htmx:
        return redirect(platform)
    return _section(
        request,
        "values",
        platform,
        access,
        status=_("Deleted “%(name)s”.") % {"name": value.name},
        focus="add-value",
    )


@require_POST
@login_required
def value_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    value, access = get_value_for(request, pk, edit=True)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(status=400)
    place = services.move_value(value, -1 if direction == "up" else 1, by=request.user)
    platform = value.platform
    if not request.htmx:
        return redirect(platform)
    return _section(
        request,
        "values",
        platform,
        access,
        status=_("“%(name)s” is now number %(place)s.") % {"name": value.name, "place": place},
        focus=f"move-{direction}-value-{value.pk}",
    )


@require_POST
@login_required
def values_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk, edit=True)
    try:
        order = [int(v) for v in request.POST.getlist("order")]
        services.reorder_values(platform, order, by=request.user)
    except ValueError:
        return HttpResponse(_("The list has changed. Reload the page."), status=409)
    if not request.htmx:
        return redirect(platform)
    return _section(request, "values", platform, access, status=_("The new order was saved."))


# Versions


@require_GET
@login_required
def versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk)
    return TemplateResponse(
        request,
        "platforms/versions.html",
        {
            "platform": platform,
            "programme": platform.programme,
            "access": access,
            "versions": platform.versions.select_related("created_by"),
        },
    )


@require_POST
@login_required
def version_name(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version, _access = get_version_for(request, pk, edit=True)
    form = VersionNameForm(request.POST)
    if form.is_valid():
        services.name_version(version, form.cleaned_data["name"])
        messages.success(request, _("The version was named."))
    return redirect("platforms:versions", version.platform.programme_id)


@require_GET
@login_required
def version_compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk)
    all_versions = list(platform.versions.all())
    by_number = {v.number: v for v in all_versions}

    def pick(key: str, default):
        try:
            return by_number[int(request.GET.get(key, ""))]
        except (KeyError, ValueError):
            return default

    newest = all_versions[0] if all_versions else None
    new = pick("b", newest)
    old = pick("a", all_versions[1] if len(all_versions) > 1 else newest)
    if old and new and old.number > new.number:
        old, new = new, old
    changes = services.compare(old.snapshot, new.snapshot) if old and new else []
    return TemplateResponse(
        request,
        "platforms/compare.html",
        {
            "platform": platform,
            "programme": platform.programme,
            "access": access,
            "versions": all_versions,
            "old": old,
            "new": new,
            "changes": changes,
        },
    )


# Brand and poster


@require_http_methods(["GET", "POST"])
@login_required
def brand_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk, edit=True)
    organisation = platform.programme.organisation
    form = BrandForm(_posted(request), request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        for warning in poster.contrast_warnings(organisation):
            messages.warning(request, warning)
        messages.success(request, _("The poster colours and logo were saved."))
        return redirect(platform)
    stored = organisation.logo and Path(organisation.logo.path)
    return TemplateResponse(
        request,
        "platforms/brand_form.html",
        {
            "platform": platform,
            "programme": platform.programme,
            "access": access,
            "form": form,
            "warnings": poster.contrast_warnings(organisation),
            # An old logo, stored before uploads were checked, that posters leave out.
            "logo_problem": logos.problem_of_stored(stored) if stored and stored.is_file() else "",
        },
    )


# The preview carries one <style> block with the brand colours; a nonce lets exactly that in.
@csp_override({"style-src": [CSP.SELF, CSP.NONCE], "img-src": [CSP.SELF]})
@require_GET
@login_required
def poster_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, _access = get_platform_for(request, pk)
    version = None
    if number := request.GET.get("version"):
        version = platform.versions.filter(number=number if number.isdigit() else 0).first()
        if version is None:
            raise Http404
    # Every change records a version, so the newest is the platform as it stands (and gives
    # the footer its date and number).
    version = version or platform.latest_version()
    data = version.snapshot if version else services.snapshot(platform)
    size = request.GET.get("size", "a3")
    context = poster.poster_context(
        platform.programme.organisation,
        data,
        size=size,
        for_pdf=False,
        version=version,
        programme=platform.programme,
    )
    context["back_url"] = platform.get_absolute_url()
    return TemplateResponse(request, "platforms/poster.html", context)


@require_POST
@login_required
def poster_render(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # HR exports posters too: reading the platform is enough to ask for its poster.
    platform, access = get_platform_for(request, pk)
    form = RenderForm(request.POST)
    if form.is_valid():
        job, created = poster.request_render(
            platform,
            size=form.cleaned_data["size"],
            language=form.cleaned_data["language"],
            by=request.user,
        )
        status = _("The poster is being made.") if created else _("This poster exists already.")
    else:
        status = _("Choose a size and a language.")
    if not request.htmx:
        messages.info(request, status)
        # The programme page's "make the poster" comes back to the programme page.
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect(platform)
    return _section(request, "posters", platform, access, status=status)


@require_GET
@login_required
def poster_showcase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The lederplakat at the top of the programme page, fetched again every few seconds while
    a poster is being made (see _poster_showcase.html)."""
    platform, access = get_platform_for(request, pk)
    context = {
        "showcase": poster.showcase(platform, translation.get_language()),
        "access": access,
        "poll": True,
        "make": True,
        "next": request.GET.get("next", ""),
    }
    return TemplateResponse(request, "platforms/_poster_showcase.html", context)


# A poster that finished this recently is news when the list is fetched again.
ANNOUNCE_FINISHED_WITHIN = dt.timedelta(seconds=30)


@require_GET
@login_required
def poster_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk)
    _recover_lost_jobs(platform)
    newest = platform.renders.select_related("version").first()
    status = ""
    if newest and (
        newest.is_pending
        or (newest.finished_at and timezone.now() - newest.finished_at < ANNOUNCE_FINISHED_WITHIN)
    ):
        what = f"{newest.version}, {newest.get_size_display()}, {newest.get_language_display()}"
        status = _("Poster %(poster)s: %(status)s.") % {
            "poster": what,
            "status": newest.get_status_display(),
        }
    return _section(request, "posters", platform, access, status=status)


@require_GET
@login_required
def poster_stream(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The platform page's live poster status: an event at every change of a render, upon
    which the page fetches its poster list (see platforms/live.py)."""
    platform, _access = get_platform_for(request, pk)
    return sse_response(None, live.channel(platform.pk), live.snapshot)


@require_GET
@login_required
def poster_thumbnail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The picture of a poster's first page, for whoever may download the poster."""
    job, _access = get_render_for(request, pk)
    if job.status != PosterRender.Status.READY or not poster.thumbnail_exists(job):
        raise Http404
    with job.file.storage.open(poster.thumbnail_name(job.file.name), "rb") as png:
        content = png.read()
    # A render's picture never changes once it is ready: the browser may keep it for a day.
    return HttpResponse(
        content, content_type="image/png", headers={"Cache-Control": "private, max-age=86400"}
    )


@require_GET
@login_required
def poster_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, _access = get_render_for(request, pk)
    if job.status != PosterRender.Status.READY or not job.file:
        raise Http404
    name = f"lederplakat-v{job.version.number}-{job.size}-{job.language}.pdf"
    # A poster is a few hundred kilobytes: sent whole, not streamed from a file, which under
    # ASGI would be read in a worker thread chunk by chunk.
    with job.file.open("rb") as pdf:
        content = pdf.read()
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


# Promoting exercise results to the platform


SECTION_OF = {services.VALUES: "values", services.PURPOSE: "purpose", services.VISION: "vision"}


def _promotion_entries(request: AuthenticatedHttpRequest, platform, offers, access) -> list[dict]:
    """Each offer with the choice to show (the usual one, or the one asked for) and, for
    facilitators, what taking it would do."""
    asked = request.GET.get("offer")
    entries = []
    for offer in offers:
        target, replace = offer.targets[0], offer.replaces
        if offer.key == asked:
            if request.GET.get("target") in offer.targets:
                target = request.GET["target"]
            if request.GET.get("mode") in (services.ADD, services.REPLACE):
                replace = request.GET["mode"] == services.REPLACE
        entries.append(
            {
                "offer": offer,
                "target": target,
                "mode": services.REPLACE if replace else services.ADD,
                "targets": [(t, services.target_label(t)) for t in offer.targets],
                "target_label": services.target_label(target),
                "plan": services.plan_promotion(platform, offer, target, replace=replace)
                if access.can_edit
                else None,
            }
        )
    return entries


@require_GET
@login_required
def promote_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An exercise run's results as the platform can take them: what each would add, keep
    and remove. Also where a platform element links back to, so HR reads it too."""
    run, platform, access = get_run_for(request, pk)
    entries = _promotion_entries(request, platform, services.offers_of(run), access)
    context = {
        "run": run,
        "workshop": run.workshop,
        "platform": platform,
        "programme": platform.programme,
        "access": access,
        "entries": entries,
        "modes": [
            (services.ADD, _("Add to what is there")),
            (services.REPLACE, _("Replace what is there")),
        ],
    }
    asked = next((e for e in entries if e["offer"].key == request.GET.get("offer")), None)
    if request.htmx and asked is not None:
        return TemplateResponse(
            request, "platforms/promote.html#offer", {**context, "entry": asked}
        )
    return TemplateResponse(request, "platforms/promote.html", context)


@require_POST
@login_required
def promote_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run, platform, _access = get_run_for(request, pk, edit=True)
    offer = next((o for o in services.offers_of(run) if o.key == request.POST.get("offer")), None)
    target, mode = request.POST.get("target"), request.POST.get("mode")
    if offer is None or target not in offer.targets or mode not in (services.ADD, services.REPLACE):
        messages.warning(request, _("That result has changed. Look at it again."))
        return redirect("platforms:promote_preview", run.pk)
    plan = services.promote(
        platform, run, offer, target=target, replace=mode == services.REPLACE, by=request.user
    )
    messages.success(
        request,
        _("“%(exercise)s” was taken onward to %(target)s: %(added)s added, %(removed)s removed.")
        % {
            "exercise": run.exercise.agenda_item.title,
            "target": services.target_label(target).lower(),
            "added": len(plan.added),
            "removed": len(plan.removed),
        },
    )
    return redirect(f"{platform.get_absolute_url()}#{SECTION_OF[target]}")


# Exports


def _export_version(request: AuthenticatedHttpRequest, platform):
    number = request.GET.get("version")
    if not number:
        return platform.latest_version()
    version = platform.versions.filter(number=number if number.isdigit() else 0).first()
    if version is None:
        raise Http404
    return version


def _filename(platform, suffix: str) -> str:
    name = slugify(platform.programme.organisation.name) or "platform"
    return f"lederplattform-{name}{suffix}"


@require_GET
@login_required
def export_markdown(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, _access = get_platform_for(request, pk)
    version = _export_version(request, platform)
    response = HttpResponse(
        exports.as_markdown(platform, version), content_type="text/markdown; charset=utf-8"
    )
    suffix = f"-v{version.number}.md" if version else ".md"
    response["Content-Disposition"] = f'attachment; filename="{_filename(platform, suffix)}"'
    return response


@require_GET
@login_required
def export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, _access = get_platform_for(request, pk)
    version = _export_version(request, platform)
    response = HttpResponse(
        json.dumps(exports.as_json(platform, version), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    suffix = f"-v{version.number}.json" if version else ".json"
    response["Content-Disposition"] = f'attachment; filename="{_filename(platform, suffix)}"'
    return response


# The programme report: a job like the poster (platforms/report.py)


def _report_section(request: AuthenticatedHttpRequest, platform, access, **extra) -> HttpResponse:
    template = f"{PAGE}#reports" if request.htmx else PAGE
    return TemplateResponse(request, template, _context(platform, access, **extra))


@require_POST
@login_required
def report_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # HR reads the platform, and the report is theirs to make too.
    platform, access = get_platform_for(request, pk)
    form = ReportForm(request.POST, prefix="report")
    if form.is_valid():
        _job, queued = report.request_report(
            platform, language=form.cleaned_data["language"], by=request.user
        )
        status = (
            _("The programme report is being made.")
            if queued
            else _("The programme report is being made already.")
        )
    else:
        status = _("Choose a language.")
    if not request.htmx:
        messages.info(request, status)
        return redirect(f"{platform.get_absolute_url()}#reports")
    return _report_section(request, platform, access, report_status=status)


@require_GET
@login_required
def report_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    platform, access = get_platform_for(request, pk)
    _recover_lost_jobs(platform)
    status = ""
    for job in platform.reports.all():
        if job.is_pending or (
            job.finished_at and timezone.now() - job.finished_at < ANNOUNCE_FINISHED_WITHIN
        ):
            status = _("Programme report, %(language)s: %(status)s.") % {
                "language": job.get_language_display(),
                "status": job.get_status_display(),
            }
    return _report_section(request, platform, access, report_status=status)


@require_GET
@login_required
def report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job, _access = get_report_for(request, pk)
    if job.status != ReportRender.Status.READY or not job.file:
        raise Http404
    name = slugify(job.platform.programme.title) or "programme"
    with job.file.open("rb") as pdf:
        content = pdf.read()
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"programmerapport-{name}-{job.language}.pdf"
            )
        },
    )
