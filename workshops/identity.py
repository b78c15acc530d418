"""Who a phone is: one person, one identity.

A phone carries a random device cookie; only its hash is stored. On a live day a phone is an
attendee: a person on the list (a roster participant) or a name typed by someone not on it.

Picking a name from the list makes a phone that person *for the day* (what it sends that day
is theirs), and nothing more: it does not open their personal page nor show their personal
code, and it cannot take a name another phone holds. A phone becomes a *known device* of the
person only with proof: the link sent to their e-mail, their personal code (shown only on
their known devices and their personal page), or a facilitator who approves it from the
console. A known device joins every day of the programme as the person, and a known device
that comes to a day where another phone picked the name takes it over: proof beats a pick.

Every change here is one function: lock, check, change, record a PersonEvent, and push after
commit (the console sees new requests, a phone that lost its identity is told).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from workshops import push
from workshops.models import (
    Attendee,
    ClaimRequest,
    KnownDevice,
    Participant,
    PersonEvent,
    Workshop,
)

DEVICE_COOKIE = "samling_device"
# A device cookie lasts the programme (months): a phone known on day 1 comes back on day 4.
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 400


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def device_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_of(request) -> str | None:
    """The hash of the request's device cookie, or None for a browser without one."""
    token = request.COOKIES.get(DEVICE_COOKIE)
    return device_hash(token) if token else None


def device_tag(hashed: str) -> str:
    """A short tag of a device, safe to send to every phone of a day: a phone that learns it
    was signed out (moved, removed) recognises itself by it. Keyed, so it says nothing about
    the device's cookie."""
    return hmac.new(b"samling.device-tag", hashed.encode(), "sha256").hexdigest()[:16]


REMOVED = _lazy("The facilitator has taken this phone off the day. Ask them if this is a mistake.")


class Refused(Exception):
    """The change can't be made; the message says why, for the person who asked."""


class NameTaken(Refused):
    """Another phone is this person on this day: this phone needs proof to take over."""

    def __init__(self, participant: Participant) -> None:
        super().__init__(
            _("%(name)s is already in use on another phone.") % {"name": participant.name}
        )
        self.participant = participant


class ProofNeeded(Refused):
    """This phone is someone else today (a typed name) and must prove it is this person."""

    def __init__(self, participant: Participant) -> None:
        super().__init__(
            _("To become %(name)s on this phone, show that it is you.") % {"name": participant.name}
        )
        self.participant = participant


def is_known(participant: Participant | None, hashed: str | None) -> bool:
    if participant is None or not hashed:
        return False
    return KnownDevice.objects.filter(participant=participant, device_hash=hashed).exists()


def known_participant(workshop: Workshop, hashed: str | None) -> Participant | None:
    """The person of the day's programme this device has proven to be, if any."""
    if not hashed:
        return None
    known = (
        KnownDevice.objects.select_related("participant")
        .filter(device_hash=hashed, participant__programme_id=workshop.programme_id)
        .order_by("-proven_at", "-pk")
        .first()
    )
    return known.participant if known else None


def _record(
    action: str, *, participant=None, attendee=None, workshop=None, how="", device="", actor=None
) -> None:
    PersonEvent.objects.create(
        action=action,
        participant=participant,
        attendee=attendee,
        workshop=workshop,
        how=how,
        device_hash=device,
        actor=actor,
    )


RELEASED = "released:"


def _release(attendee: Attendee) -> str:
    """Take the attendee off its device: that phone is no longer anyone on the day. The row
    and all it sent stay; a person on the list gets it back only with proof (what they sent
    that day is on it). Returns the device it left."""
    left = attendee.device_hash
    attendee.device_hash = f"{RELEASED}{attendee.pk}:{secrets.token_hex(8)}"
    attendee.save(update_fields=["device_hash"])
    return left


def _push_console(workshop_id: int) -> None:
    push.day_changed(workshop_id, ("console",), burst=True)


def _tell_signed_out(workshop_id: int, hashed: str) -> None:
    """After commit, the phone with this device learns it is no longer who it was."""
    push.tell_phones(workshop_id, "gone", device_tag(hashed))


