"""Who may see and change what, decided here and nowhere else in the app.

A member of the organisation sees its programmes; facilitators and admins change them, HR
advisers read. Anyone else gets 404, so object ids leak nothing about other organisations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from workshops import identity
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.models import (
    AgendaItem,
    KnownDevice,
    Membership,
    NetworkGroup,
    Organisation,
    Participant,
    Programme,
    Workshop,
)


@dataclass(frozen=True)
class Access:
    membership: Membership

    @property
    def can_edit(self) -> bool:
        return self.membership.can_edit


def memberships_of(request: AuthenticatedHttpRequest) -> QuerySet[Membership]:
    return Membership.objects.filter(user=request.user).select_related("organisation")


def editable_organisations(request: AuthenticatedHttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=request.user,
        memberships__role__in=[Membership.Role.FACILITATOR, Membership.Role.ADMIN],
    )


def visible_programmes(request: AuthenticatedHttpRequest) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation__memberships__user=request.user)


def _access(request: AuthenticatedHttpRequest, organisation_id: int, *, edit: bool) -> Access:
    membership = (
        Membership.objects.filter(user=request.user, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    if edit and not membership.can_edit:
        raise PermissionDenied
    return Access(membership=membership)


def get_organisation_access(
    request: AuthenticatedHttpRequest, organisation_id: int, *, edit: bool = False
) -> Access:
    """A member's access to what belongs to the organisation itself (its templates)."""
    return _access(request, organisation_id, edit=edit)


def get_programme_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[Programme, Access]:
    programme = Programme.objects.select_related("organisation").filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme, _access(request, programme.organisation_id, edit=edit)


def get_workshop_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[Workshop, Access]:
    workshop = Workshop.objects.select_related("programme__organisation").filter(pk=pk).first()
    if workshop is None:
        raise Http404
    return workshop, _access(request, workshop.programme.organisation_id, edit=edit)


def get_agenda_item_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[AgendaItem, Access]:
    item = (
        AgendaItem.objects.select_related("workshop__programme__organisation").filter(pk=pk).first()
    )
    if item is None:
        raise Http404
    return item, _access(request, item.workshop.programme.organisation_id, edit=edit)


def get_participant_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[Participant, Access]:
    participant = Participant.objects.select_related("programme").filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant, _access(request, participant.programme.organisation_id, edit=edit)


def get_group_for(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[NetworkGroup, Access]:
    group = NetworkGroup.objects.select_related("programme").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group, _access(request, group.programme.organisation_id, edit=edit)


# Participants have no account. Their personal page opens for the person a used link or code
# put into this browser's session, or for the person whose known device this is (one that
# proved who it is: workshops/identity.py). A name picked on a live day opens nothing.
# Staff login and participant sessions share nothing but the session cookie.

PARTICIPANT_SESSION_KEY = "participant_id"
PARTICIPANT_STAMP_KEY = "participant_stamp"


def get_participant_session(request: HttpRequest) -> Participant | None:
    from workshops import personal  # personal builds on this module

    participant_id = request.session.get(PARTICIPANT_SESSION_KEY)
    if participant_id is not None:
        participant = (
            Participant.objects.select_related("programme__organisation", "network_group")
            .filter(pk=participant_id)
            .first()
        )
        # A new personal code ends every session opened before it.
        if participant is not None and request.session.get(
            PARTICIPANT_STAMP_KEY
        ) == personal.code_stamp(participant):
            return participant
        request.session.pop(PARTICIPANT_SESSION_KEY, None)  # deleted, or signed out elsewhere
        request.session.pop(PARTICIPANT_STAMP_KEY, None)
    hashed = identity.device_of(request)
    if not hashed:
        return None
    known = (
        KnownDevice.objects.select_related(
            "participant__programme__organisation", "participant__network_group"
        )
        .filter(device_hash=hashed)
        .order_by("-proven_at", "-pk")
        .first()
    )
    return known.participant if known else None


def sign_in_participant(request: HttpRequest, participant: Participant) -> None:
    from workshops import personal

    # A new session key, so a key planted before the sign-in is worth nothing after it.
    request.session.cycle_key()
    request.session[PARTICIPANT_SESSION_KEY] = participant.pk
    request.session[PARTICIPANT_STAMP_KEY] = personal.code_stamp(participant)


def sign_out_participant(request: HttpRequest) -> None:
    request.session.pop(PARTICIPANT_SESSION_KEY, None)
    request.session.pop(PARTICIPANT_STAMP_KEY, None)
    hashed = identity.device_of(request)
    if hashed:
        # This browser is no longer a known device of anyone: the next page asks for proof.
        KnownDevice.objects.filter(device_hash=hashed).delete()
    request.session.cycle_key()
