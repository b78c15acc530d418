"""No device that is not the person gets their private content, by anything it can send.

Every URL a phone or a participant can reach (under /j/, /p/ and /me/, in every app) needs a
rule here: a new URL without one fails `test_every_participant_url_has_a_rule`. Each rule is
tried by five devices that are not Kari, on day 2, where Kari has not arrived yet: a browser
with no device cookie, a guest who typed a name, Per (on the list, with his own page), a phone
that picked Kari's name from the list before she came (the attack that once opened her page),
and one that tried to pick it after that. None of them may see what Kari wrote (on day 1, or
at home) or her personal code, or change anything of hers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from exercises.models import Exercise, Run, Submission
from live import broadcast
from live import day as live_day
from workshops import identity, personal
from workshops.identity import DEVICE_COOKIE
from workshops.models import ActionLearningAnswer, Attendee, KnownDevice, Participant, Workshop

Q = ActionLearningAnswer.Question
MARKERS = ("KARI-PRIVATE", "KARI-WORD")
PREFIXES = ("j/", "p/", "me/")


@dataclass(frozen=True)
class Try:
    method: str
    kwargs: dict = field(default_factory=dict)  # "code", "run", "day", "kari", "claim" filled in
    data: dict = field(default_factory=dict)
    stream: bool = False  # an SSE stream: read its first message, not the whole response


RULES: dict[str, list[Try]] = {
    "join": [Try("get"), Try("post", data={"code": "{code}"})],
    "join_day": [
        Try("get", {"code": "{code}"}),
        Try("post", {"code": "{code}"}, {"participant": "{kari}"}),
    ],
    "join_taken": [
        Try("get", {"code": "{code}", "pk": "{kari}"}),
        Try("post", {"code": "{code}", "pk": "{kari}"}, {"action": "code", "code": "AAAAAAAAAA"}),
        Try("post", {"code": "{code}", "pk": "{kari}"}, {"action": "link"}),
    ],
    "join_wait": [Try("get", {"code": "{code}", "pk": "{claim}"})],
    "phone": [Try("get", {"code": "{code}"})],
    "phone_stream": [Try("get", {"code": "{code}"}, stream=True)],
    "phone_prove": [
        Try("get", {"code": "{code}"}),
        Try("post", {"code": "{code}"}, {"action": "code", "code": "AAAAAAAAAA"}),
    ],
    "phone_sign_out": [Try("post", {"code": "{code}"})],
    "submit": [Try("post", {"code": "{code}", "run_pk": "{run}"}, {"text": "Annet ord"})],
    "group_stream": [Try("get", {"code": "{code}", "run_pk": "{run}"}, stream=True)],
    "decide_role": [Try("post", {"code": "{code}", "run_pk": "{run}"}, {"member": "1"})],
    "personal_page": [Try("get")],
    "personal_start": [Try("get")],
    "personal_request_link": [Try("post", data={"email": "kari@example.no"})],
    "personal_link": [Try("get"), Try("post", data={"token": "not-a-token"})],
    "personal_code_login": [Try("post", data={"code": "AAAAA-AAAAA"})],
    "personal_logout": [Try("post")],
    "personal_answer": [
        Try("post", data={"question": "marked_by", "text": "OVERWRITTEN", "token": "{uuid}"}),
        Try(
            "post",
            data={
                "question": "tried",
                "workshop": "{day}",
                "text": "OVERWRITTEN",
                "token": "{uuid}",
            },
        ),
    ],
    "personal_day": [Try("get", {"pk": "{day}"})],
    "personal_group": [Try("get")],
    "personal_export": [Try("get", {"fmt": "json"}), Try("get", {"fmt": "html"})],
    "personal_erase": [Try("get"), Try("post")],
    "personal_new_code": [Try("post")],
}


def participant_url_names() -> set[tuple[str, str]]:
    """(namespace, name) of every URL pattern under the participants' prefixes."""
    found = set()
    for namespaced in get_resolver().url_patterns:
        if not isinstance(namespaced, URLResolver) or not namespaced.namespace:
            continue
        for pattern in namespaced.url_patterns:
            if str(pattern.pattern).startswith(PREFIXES):
                found.add((namespaced.namespace, pattern.name))
    return found


def test_every_participant_url_has_a_rule():
    names = {name for _namespace, name in participant_url_names()}
    assert names == set(RULES), f"without a rule: {names - set(RULES)}"


def _url(name: str, attempt: Try, values: dict) -> str:
    namespace = {n: ns for ns, n in participant_url_names()}[name]
    kwargs = {key: value.format(**values) for key, value in attempt.kwargs.items()}
    return reverse(f"{namespace}:{name}", kwargs=kwargs)


