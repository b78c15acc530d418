"""The answer to a phone's htmx send: its kind's `mine` partial, drawn with the request and its
CSRF token only (exercises.views.submit), not with every context processor."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string

from exercises import kinds
from exercises.models import Exercise, Run
from tests.support import CSRF_FIELD, phone_with_csrf_checks

PARTIAL = re.compile(r"{%\s*partialdef mine\s*%}(.*?){%\s*endpartialdef", re.S)
INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")
TAG = re.compile(r"{{.*?}}|{%.*?%}", re.S)


def _source(name: str) -> str:
    return Path(get_template(name).origin.name).read_text()


def test_no_kinds_answer_uses_what_only_the_context_processors_would_give(rf: RequestFactory):
    request = rf.get("/")
    given = set()
    for path in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]:
        given |= set(import_string(path)(request))
    missing = given - {"request", "csrf_token"}
    assert {"user", "LANGUAGE_CODE", "messages", "csp_nonce"} <= missing  # the check checks
    for name in kinds.KINDS:
        template = kinds.get(name).TEMPLATE
        (partial,) = PARTIAL.findall(_source(template))
        parts = [partial, *(_source(included) for included in INCLUDE.findall(partial))]
        tags = " ".join(tag for part in parts for tag in TAG.findall(part))
        used = {word for word in missing if re.search(rf"\b{word}\b", tags)}
        assert not used, f"{template}#mine uses {used}, which its htmx answer does not have"


def test_an_answer_with_a_plain_form_in_it_carries_a_working_csrf_token(workshop, agenda, alice):
    # The reflection's answer draws its form with {% csrf_token %}: the token there must be
    # one the CSRF check accepts, as it would be from the context processor.
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="reflection", settings={})
    workshop.start_day(by=alice)
    for _ in range(3):
        workshop.go(+1, by=alice, expected_version=None)
    run = Run.objects.get()
    phone, _page, header = phone_with_csrf_checks(workshop)
    url = reverse("exercises:submit", args=[workshop.join_code, run.pk])
    data = {"text": "Jeg lytter mer", "token": uuid.uuid4()}
    answer = phone.post(url, data, HTTP_X_CSRFTOKEN=header, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    token = CSRF_FIELD.search(answer.text).group(1)
    again = phone.post(url, {**data, "csrfmiddlewaretoken": token, "token": uuid.uuid4()})
    assert again.status_code in (200, 302)  # accepted, not 403