def join(workshop: Workshop, hashed: str, participant: Participant | None, name: str) -> Attendee:
    """Make this phone a person on the day: the one picked from the list, or a typed name.

    Raises NameTaken when another phone holds the name, ProofNeeded when this phone is a
    typed name today and wants to become a person on the list, and Refused for the rest.
    """
    with transaction.atomic():
        # The day's row first, as every change of the day: two phones picking the same name
        # at once are served one after the other, and the second finds it taken.
        Workshop.objects.select_for_update().only("pk").get(pk=workshop.pk)
        mine = Attendee.objects.filter(workshop=workshop, device_hash=hashed).first()
        if mine is not None and mine.is_removed:
            raise Refused(REMOVED)
        if participant is None:
            return _join_typed(workshop, hashed, mine, name)
        if mine is not None and mine.participant_id == participant.pk:
            return mine
        if mine is not None and mine.participant_id is not None:
            raise Refused(
                _("This phone is %(name)s today. Sign out on it first to be someone else.")
                % {"name": mine.display_name}
            )
        proven = is_known(participant, hashed)
        if mine is not None and not proven:
            raise ProofNeeded(participant)
        holder = Attendee.objects.filter(workshop=workshop, participant=participant).first()
        if holder is not None and not proven:
            raise NameTaken(participant)
        if mine is not None:  # a typed name, proven to be this person: it becomes them
            if holder is not None:
                _release(mine)
                return _move(workshop, holder, hashed, how="known")
            mine.participant, mine.display_name = participant, participant.name
            mine.save(update_fields=["participant", "display_name"])
            _record("claim", participant=participant, attendee=mine, workshop=workshop)
            return mine
        if holder is not None:  # proof beats a pick: this known device takes the name over
            return _move(workshop, holder, hashed, how="known")
        attendee = Attendee.objects.create(
            workshop=workshop,
            participant=participant,
            display_name=participant.name,
            device_hash=hashed,
        )
        _record("claim", participant=participant, attendee=attendee, workshop=workshop)
        _push_console(workshop.pk)
        return attendee


def _join_typed(workshop: Workshop, hashed: str, mine: Attendee | None, name: str) -> Attendee:
    if workshop.roster_only:
        raise Refused(_("Only people on the list can join this day. Pick your name."))
    if mine is not None and mine.participant_id is not None:
        raise Refused(
            _("This phone is %(name)s today. Sign out on it first to be someone else.")
            % {"name": mine.display_name}
        )
    if mine is not None:  # a typo fixed: same attendee, new name
        mine.display_name = name
        mine.save(update_fields=["display_name"])
        return mine
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                workshop=workshop, participant=None, display_name=name, device_hash=hashed
            )
    except IntegrityError:  # the same join sent twice at once: the first one stands
        return Attendee.objects.get(workshop=workshop, device_hash=hashed)
    _push_console(workshop.pk)
    return attendee


def _move(workshop: Workshop, holder: Attendee, hashed: str, *, how: str, actor=None):
    """The person's attendee of the day goes to this device; the phone that held it is told.
    Whatever this device was on the day before (a typed name) is left behind, intact."""
    own = Attendee.objects.filter(workshop=workshop, device_hash=hashed).exclude(pk=holder.pk)
    for other in own:
        _release(other)
    left = holder.device_hash
    holder.device_hash = hashed
    holder.removed_at = None
    holder.save(update_fields=["device_hash", "removed_at"])
    # The phone it left is signed out everywhere: it is no longer a known device of theirs.
    KnownDevice.objects.filter(participant_id=holder.participant_id, device_hash=left).delete()
    _record(
        "move",
        participant=holder.participant,
        attendee=holder,
        workshop=workshop,
        how=how,
        device=left,
        actor=actor,
    )
    _tell_signed_out(workshop.pk, left)
    _push_console(workshop.pk)
    return holder


def prove(participant: Participant, hashed: str, how: str, *, actor=None) -> KnownDevice:
    """This device has shown it is the person: it becomes one of their known devices."""
    with transaction.atomic():
        known, created = KnownDevice.objects.get_or_create(
            participant=participant, device_hash=hashed, defaults={"how": how}
        )
        if created:
            _record("prove", participant=participant, how=how, actor=actor)
    return known


def join_with_code(workshop: Workshop, hashed: str, participant: Participant) -> Attendee:
    """The phone typed the person's personal code (checked by the caller): it is proven, and
    takes the name over from the phone that holds it, if any."""
    prove(participant, hashed, KnownDevice.How.CODE)
    return join(workshop, hashed, participant, participant.name)


def arrive(workshop: Workshop, hashed: str | None) -> Attendee | None:
    """A known device opening a day it has not joined yet joins it as its person (and takes
    the name over from a phone that only picked it). None when the device is known to no
    one in the programme, or has already joined the day."""
    if not hashed or Attendee.objects.filter(workshop=workshop, device_hash=hashed).exists():
        return None
    participant = known_participant(workshop, hashed)
    if participant is None:
        return None
    return join(workshop, hashed, participant, participant.name)


