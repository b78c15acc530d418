"""Who may manage an organisation's members: its administrators, and nobody else.

As in workshops/access.py, someone outside the organisation gets 404 (ids tell nothing about
other organisations) and a member who is not an administrator gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Invitation
from workshops.http import AuthenticatedHttpRequest
from workshops.models import Membership


def get_admin_membership(request: AuthenticatedHttpRequest, organisation_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=request.user, organisation_id=organisation_id)
        .first()
    )
    if membership is None:
        raise Http404
    if membership.role != Membership.Role.ADMIN:
        raise PermissionDenied
    return membership


def get_member_for(request: AuthenticatedHttpRequest, pk: int) -> tuple[Membership, Membership]:
    """Another membership of an organisation the user administers, and the user's own."""
    member = Membership.objects.select_related("user", "organisation").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member, get_admin_membership(request, member.organisation_id)


def get_invitation_for(request: AuthenticatedHttpRequest, pk: int) -> tuple[Invitation, Membership]:
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation, get_admin_membership(request, invitation.organisation_id)


def administered(request: AuthenticatedHttpRequest) -> list[Membership]:
    return list(
        Membership.objects.filter(user=request.user, role=Membership.Role.ADMIN)
        .select_related("organisation")
        .order_by("organisation__name")
    )
