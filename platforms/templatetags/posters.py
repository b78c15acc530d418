"""The lederplakat on pages of the layer below (the programme page is workshops'): the page's
template asks for it by tag, so workshops' views need not know the platform."""

from __future__ import annotations

from django import template
from django.utils import translation

from platforms import poster
from platforms.services import platform_for

register = template.Library()


@register.inclusion_tag("platforms/_poster_showcase.html", takes_context=True)
def poster_showcase(context, programme) -> dict:
    request = context["request"]
    return {
        "showcase": poster.showcase(platform_for(programme), translation.get_language()),
        "poll": True,
        "make": True,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
