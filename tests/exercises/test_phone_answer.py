"""The answer to a phone's htmx send: its kind's `mine` partial, with a working CSRF token."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.template.loader import get_template
from django.urls import reverse

from exercises import kinds
from exercises.models import Exercise, Run
from live import day as live_day
from tests.support import CSRF_FIELD, phone_with_csrf_checks

PARTIAL = re.compile(r"{%\s*partialdef mine\s*%}(.*?){%\s*endpartialdef", re.S)
INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")
TAG = re.compile(r"{{.*?}}|{%.*?%}", re.S)


def _source(name: str) -> str:
    return Path(get_template(name).origin.name).read_text()


def test_an_answer_with_a_plain_form_in_it_carries_a_working_csrf_token(workshop, agenda, alice):
    # The reflection's answer draws its form with {% csrf_token %}: the token there must be
    # one the CSRF check accepts, as it would be from the context processor.
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="reflection", settings={})
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    phone, _page, header = phone_with_csrf_checks(workshop)
    url = reverse("live:submit", args=[workshop.join_code, run.pk])
    data = {"text-0": "Jeg lytter mer", "token": uuid.uuid4()}
    answer = phone.post(url, data, HTTP_X_CSRFTOKEN=header, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    token = CSRF_FIELD.search(answer.text).group(1)
    again = phone.post(url, {**data, "csrfmiddlewaretoken": token, "token": uuid.uuid4()})
    assert again.status_code in (200, 302)  # accepted, not 403


def test_a_phone_works_out_the_rooms_part_and_its_own_once_per_answer(
    workshop, agenda, alice, monkeypatch
):
    """The phone's page, its htmx redraw, its answer to a word and a refused word sent without
    JavaScript each draw the kind once: the room's part once, the phone's own part once."""
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={})
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    phone, _page, header = phone_with_csrf_checks(workshop)
    module = kinds.get("word_cloud")
    calls = []
    for hook in ("room_context", "phone_context"):
        real = getattr(module, hook)

        def counted(*args, hook=hook, real=real):
            calls.append(hook)
            return real(*args)

        monkeypatch.setattr(module, hook, counted)
    page = reverse("live:phone", args=[workshop.join_code])
    url = reverse("live:submit", args=[workshop.join_code, run.pk])
    plain = {"HTTP_X_CSRFTOKEN": header}  # sent without JavaScript
    htmx = {**plain, "HTTP_HX_REQUEST": "true"}
    answers = [
        (200, lambda: phone.get(page)),
        (200, lambda: phone.get(page, HTTP_HX_REQUEST="true")),
        (200, lambda: phone.post(url, {"text": "Tillit", "token": uuid.uuid4()}, **htmx)),
        (422, lambda: phone.post(url, {"text": "", "token": uuid.uuid4()}, **plain)),
    ]
    for status, answer in answers:
        calls.clear()
        assert answer().status_code == status
        assert sorted(calls) == ["phone_context", "room_context"]
