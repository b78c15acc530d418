"""Typed request classes, so views say what they can rely on."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest as DjangoHttpRequest
from django_htmx.middleware import HtmxDetails


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User
