"""Every URL of the library app (templates and copies), for every kind of visitor: alice the
facilitator (owner), bob the HR adviser (a colleague who reads), charlie a facilitator of
another municipality (an outsider), and someone not signed in.

A new URL without a rule here fails `test_every_url_has_a_rule`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from exercises.models import Exercise
from library import builtin
from library.models import PlanTemplate
from workshops.models import AgendaItem, Programme, Workshop


@dataclass(frozen=True)
class Route:
    method: str
    target: Callable[[dict], dict]
    owner: int
    colleague: int
    outsider: int
    data: Callable[[dict], dict] = lambda objects: {}


def by_programme(o):
    return {"pk": o["programme"].pk}


def by_workshop(o):
    return {"pk": o["workshop"].pk}


def by_template(o):
    return {"pk": o["template"].pk}


def nothing(o):
    return {}


ROUTES: dict[str, Route] = {
    "template_list": Route("get", nothing, 200, 200, 200),
    "template_detail": Route("get", by_template, 200, 200, 404),
    "template_delete": Route("post", by_template, 302, 403, 404),
    # HR advisers are told only facilitators create programmes; an outsider may create one in
    # their own organisation.
    "programme_from_template": Route("get", nothing, 200, 302, 200),
    "programme_copy": Route("get", by_programme, 200, 403, 404),
    "programme_save_template": Route("get", by_programme, 200, 403, 404),
    "day_from_template": Route("get", by_programme, 200, 403, 404),
    "day_copy": Route("get", by_workshop, 200, 403, 404),
    "day_save_template": Route("get", by_workshop, 200, 403, 404),
}

POST_ROUTES: dict[str, Route] = {
    "programme_copy": Route(
        "post",
        by_programme,
        302,
        403,
        404,
        lambda o: {"title": "Kull 2", "first_date": "2027-09-01"},
    ),
    "programme_save_template": Route(
        "post", by_programme, 302, 403, 404, lambda o: {"title": "Vårt program", "language": "nb"}
    ),
    "day_from_template": Route(
        "post",
        by_programme,
        302,
        403,
        404,
        lambda o: {"template": o["builtin"].pk, "date": "2027-03-01"},
    ),
    "day_copy": Route(
        "post",
        by_workshop,
        302,
        403,
        404,
        lambda o: {"programme": o["programme"].pk, "date": "2027-03-01"},
    ),
    "day_save_template": Route(
        "post", by_workshop, 302, 403, 404, lambda o: {"title": "Vår dag", "language": "nb"}
    ),
    "programme_from_template": Route(
        "post",
        nothing,
        302,
        302,
        200,  # charlie may not use Seljord's template: the form says so, nothing is made
        lambda o: {
            "template": o["programme_template"].pk,
            "organisation": o["programme"].organisation_id,
            "title": "Nytt program",
            "first_date": "2027-09-01",
        },
    ),
}


def test_every_url_has_a_rule():
    namespace = get_resolver().namespace_dict["library"][1]
    assert {n for n in namespace.reverse_dict if isinstance(n, str)} == set(ROUTES)


@pytest.fixture
def objects(programme, workshop, alice) -> dict:
    item = AgendaItem.objects.create(
        workshop=workshop, position=0, kind="exercise", title="Ordsky", duration_minutes=5
    )
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={"prompt": "?"})
    builtin.load()
    return {
        "programme": programme,
        "workshop": workshop,
        "template": PlanTemplate.objects.create(
            organisation=programme.organisation,
            scope="day",
            title="Vår dag",
            plan={"start_time": "09:00", "agenda": []},
            created_by=alice,
        ),
        "programme_template": PlanTemplate.objects.create(
            organisation=programme.organisation,
            scope="programme",
            title="Vårt program",
            plan={"groups": [], "days": []},
            created_by=alice,
        ),
        "builtin": PlanTemplate.objects.get(key="samling-2"),
    }


def call(client: Client, name: str, route: Route, objects: dict):
    url = reverse(f"library:{name}", kwargs=route.target(objects))
    if route.method == "get":
        return client.get(url)
    return client.post(url, route.data(objects))


def snapshot() -> tuple:
    return (
        Programme.objects.count(),
        Workshop.objects.count(),
        AgendaItem.objects.count(),
        Exercise.objects.count(),
        PlanTemplate.objects.count(),
    )


ALL = [*ROUTES.items(), *POST_ROUTES.items()]
IDS = [f"{route.method}-{name}" for name, route in ALL]


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_anonymous_is_sent_to_login(client, objects, name, route):
    before = snapshot()
    response = call(client, name, route, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_owner(alice_client, objects, name, route):
    assert call(alice_client, name, route, objects).status_code == route.owner


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_hr_colleague_reads_but_never_writes(bob_client, objects, name, route):
    before = snapshot()
    assert call(bob_client, name, route, objects).status_code == route.colleague
    assert snapshot() == before


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_outsider_sees_nothing_and_changes_nothing(charlie_client, objects, name, route):
    before = snapshot()
    response = call(charlie_client, name, route, objects)
    assert response.status_code == route.outsider
    assert snapshot() == before
    if response.status_code == 200:
        # Pages an outsider may open (the list, their own new programme) name nothing of
        # Seljord's.
        assert objects["template"].title not in response.text
        assert objects["programme"].title not in response.text


def test_built_in_templates_are_read_by_all_and_deleted_by_none(
    alice_client, charlie_client, objects
):
    template = objects["builtin"]
    for client in (alice_client, charlie_client):
        assert client.get(reverse("library:template_detail", args=[template.pk])).status_code == 200
        response = client.post(reverse("library:template_delete", args=[template.pk]))
        assert response.status_code == 403
    assert PlanTemplate.objects.filter(pk=template.pk).exists()
