"""Every URL of the planning app, for every kind of visitor.

A new URL without a rule here fails `test_every_url_has_a_rule`, so access can't be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.support import DAY_PAGE_URLS, LIVE_RUN_URLS
from workshops.models import (
    AgendaItem,
    Attendee,
    ClaimRequest,
    NetworkGroup,
    Participant,
    PersonalKey,
    Programme,
    Workshop,
)


@dataclass(frozen=True)
class Route:
    method: str
    target: Callable[[dict], dict]  # the objects -> URL kwargs
    owner: int
    colleague: int  # HR adviser of the same organisation
    outsider: int  # facilitator of another organisation
    data: Callable[[dict], dict] = lambda objects: {}


def by_programme(o):
    return {"pk": o["programme"].pk}


def by_workshop(o):
    return {"pk": o["workshop"].pk}


def by_item(o):
    return {"pk": o["item"].pk}


def by_participant(o):
    return {"pk": o["participant"].pk}


def by_group(o):
    return {"pk": o["group"].pk}


def nothing(o):
    return {}


ROUTES: dict[str, Route] = {
    "programme_list": Route("get", nothing, 200, 200, 200),
    # The outsider may create programmes, but only in their own organisation.
    "programme_create": Route("get", nothing, 200, 302, 200),
    "programme_detail": Route("get", by_programme, 200, 200, 404),
    "programme_edit": Route("get", by_programme, 200, 403, 404),
    "workshop_create": Route("get", by_programme, 200, 403, 404),
    "roster": Route("get", by_programme, 200, 200, 404),
    "roster_import": Route("get", by_programme, 200, 403, 404),
    "groups": Route("get", by_programme, 200, 200, 404),
    "groups_fill": Route("post", by_programme, 302, 403, 404, lambda o: {"count": 2}),
    "workshop_detail": Route("get", by_workshop, 200, 200, 404),
    "workshop_edit": Route("get", by_workshop, 200, 403, 404),
    "workshop_delete": Route("post", by_workshop, 302, 403, 404),
    # A finished day is reopened by its facilitators only (this one has not ended: a notice).
    "workshop_reopen": Route("get", by_workshop, 200, 403, 404),
    "workshop_print": Route("get", by_workshop, 200, 200, 404),
    "workshop_ics": Route("get", by_workshop, 200, 200, 404),
    "agenda_add": Route(
        "post",
        by_workshop,
        302,
        403,
        404,
        lambda o: {"kind": "talk", "title": "Nytt punkt", "duration_minutes": 10},
    ),
    "agenda_reorder": Route(
        "post", by_workshop, 302, 403, 404, lambda o: {"order": [o["item"].pk]}
    ),
    "agenda_item_edit": Route("get", by_item, 200, 403, 404),
    "agenda_item_delete": Route("post", by_item, 302, 403, 404),
    "agenda_item_move": Route("post", by_item, 302, 403, 404, lambda o: {"direction": "up"}),
    "participant_edit": Route("get", by_participant, 200, 403, 404),
    "participant_delete": Route("post", by_participant, 302, 403, 404),
    "participant_set_group": Route(
        "post", by_participant, 302, 403, 404, lambda o: {"network_group": o["group"].pk}
    ),
    "group_edit": Route("get", by_group, 200, 403, 404),
    "group_delete": Route("post", by_group, 302, 403, 404),
    "console": Route("get", by_workshop, 200, 403, 404),
    "console_action": Route(
        "post",
        lambda o: {"pk": o["workshop"].pk, "action": "start"},
        302,
        403,
        404,
        lambda o: {"version": 0},
    ),
    "presenter": Route("get", by_workshop, 200, 200, 404),
    "day_stream": Route(
        "get", lambda o: {"pk": o["workshop"].pk, "audience": "presenter"}, 200, 200, 404
    ),
    "programme_progress": Route("get", by_programme, 200, 200, 404),
    "workshop_remind": Route("post", by_workshop, 302, 403, 404),
    "console_people": Route("get", by_workshop, 200, 403, 404),
    "console_person": Route(
        "post",
        lambda o: {"pk": o["workshop"].pk, "attendee": o["attendee"].pk, "action": "remove"},
        302,
        403,
        404,
    ),
    "console_claim": Route(
        "post",
        lambda o: {"pk": o["workshop"].pk, "claim": o["claim"].pk, "action": "approve"},
        302,
        403,
        404,
    ),
    "console_roster_only": Route("post", by_workshop, 302, 403, 404, lambda o: {}),
    # Access and erasure on a person's request: facilitators only, HR advisers read no content.
    "participant_access_copy": Route("post", by_participant, 302, 403, 404),
    "participant_new_code": Route("post", by_participant, 302, 403, 404),
    "participant_erase": Route("post", by_participant, 302, 403, 404),
}

# Participants' URLs need no account: they are guarded by the join code and the device
# cookie, and tested in test_live_views.py; the personal pages by the participant session,
# tested in test_personal.py.
PUBLIC = {
    "join",
    "join_day",
    "join_taken",
    "join_wait",
    "phone",
    "phone_stream",
    "phone_prove",
    "phone_sign_out",
    "personal_new_code",
    "personal_page",
    "personal_start",
    "personal_request_link",
    "personal_link",
    "personal_code_login",
    "personal_logout",
    "personal_answer",
    "personal_day",
    "personal_group",
    "personal_export",
    "personal_erase",
}

# Extra rules for POST on URLs that also answer GET.
POST_ROUTES: dict[str, Route] = {
    # The day has not ended, so the owner is told it can't be reopened.
    "workshop_reopen": Route("post", by_workshop, 409, 403, 404, lambda o: {"version": 0}),
    "roster": Route("post", by_programme, 302, 403, 404, lambda o: {"name": "Per Hansen"}),
    "groups": Route("post", by_programme, 302, 403, 404, lambda o: {"name": "Gruppe 9"}),
    "programme_edit": Route("post", by_programme, 302, 403, 404, lambda o: {"title": "Nytt navn"}),
    "agenda_item_edit": Route(
        "post",
        by_item,
        302,
        403,
        404,
        lambda o: {"edit-kind": "talk", "edit-title": "Endret", "edit-duration_minutes": 20},
    ),
}


# The apps whose URLs this file covers (the exercises and platforms have their own tests, and
# the live views of one exercise are in tests/exercises/test_access.py).
NAMESPACES = ("workshops", "exercises", "live", "personal")


def url_namespaces() -> dict[str, str]:
    """Each URL name of the covered apps, with the namespace it is reversed in."""
    resolver = get_resolver()
    return {
        name: namespace
        for namespace in NAMESPACES
        if namespace in resolver.namespace_dict
        for name in resolver.namespace_dict[namespace][1].reverse_dict
        if isinstance(name, str) and name not in LIVE_RUN_URLS
        if namespace != "exercises" or name in DAY_PAGE_URLS
    }


def test_every_url_has_a_rule():
    assert set(url_namespaces()) == set(ROUTES) | PUBLIC


@pytest.fixture
def objects(programme, workshop, group, participant) -> dict:
    item = AgendaItem.objects.create(
        workshop=workshop, position=0, kind="talk", title="Velkommen", duration_minutes=30
    )
    attendee = Attendee.objects.create(
        workshop=workshop, participant=participant, display_name=participant.name, device_hash="x"
    )
    claim = ClaimRequest.objects.create(workshop=workshop, participant=participant, device_hash="y")
    return {
        "programme": programme,
        "workshop": workshop,
        "group": group,
        "participant": participant,
        "item": item,
        "attendee": attendee,
        "claim": claim,
    }


def call(client: Client, name: str, route: Route, objects: dict):
    url = reverse(f"{url_namespaces()[name]}:{name}", kwargs=route.target(objects))
    if route.method == "get":
        return client.get(url)
    return client.post(url, route.data(objects))


ALL = [*ROUTES.items(), *POST_ROUTES.items()]
IDS = [f"{route.method}-{name}" for name, route in ALL]


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_anonymous_is_sent_to_login(client, objects, name, route):
    response = call(client, name, route, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_owner(alice_client, objects, name, route):
    assert call(alice_client, name, route, objects).status_code == route.owner


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_hr_colleague_reads_but_never_writes(bob_client, objects, name, route):
    before = snapshot()
    assert call(bob_client, name, route, objects).status_code == route.colleague
    assert snapshot() == before


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_outsider_sees_nothing(charlie_client, objects, name, route):
    before = snapshot()
    response = call(charlie_client, name, route, objects)
    assert response.status_code == route.outsider
    assert snapshot() == before
    assert "Lederutviklingsprogram 2026" not in response.content.decode()


def snapshot() -> tuple:
    return (
        list(Programme.objects.values_list("pk", "title")),
        list(Workshop.objects.values_list("pk", "number")),
        list(AgendaItem.objects.values_list("pk", "position", "title", "duration_minutes")),
        list(Participant.objects.values_list("pk", "name", "network_group_id")),
        list(NetworkGroup.objects.values_list("pk", "name")),
        list(Workshop.objects.values_list("status", "version", "roster_only")),
        list(Attendee.objects.values_list("pk", "device_hash", "removed_at")),
        list(ClaimRequest.objects.values_list("pk", "status")),
        list(PersonalKey.objects.values_list("pk", "code_hash")),
    )


def test_home_sends_visitors_to_the_right_place(client, alice_client):
    assert client.get("/")["Location"] == reverse("login")
    assert alice_client.get("/")["Location"] == reverse("workshops:programme_list")


def test_programme_list_shows_only_own_organisations(alice_client, charlie_client, programme):
    assert programme.title in alice_client.get(reverse("workshops:programme_list")).text
    assert programme.title not in charlie_client.get(reverse("workshops:programme_list")).text


def test_hr_sees_no_edit_controls(bob_client, objects):
    page = bob_client.get(reverse("exercises:workshop_detail", args=[objects["workshop"].pk]))
    assert page.status_code == 200
    assert "Velkommen" in page.text
    assert reverse("exercises:agenda_add", args=[objects["workshop"].pk]) not in page.text
    assert reverse("exercises:agenda_item_edit", args=[objects["item"].pk]) not in page.text


def test_admin_is_for_staff_only(alice_client, admin_client, objects):
    assert alice_client.get("/admin/").status_code == 302
    for model in [
        "organisation",
        "membership",
        "programme",
        "workshop",
        "agendaitem",
        "networkgroup",
        "participant",
    ]:
        assert admin_client.get(f"/admin/workshops/{model}/").status_code == 200
        assert admin_client.get(f"/admin/workshops/{model}/add/").status_code == 200