@pytest.fixture
def day(workshop, agenda, alice, programme, group):
    """Day 1 is over: Kari's phone showed it is her and sent a word to the word cloud. At
    home she wrote her project and her check-in for day 2. Day 2 is live, with a word cloud
    on; Kari has not come yet. Per has a phone and a page of his own."""
    kari = Participant.objects.create(
        programme=programme, name="Kari Nordmann", email="kari@example.no", network_group=group
    )
    per = Participant.objects.create(programme=programme, name="Per Hansen", network_group=group)
    Exercise.objects.create(agenda_item=agenda[0], kind="word_cloud", settings={})
    live_day.start(workshop, by=alice)
    karis_phone = _phone("kari-phone")
    karis_phone.post(reverse("live:join_day", args=[workshop.join_code]), {"participant": kari.pk})
    identity.prove(kari, identity.device_hash("kari-phone"), "code")
    karis_phone.post(
        reverse("live:submit", args=[workshop.join_code, Run.objects.get().pk]),
        {"text": "KARI-WORD", "token": uuid.uuid4()},
    )
    live_day.end(workshop, by=alice, expected_version=None)

    day2 = Workshop.objects.create(programme=programme, number=3, date=dt.date(2026, 12, 3))
    item = day2.add_item(kind="exercise", title="Ordsky", duration_minutes=10)
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={})
    live_day.start(day2, by=alice)
    personal.save_answer(kari, Q.MARKED_BY, "KARI-PRIVATE project", shared=False)
    personal.save_answer(kari, Q.TRIED, "KARI-PRIVATE tried", shared=False, workshop=day2)
    per_phone = _phone("per-phone")
    per_phone.post(reverse("live:join_day", args=[day2.join_code]), {"participant": per.pk})
    identity.prove(per, identity.device_hash("per-phone"), "code")
    # Kari's new phone asked the facilitator to let it in (a request nobody else may follow).
    claim = identity.ask_facilitator(day2, kari, identity.device_hash("kari-new-phone"))
    run = Run.objects.get(workshop=day2)
    return {"workshop": day2, "run": run, "kari": kari, "claim": claim}


def _phone(device: str | None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if device:
        client.cookies[DEVICE_COOKIE] = device
    return client


def _attackers(day) -> dict[str, Client]:
    workshop = day["workshop"]
    guest = _phone("guest-phone")
    guest.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": "Gjest"})
    picker, late = _phone("picker-phone"), _phone("late-picker-phone")
    for client in (picker, late):
        client.post(
            reverse("live:join_day", args=[workshop.join_code]),
            {"participant": day["kari"].pk},
        )
    assert Attendee.objects.get(workshop=workshop, participant=day["kari"]).device_hash == (
        identity.device_hash("picker-phone")
    )
    return {
        "stranger": _phone(None),
        "guest": guest,
        "per": _phone("per-phone"),
        "picker": picker,
        "late picker": late,
    }


def _karis_state(kari: Participant, today: Workshop) -> tuple:
    # What is sent today under her name by a phone that picked it is that phone's doing; what
    # she wrote on day 1 and at home is hers.
    return (
        sorted(
            ActionLearningAnswer.objects.filter(participant=kari).values_list("text", flat=True)
        ),
        list(
            Submission.objects.filter(author__participant=kari)
            .exclude(run__workshop=today)
            .values_list("text", flat=True)
        ),
        list(
            Attendee.objects.filter(participant=kari)
            .exclude(workshop=today)
            .values_list("device_hash", "removed_at")
        ),
        list(KnownDevice.objects.filter(participant=kari).values_list("device_hash", flat=True)),
        personal.personal_code(kari),
    )


def _read(response, attempt: Try, workshop_id: int) -> str:
    if attempt.stream and response.status_code == 200:
        # A stream never ends: what it starts with is the room's snapshot, drawn once for
        # every phone of the day alike. Closed as the test client closes what it streamed:
        # without closing this test's database connection, which is inside its transaction.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        return broadcast.snapshot(workshop_id, "participants", "en").decode()
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "attempt"),
    [(name, attempt) for name, attempts in RULES.items() for attempt in attempts],
    ids=[
        f"{name}-{a.method}-{i}" for name, attempts in RULES.items() for i, a in enumerate(attempts)
    ],
)
def test_no_other_device_gets_karis_private_content(day, name, attempt):
    kari = day["kari"]
    values = {
        "code": day["workshop"].join_code,
        "run": str(day["run"].pk),
        "day": str(day["workshop"].pk),
        "kari": str(kari.pk),
        "claim": str(day["claim"].pk),
        "uuid": str(uuid.uuid4()),
    }
    attackers = _attackers(day)
    before = _karis_state(kari, day["workshop"])
    code = personal.personal_code(kari)
    for who, client in attackers.items():
        url = _url(name, attempt, values)
        data = {key: value.format(**values) for key, value in attempt.data.items()}
        response = getattr(client, attempt.method)(url, data)
        page = _read(response, attempt, day["workshop"].pk)
        for marker in (*MARKERS, code, code.replace("-", "")):
            assert marker not in page, f"{who} got {marker!r} from {name}"
        assert _karis_state(kari, day["workshop"]) == before, (
            f"{who} changed Kari's data through {name}"
        )
