"""Every URL of the platform app, for every kind of visitor.

A new URL without a rule here fails `test_every_url_has_a_rule`, so access can't be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from platforms import day_report, poster, report
from platforms.models import (
    DayReportRender,
    PlatformVersion,
    PosterRender,
    Practice,
    PurposePoint,
    ReportRender,
    Value,
    VisionProposal,
)


@dataclass(frozen=True)
class Route:
    method: str
    target: Callable[[dict], dict]
    owner: int
    colleague: int  # HR adviser of the same organisation
    outsider: int  # facilitator of another organisation
    data: Callable[[dict], dict] = lambda objects: {}


def by_programme(o):
    return {"pk": o["platform"].programme_id}


def by_value(o):
    return {"pk": o["value"].pk}


def by_run(o):
    return {"pk": o["run"].pk}


def by_day(o):
    return {"pk": o["run"].workshop_id}


ROUTES: dict[str, Route] = {
    # A day's results and summary: HR reads them as it reads the rest of the programme.
    "day_results": Route("get", by_day, 200, 200, 404),
    "day_summary": Route("get", by_day, 200, 200, 404),
    # HR makes the day report too: it is for their files.
    "day_report_request": Route("post", by_day, 302, 302, 404, lambda o: {"report-language": "nb"}),
    "day_report_status": Route("get", by_day, 200, 200, 404),
    "day_report_download": Route("get", lambda o: {"pk": o["day_report"].pk}, 200, 200, 404),
    "platform_detail": Route("get", by_programme, 200, 200, 404),
    "platform_step": Route("post", by_programme, 302, 403, 404, lambda o: {"step": 3}),
    "purpose_edit": Route("get", by_programme, 200, 403, 404),
    "vision_edit": Route("get", by_programme, 200, 403, 404),
    "vision_choose": Route("post", lambda o: {"pk": o["proposal"].pk}, 302, 403, 404),
    "value_add": Route("post", by_programme, 302, 403, 404, lambda o: {"name": "Ny"}),
    "values_reorder": Route(
        "post",
        by_programme,
        302,
        403,
        404,
        lambda o: {"order": list(reversed([v.pk for v in o["platform"].values.all()]))},
    ),
    "value_edit": Route("get", by_value, 200, 403, 404),
    "value_delete": Route("post", by_value, 302, 403, 404),
    "value_move": Route("post", by_value, 302, 403, 404, lambda o: {"direction": "down"}),
    "versions": Route("get", by_programme, 200, 200, 404),
    "version_name": Route(
        "post", lambda o: {"pk": o["version"].pk}, 302, 403, 404, lambda o: {"name": "Vedtatt"}
    ),
    "version_compare": Route("get", by_programme, 200, 200, 404),
    "brand_edit": Route("get", by_programme, 200, 403, 404),
    "poster_preview": Route("get", by_programme, 200, 200, 404),
    # HR exports the poster: reading the platform is enough to make one.
    "poster_render": Route(
        "post", by_programme, 302, 302, 404, lambda o: {"size": "a4", "language": "en"}
    ),
    "poster_status": Route("get", by_programme, 200, 200, 404),
    "poster_download": Route("get", lambda o: {"pk": o["render"].pk}, 200, 200, 404),
    "poster_thumbnail": Route("get", lambda o: {"pk": o["render"].pk}, 200, 200, 404),
    "poster_showcase": Route("get", by_programme, 200, 200, 404),
    "poster_stream": Route("get", by_programme, 200, 200, 404),
    # Exercise results: HR reads them (elements link back to them), facilitators promote them.
    "promote_preview": Route("get", by_run, 200, 200, 404),
    "promote_result": Route(
        "post",
        by_run,
        302,
        403,
        404,
        lambda o: {"offer": "room", "target": "values", "mode": "replace"},
    ),
    "export_markdown": Route("get", by_programme, 200, 200, 404),
    "export_json": Route("get", by_programme, 200, 200, 404),
    # HR makes the programme report: a job like the poster, in the worker's queue.
    "report_request": Route(
        "post", by_programme, 302, 302, 404, lambda o: {"report-language": "nn"}
    ),
    "report_status": Route("get", by_programme, 200, 200, 404),
    "report_download": Route("get", lambda o: {"pk": o["report"].pk}, 200, 200, 404),
}

POST_ROUTES: dict[str, Route] = {
    "purpose_edit": Route(
        "post", by_programme, 302, 403, 404, lambda o: {"lead": "Nytt formål", "points": "a\nb"}
    ),
    "vision_edit": Route(
        "post", by_programme, 302, 403, 404, lambda o: {"vision": "Ny", "alternatives": ""}
    ),
    "value_edit": Route(
        "post",
        by_value,
        302,
        403,
        404,
        lambda o: {"value-name": "Endret", "value-meaning": "", "value-ourselves": "x"},
    ),
    "brand_edit": Route(
        "post",
        by_programme,
        302,
        403,
        404,
        lambda o: {"brand_primary": "#112233", "brand_secondary": "#FFDD00"},
    ),
}


def platform_url_names() -> set[str]:
    namespace = get_resolver().namespace_dict["platforms"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_url_has_a_rule():
    assert platform_url_names() == set(ROUTES)


@pytest.fixture
def objects(platform, alice, diamond_run) -> dict:
    version = platform.latest_version()
    render = PosterRender.objects.create(platform=platform, version=version, requested_by=alice)
    poster.render(render.pk)
    made = ReportRender.objects.create(platform=platform, language="nb", requested_by=alice)
    report.render(made.pk)
    day_made = DayReportRender.objects.create(
        platform=platform, workshop=diamond_run.workshop, language="nb", requested_by=alice
    )
    day_report.render(day_made.pk)
    return {
        "platform": platform,
        "value": platform.values.first(),
        "proposal": platform.vision_proposals.filter(is_chosen=False).first(),
        "version": version,
        "render": render,
        "report": made,
        "day_report": day_made,
        "run": diamond_run,
    }


def call(client: Client, name: str, route: Route, objects: dict):
    url = reverse(f"platforms:{name}", kwargs=route.target(objects))
    if route.method == "get":
        return client.get(url)
    return client.post(url, route.data(objects))


ALL = [*ROUTES.items(), *POST_ROUTES.items()]
IDS = [f"{route.method}-{name}" for name, route in ALL]


def snapshot() -> tuple:
    return (
        list(PurposePoint.objects.values_list("pk", "text", "position")),
        list(VisionProposal.objects.values_list("pk", "text", "is_chosen")),
        list(Value.objects.values_list("pk", "name", "meaning", "position")),
        list(Practice.objects.values_list("pk", "text")),
        list(PlatformVersion.objects.values_list("pk", "name")),
    )


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_anonymous_is_sent_to_login(client, objects, name, route):
    response = call(client, name, route, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_owner(alice_client, objects, name, route):
    assert call(alice_client, name, route, objects).status_code == route.owner


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_hr_colleague_reads_but_never_changes_the_platform(bob_client, objects, name, route):
    before = snapshot()
    assert call(bob_client, name, route, objects).status_code == route.colleague
    assert snapshot() == before


@pytest.mark.parametrize(("name", "route"), ALL, ids=IDS)
def test_outsider_sees_nothing(charlie_client, objects, name, route):
    before = snapshot()
    response = call(charlie_client, name, route, objects)
    assert response.status_code == route.outsider
    assert snapshot() == before
    assert "Sammen for Seljord" not in response.content.decode(errors="replace")


def test_hr_sees_no_edit_controls(bob_client, objects):
    page = bob_client.get(
        reverse("platforms:platform_detail", args=[objects["platform"].programme_id])
    )
    assert "Sammen for Seljord" in page.text
    assert reverse("platforms:value_edit", args=[objects["value"].pk]) not in page.text
    assert (
        reverse("platforms:purpose_edit", args=[objects["platform"].programme_id]) not in page.text
    )


def test_programme_page_links_to_the_platform(alice_client, programme):
    page = alice_client.get(programme.get_absolute_url())
    assert reverse("platforms:platform_detail", args=[programme.pk]) in page.text
