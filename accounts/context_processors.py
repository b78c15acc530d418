from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.models import Signup
from workshops.models import Membership


@dataclass(frozen=True)
class AccountMenu:
    pending: bool  # signed up, address not yet verified: there is nothing else to see
    members_url: str  # the members page of an organisation the user administers, or ""


def _menu(request: HttpRequest) -> AccountMenu:
    user = request.user
    if not user.is_authenticated:
        return AccountMenu(pending=False, members_url="")
    administered = (
        Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)
        .first()
    )
    if administered is not None:
        return AccountMenu(
            pending=False, members_url=reverse("accounts:members", args=[administered])
        )
    pending = Signup.objects.filter(user=user, verified_at__isnull=True).exists()
    return AccountMenu(pending=pending, members_url="")


def account_menu(request: HttpRequest) -> dict:
    # Lazy: only pages that draw the menu (base.html, for a signed-in user) ask the database.
    return {"account_menu": SimpleLazyObject(lambda: _menu(request))}
