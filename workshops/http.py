"""Typed request classes, so views say what they can rely on."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import User
from django.http import HttpRequest as DjangoHttpRequest
from django_htmx.middleware import HtmxDetails


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User


# Small helpers every app's views share.


def fragment(request: HttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if request.htmx else template


def posted(request: HttpRequest):
    # Not `request.POST or None`: a POST with no fields must still bind and show its errors.
    return request.POST if request.method == "POST" else None


def posted_token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None
