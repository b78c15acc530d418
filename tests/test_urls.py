"""The URL patterns are tried in order (the phones' first, config/urls.py): whatever the order,
each pattern's own address must reach its own view."""

from __future__ import annotations

import re

from django.urls import URLResolver, get_resolver, resolve

SAMPLES = {"int": "7", "str": "ABC234", "slug": "abc", "path": "a/b"}


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("^") or route.startswith("admin/"):
            continue  # regular expressions (Django's own i18n) and the admin's own site
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        else:
            yield route, pattern


def test_every_pattern_reaches_its_own_view():
    checked = 0
    for route, pattern in _routes(get_resolver()):
        address = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
        assert resolve(address).func is pattern.callback, f"{address} is taken by another view"
        checked += 1
    assert checked > 50
