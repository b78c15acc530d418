"""Who may see and change exercises: the rules of the day they belong to (workshops.access)."""

from __future__ import annotations

from django.http import Http404

from exercises.models import Run
from workshops.access import Access, get_agenda_item_for, get_workshop_for
from workshops.http import AuthenticatedHttpRequest

__all__ = ["get_agenda_item_for", "get_run_for"]


def get_run_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[Run, Access]:
    run = Run.objects.select_related("exercise__agenda_item", "workshop").filter(pk=pk).first()
    if run is None:
        raise Http404
    _workshop, access = get_workshop_for(request, run.workshop_id, edit=edit)
    return run, access
