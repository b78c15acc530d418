"""Who may see and use which templates: an organisation's own, as its programmes (members see
them, facilitators and admins change them, anyone else gets 404); the built-in ones, anyone
signed in, and no one changes them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from library.models import PlanTemplate
from workshops.access import Access, get_organisation_access
from workshops.http import AuthenticatedHttpRequest
from workshops.models import Organisation


def visible_templates(request: AuthenticatedHttpRequest) -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__memberships__user=request.user)
    ).distinct()


def templates_for(organisation: Organisation, scope: str) -> QuerySet[PlanTemplate]:
    """The templates a day or programme of this organisation can start from."""
    return PlanTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation), scope=scope
    ).order_by("-organisation", "title")


def get_template_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[PlanTemplate, Access | None]:
    template = PlanTemplate.objects.select_related("organisation").filter(pk=pk).first()
    if template is None:
        raise Http404
    if template.is_builtin:
        if edit:
            raise PermissionDenied  # shipped with the app: loading the files again restores it
        return template, None
    return template, get_organisation_access(request, template.organisation_id, edit=edit)
