"""Every URL of the exercises app, for every kind of visitor (see workshops/test_access.py)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from exercises.models import Exercise, Run
from live import day as live_day
from tests.support import DAY_PAGE_URLS, LIVE_RUN_URLS

# name -> (method, kwargs, data, owner, HR colleague, outsider, anonymous)
RULES = {
    "setup": ("get", lambda o: {"pk": o["item"].pk}, {}, 200, 403, 404, "login"),
    "library_add": (
        "post",
        lambda o: {"pk": o["workshop"].pk, "kind": "word_cloud"},
        {
            "item-title": "Ordsky",
            "item-duration_minutes": 5,
            "settings-prompt": "Hva er god ledelse?",
            "settings-max_entries": 3,
            "settings-max_length": 30,
            "settings-minutes": 5,
        },
        302,
        403,
        404,
        "login",
    ),
    "act": (
        "post",
        lambda o: {"pk": o["run"].pk, "action": "reveal"},
        {"version": 0},
        302,
        403,
        404,
        "login",
    ),
    "export_csv": ("get", lambda o: {"pk": o["run"].pk}, {}, 200, 200, 404, "login"),
    "export_xlsx": ("get", lambda o: {"pk": o["run"].pk}, {}, 200, 200, 404, "login"),
    "cloud_svg": ("get", lambda o: {"pk": o["run"].pk}, {}, 200, 200, 404, "login"),
    "cloud_png": ("get", lambda o: {"pk": o["run"].pk}, {}, 200, 200, 404, "login"),
    # Phones are guarded by the join code and the device cookie, not by a login.
    "group_stream": (
        "get",
        lambda o: {"code": o["workshop"].join_code, "run_pk": o["run"].pk},
        {},
        404,
        404,
        404,
        404,
    ),
    # A browser that is no one on the day hears so, with a way to join (live.views).
    "decide_role": (
        "post",
        lambda o: {"code": o["workshop"].join_code, "run_pk": o["run"].pk},
        {"member": 1},
        403,
        403,
        403,
        403,
    ),
    # A browser that is no one on the day hears so, with a way to join (live.views).
    "submit": (
        "post",
        lambda o: {"code": o["workshop"].join_code, "run_pk": o["run"].pk},
        {"text": "x"},
        403,
        403,
        403,
        403,
    ),
}


def test_every_url_has_a_rule():
    namespace = get_resolver().namespace_dict["exercises"][1]
    names = {n for n in namespace.reverse_dict if isinstance(n, str)}
    # The day's page and its agenda are covered by tests/workshops/test_access.py.
    assert names == (set(RULES) - LIVE_RUN_URLS) | DAY_PAGE_URLS


@pytest.fixture
def objects(workshop, agenda, alice):
    item = agenda[0]
    Exercise.objects.create(agenda_item=item, kind="word_cloud", settings={"prompt": "?"})
    live_day.start(workshop, by=alice)
    return {"workshop": workshop, "item": item, "run": Run.objects.get()}


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("who", ["owner", "colleague", "outsider", "anonymous"])
def test_access(request, objects, name, who):
    method, kwargs, data, *expected = RULES[name]
    client = {
        "owner": "alice_client",
        "colleague": "bob_client",
        "outsider": "charlie_client",
        "anonymous": "client",
    }[who]
    client = request.getfixturevalue(client)
    namespace = "live" if name in LIVE_RUN_URLS else "exercises"
    url = reverse(f"{namespace}:{name}", kwargs=kwargs(objects))
    response = getattr(client, method)(url, data)
    outcome = expected[["owner", "colleague", "outsider", "anonymous"].index(who)]
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == outcome