def ask_facilitator(workshop: Workshop, participant: Participant, hashed: str) -> ClaimRequest:
    """The phone asks to be this person on the day; the facilitator approves or refuses."""
    with transaction.atomic():
        existing = ClaimRequest.objects.filter(
            workshop=workshop,
            participant=participant,
            device_hash=hashed,
            status=ClaimRequest.Status.PENDING,
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                claim = ClaimRequest.objects.create(
                    workshop=workshop, participant=participant, device_hash=hashed
                )
        except IntegrityError:  # asked twice at once
            return ClaimRequest.objects.get(
                workshop=workshop,
                participant=participant,
                device_hash=hashed,
                status=ClaimRequest.Status.PENDING,
            )
        _push_console(workshop.pk)
    return claim


def decide(claim_id: int, workshop: Workshop, *, approve: bool, by) -> ClaimRequest:
    """The facilitator approves (the phone is proven and becomes the person on the day) or
    refuses a request. Deciding twice changes nothing."""
    with transaction.atomic():
        Workshop.objects.select_for_update().only("pk").get(pk=workshop.pk)
        claim = (
            ClaimRequest.objects.select_for_update()
            .select_related("participant")
            .filter(pk=claim_id, workshop=workshop)
            .first()
        )
        if claim is None:
            raise Refused(_("That request is no longer there."))
        if claim.status != ClaimRequest.Status.PENDING:
            return claim
        claim.decided_at, claim.decided_by = timezone.now(), by
        if not approve:
            claim.status = ClaimRequest.Status.REFUSED
            claim.save(update_fields=["status", "decided_at", "decided_by"])
            _push_console(workshop.pk)
            return claim
        claim.status = ClaimRequest.Status.APPROVED
        participant = claim.participant
        holder = Attendee.objects.filter(workshop=workshop, participant=participant).first()
        claim.save(update_fields=["status", "decided_at", "decided_by"])
        prove(participant, claim.device_hash, KnownDevice.How.FACILITATOR, actor=by)
        if holder is not None and holder.device_hash != claim.device_hash:
            _move(workshop, holder, claim.device_hash, how="facilitator", actor=by)
        elif holder is None:
            mine = Attendee.objects.filter(workshop=workshop, device_hash=claim.device_hash)
            for other in mine:
                _release(other)
            attendee = Attendee.objects.create(
                workshop=workshop,
                participant=participant,
                display_name=participant.name,
                device_hash=claim.device_hash,
            )
            _record("claim", participant=participant, attendee=attendee, workshop=workshop)
        # Others asking to be the same person on the same day get their answer too.
        ClaimRequest.objects.filter(
            workshop=workshop, participant=participant, status=ClaimRequest.Status.PENDING
        ).update(status=ClaimRequest.Status.REFUSED, decided_at=claim.decided_at, decided_by=by)
        _push_console(workshop.pk)
    return claim


def remove(attendee_id: int, workshop: Workshop, *, by) -> Attendee:
    """A facilitator takes a phone off the day (a ghost, a duplicate, someone who left)."""
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update().filter(pk=attendee_id, workshop=workshop).first()
        )
        if attendee is None:
            raise Refused(_("That person is not on this day."))
        if attendee.removed_at is None:
            attendee.removed_at = timezone.now()
            attendee.save(update_fields=["removed_at"])
            _record(
                "remove",
                participant=attendee.participant,
                attendee=attendee,
                workshop=workshop,
                actor=by,
            )
            _tell_signed_out(workshop.pk, attendee.device_hash)
            _push_console(workshop.pk)
    return attendee


def restore(attendee_id: int, workshop: Workshop, *, by) -> Attendee:
    """Undo a removal, while the day is on."""
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update().filter(pk=attendee_id, workshop=workshop).first()
        )
        if attendee is None:
            raise Refused(_("That person is not on this day."))
        if attendee.removed_at is not None:
            attendee.removed_at = None
            attendee.save(update_fields=["removed_at"])
            _record(
                "restore",
                participant=attendee.participant,
                attendee=attendee,
                workshop=workshop,
                actor=by,
            )
            _push_console(workshop.pk)
    return attendee


def sign_out_device(workshop: Workshop | None, hashed: str) -> None:
    """The phone's owner signs out on it: it is no longer anyone on the day, nor a known
    device of anyone in the programme. The name becomes free for their next phone."""
    with transaction.atomic():
        if workshop is not None:
            for attendee in Attendee.objects.filter(workshop=workshop, device_hash=hashed):
                _release(attendee)
                _record(
                    "sign_out",
                    participant=attendee.participant,
                    attendee=attendee,
                    workshop=workshop,
                    device=hashed,
                )
            _push_console(workshop.pk)
        programme_filter = Q(participant__programme_id=workshop.programme_id) if workshop else Q()
        KnownDevice.objects.filter(programme_filter, device_hash=hashed).delete()


@dataclass(frozen=True)
class Gone:
    """Why this phone is no one on the day any more."""

    reason: str  # "removed" or "moved"


def why_gone(workshop: Workshop, hashed: str | None) -> Gone | None:
    """For a phone that is no longer anyone on a day: because a facilitator removed it, or
    because its person moved to another phone. None when it simply never joined (or signed
    out itself, and may join again)."""
    if not hashed:
        return None
    if Attendee.objects.filter(
        workshop=workshop, device_hash=hashed, removed_at__isnull=False
    ).exists():
        return Gone("removed")
    if PersonEvent.objects.filter(workshop=workshop, device_hash=hashed, action="move").exists():
        return Gone("moved")
    return None
