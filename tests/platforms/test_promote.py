"""Promoting exercise results to the platform: what each kind offers, what promoting does to the
platform (with provenance, a version, and nothing twice), and the pages that do it."""

from __future__ import annotations

import importlib
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from exercises.kinds import diamond, igp, proposals, round_robin
from exercises.models import Group, Member, Submission
from exercises.promote import PURPOSE, VALUES, VISION, Offer
from platforms import services
from platforms.models import PlatformVersion, Value

from .conftest import NINE, RANKED, attendees, make_run

HTMX = {"HTTP_HX_REQUEST": "true"}


def names(platform) -> list[str]:
    return list(platform.values.values_list("name", flat=True))


# What the kinds offer


def test_the_diamond_offers_the_rooms_nine_best_first(diamond_run):
    [offer] = diamond.promotable(diamond_run)
    assert offer.items == tuple(RANKED)
    assert offer.targets == (VALUES,)
    assert offer.replaces
    assert offer.key == "room"


def test_a_diamond_nobody_placed_offers_nothing(workshop):
    run = make_run(workshop, "diamond", "Tom", {"items": "\n".join(NINE)})
    assert diamond.promotable(run) == []


def test_igp_offers_each_groups_agreed_list(igp_run):
    [offer] = igp.promotable(igp_run)
    assert offer.items == ("Gi retning", "Dele kompetanse", "Skape fellesskap")
    assert offer.targets == (VALUES, PURPOSE)
    assert offer.group.name == "Nettverksgruppe 1"


def test_proposals_offer_the_decision_with_the_rest_as_alternatives(proposals_run, workshop):
    [offer] = proposals.promotable(proposals_run)
    assert offer.items == ("Viser vei",)
    assert offer.alternatives == ("Modige sammen", "Gode med folk")
    assert offer.targets == (VISION,)
    undecided = make_run(workshop, "proposals", "Uavgjort", {"prompt": "?"})
    assert proposals.promotable(undecided) == []


def test_round_robin_offers_each_groups_kept_points(workshop):
    run = make_run(workshop, "round_robin", "Rekkeframlegg", {"prompt": "?", "keep": 2})
    people = attendees(workshop, 2)
    group = Group.objects.create(run=run, number=1, name="Gruppe 1")
    for person in people:
        Member.objects.create(run=run, group=group, attendee=person)
    points = [
        Submission.objects.create(
            run=run, group=group, author=people[0], key="point", text=text, token=uuid.uuid4()
        )
        for text in ["Ros i plenum", "Ærlige tilbakemeldinger", "Faste møter"]
    ]
    for person in people:
        Submission.objects.create(
            run=run,
            group=group,
            author=person,
            key="ranking",
            text="–",
            token=uuid.uuid4(),
            data={"order": [points[1].pk, points[2].pk, points[0].pk]},
        )
    [offer] = round_robin.promotable(run)
    assert offer.items == ("Ærlige tilbakemeldinger", "Faste møter")
    assert offer.targets == (PURPOSE, VALUES)
    assert offer.label == "Gruppe 1"


def test_the_programmes_runs_with_results_are_listed_day_by_day(
    platform, diamond_run, igp_run, proposals_run, workshop
):
    make_run(workshop, "diamond", "Ingen plasserte", {"items": "\n".join(NINE)})
    listed = services.runs_with_results(platform.programme)
    assert [run for run, _offers in listed] == [diamond_run, igp_run, proposals_run]


# Promoting


def test_the_diamond_becomes_the_nine_values_in_ranking_order(platform, diamond_run, alice):
    tillit = platform.values.get(name="Tillit")
    services.edit_value(
        tillit, name="Tillit", meaning="Vi stoler på hverandre", practices={}, by=alice
    )
    versions = platform.versions.count()
    [offer] = diamond.promotable(diamond_run)
    plan = services.promote(platform, diamond_run, offer, target=VALUES, replace=True, by=alice)
    assert names(platform) == RANKED
    assert plan.added == [] and plan.removed == []
    # A value that was there keeps what was written about it, and now comes from the diamond.
    tillit.refresh_from_db()
    assert tillit.meaning == "Vi stoler på hverandre"
    for value in platform.values.all():
        assert value.source_run == diamond_run
        assert value.source_workshop == diamond_run.workshop
    assert platform.versions.count() == versions + 1
    latest = platform.latest_version()
    assert [v["name"] for v in latest.snapshot["values"]] == RANKED
    assert latest.snapshot["values"][0]["source"]["run"] == diamond_run.pk
    assert latest.summary == "promoted: Verdidiamanten"
    assert latest.summary_label() == "Taken onward from “Verdidiamanten”"


def test_versions_recorded_before_the_rename_get_the_new_key(platform, diamond_run, alice):
    """Versions once recorded the old key before the exercise's title; migration 0004 gives
    them the new one (and back), the title within the summary's 200 characters."""
    migration = importlib.import_module("platforms.migrations.0004_promoted_summaries")
    [offer] = diamond.promotable(diamond_run)
    services.promote(platform, diamond_run, offer, target=VALUES, replace=True, by=alice)
    version = platform.latest_version()
    title = "x" * (200 - len(migration.OLD))  # as long as the old key left room for
    PlatformVersion.objects.filter(pk=version.pk).update(summary=migration.OLD + title)
    services.add_value(platform, name="Humor", by=alice)
    other = platform.latest_version()

    migration.rekey(migration.OLD, migration.NEW)(apps, None)
    version.refresh_from_db()
    assert version.summary == PlatformVersion.PROMOTED + title
    assert version.summary_label() == f"Taken onward from “{title}”"
    other.refresh_from_db()
    assert other.summary == "value added"

    longer = "y" * (200 - len(migration.NEW))
    PlatformVersion.objects.filter(pk=version.pk).update(summary=migration.NEW + longer)
    migration.rekey(migration.NEW, migration.OLD)(apps, None)
    version.refresh_from_db()
    assert version.summary == (migration.OLD + longer)[:200]


def test_promoting_the_same_twice_changes_nothing(platform, diamond_run, igp_run, alice):
    [room] = diamond.promotable(diamond_run)
    [group] = igp.promotable(igp_run)
    for offer, run, target, replace in [
        (room, diamond_run, VALUES, True),
        (group, igp_run, PURPOSE, False),
    ]:
        services.promote(platform, run, offer, target=target, replace=replace, by=alice)
        before = (platform.versions.count(), services.snapshot(platform))
        again = services.promote(platform, run, offer, target=target, replace=replace, by=alice)
        assert again.added == [] and again.removed == []
        assert (platform.versions.count(), services.snapshot(platform)) == before


def test_replacing_removes_what_the_offer_lacks_and_the_versions_keep_it(
    platform, diamond_run, alice
):
    services.add_value(platform, name="Humor", by=alice)
    [offer] = diamond.promotable(diamond_run)
    plan = services.plan_promotion(platform, offer, VALUES, replace=True)
    assert plan.removed == ["Humor"]
    services.promote(platform, diamond_run, offer, target=VALUES, replace=True, by=alice)
    assert names(platform) == RANKED
    earlier = platform.versions.order_by("-number")[1]
    assert "Humor" in [v["name"] for v in earlier.snapshot["values"]]


def test_adding_keeps_what_is_there_and_appends_the_new(platform, igp_run, group, alice):
    [offer] = igp.promotable(igp_run)
    services.promote(platform, igp_run, offer, target=PURPOSE, replace=False, by=alice)
    points = list(platform.purpose_points.all())
    assert [p.text for p in points] == [
        "Anerkjenne kompetanse",
        "Gi trygghet og tillit",
        "Gi retning",
        "Dele kompetanse",
        "Skape fellesskap",
    ]
    assert points[0].source_run is None  # what was there keeps its own source
    assert {(p.source_run, p.source_group, p.source_workshop) for p in points[2:]} == {
        (igp_run, group, igp_run.workshop)
    }
    services.promote(platform, igp_run, offer, target=VALUES, replace=False, by=alice)
    assert names(platform) == [*NINE, "Gi retning", "Dele kompetanse", "Skape fellesskap"]


def test_a_group_that_is_not_a_network_group_is_kept_by_name(platform, workshop, alice):
    run = make_run(workshop, "igp", "IGP i trioer", {"prompt": "?"})
    trio = Group.objects.create(run=run, number=3, name="Gruppe 3")
    Submission.objects.create(run=run, group=trio, key="output", text="Lytte", token=uuid.uuid4())
    [offer] = igp.promotable(run)
    services.promote(platform, run, offer, target=VALUES, replace=False, by=alice)
    value = platform.values.get(name="Lytte")
    assert (value.source_group, value.source_label, value.source_run) == (None, "Gruppe 3", run)


def test_same_words_are_the_same_element_whatever_the_case(platform, workshop, alice):
    run = make_run(workshop, "igp", "IGP", {"prompt": "?"})
    offer = Offer(key="x", label="x", items=("  tillit ", "TRYGGHET", "Mot"), targets=(VALUES,))
    services.promote(platform, run, offer, target=VALUES, replace=False, by=alice)
    assert names(platform) == [*NINE, "Mot"]


def test_the_chosen_proposal_becomes_the_vision_and_the_rest_alternatives(
    platform, proposals_run, alice
):
    [offer] = proposals.promotable(proposals_run)
    services.promote(platform, proposals_run, offer, target=VISION, replace=False, by=alice)
    assert platform.vision.text == "Viser vei"
    assert platform.vision.source_run == proposals_run
    alternatives = list(
        platform.vision_proposals.filter(is_chosen=False).values_list("text", flat=True)
    )
    assert alternatives == ["Sammen for Seljord", "Gode med folk", "Modige sammen"]
    services.promote(platform, proposals_run, offer, target=VISION, replace=True, by=alice)
    assert [p.text for p in platform.vision_proposals.all()] == [
        "Viser vei",
        "Modige sammen",
        "Gode med folk",
    ]


def test_an_offer_goes_only_where_it_may(platform, diamond_run, alice):
    [offer] = diamond.promotable(diamond_run)
    with pytest.raises(ValueError):
        services.promote(platform, diamond_run, offer, target=VISION, replace=True, by=alice)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_once_promotes_it_once(platform, diamond_run, alice):
    [offer] = diamond.promotable(diamond_run)
    before = platform.versions.count()

    def click(_n):
        try:
            services.promote(
                services.platform_for(platform.programme),
                diamond_run,
                offer,
                target=VALUES,
                replace=True,
                by=alice,
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(click, range(4)))
    assert names(platform) == RANKED
    assert platform.versions.count() == before + 1


# The pages


def preview_url(run) -> str:
    return reverse("platforms:promote_preview", args=[run.pk])


def promote_url(run) -> str:
    return reverse("platforms:promote_result", args=[run.pk])


def test_the_platform_page_lists_runs_with_results_for_facilitators(
    alice_client, bob_client, platform, diamond_run
):
    page = alice_client.get(reverse("platforms:platform_detail", args=[platform.programme_id]))
    assert "Take from an exercise" in page.text
    assert preview_url(diamond_run) in page.text
    hr_page = bob_client.get(reverse("platforms:platform_detail", args=[platform.programme_id]))
    assert "Take from an exercise" not in hr_page.text


def test_preview_shows_what_would_change(alice_client, platform, diamond_run, alice):
    services.add_value(platform, name="Humor", by=alice)
    page = alice_client.get(preview_url(diamond_run))
    assert page.status_code == 200
    assert "Results of “Verdidiamanten”" in page.text
    assert "Humor" in page.text  # to be removed
    assert "Take onward to values" in page.text
    assert 'value="replace" checked' in page.text
    assert names(platform) != RANKED  # looking changes nothing


def test_preview_of_another_choice_comes_as_one_section_for_htmx(alice_client, platform, igp_run):
    [offer] = igp.promotable(igp_run)
    response = alice_client.get(
        preview_url(igp_run), {"offer": offer.key, "target": PURPOSE, "mode": "replace"}, **HTMX
    )
    assert response.text.lstrip().startswith(
        f'<section class="card promote-offer" id="offer-{offer.key}"'
    )
    assert 'value="purpose" checked' in response.text
    assert "Anerkjenne kompetanse" in response.text  # removed by a replace


def test_promoting_redirects_to_the_platform_and_links_back(alice_client, platform, diamond_run):
    response = alice_client.post(
        promote_url(diamond_run), {"offer": "room", "target": VALUES, "mode": "replace"}
    )
    assert response.status_code == 302
    assert response["Location"] == platform.get_absolute_url() + "#values"
    assert names(platform) == RANKED
    page = alice_client.get(response["Location"])
    assert "was taken onward to values" in page.text
    assert f'href="{preview_url(diamond_run)}">Verdidiamanten</a>' in page.text
    assert f'href="{diamond_run.workshop.get_absolute_url()}"' in page.text


def test_a_double_posted_promotion_records_one_version(alice_client, platform, diamond_run):
    before = platform.versions.count()
    for _ in range(2):
        alice_client.post(
            promote_url(diamond_run), {"offer": "room", "target": VALUES, "mode": "replace"}
        )
    assert platform.versions.count() == before + 1


@pytest.mark.parametrize(
    "data",
    [
        {"offer": "room", "target": VISION, "mode": "replace"},
        {"offer": "gone", "target": VALUES, "mode": "replace"},
        {"offer": "room", "target": VALUES, "mode": "sideways"},
    ],
)
def test_a_promotion_that_does_not_fit_changes_nothing(alice_client, platform, diamond_run, data):
    before = PlatformVersion.objects.count()
    response = alice_client.post(promote_url(diamond_run), data)
    assert response["Location"] == preview_url(diamond_run)
    assert PlatformVersion.objects.count() == before
    assert names(platform) == NINE


def test_hr_reads_the_results_but_promotes_nothing(bob_client, platform, diamond_run):
    page = bob_client.get(preview_url(diamond_run))
    assert page.status_code == 200
    assert "Raushet" in page.text
    assert promote_url(diamond_run) not in page.text
    response = bob_client.post(
        promote_url(diamond_run), {"offer": "room", "target": VALUES, "mode": "replace"}
    )
    assert response.status_code == 403
    assert names(platform) == NINE


def test_an_outsider_sees_no_run(charlie_client, platform, diamond_run):
    assert charlie_client.get(preview_url(diamond_run)).status_code == 404
    response = charlie_client.post(
        promote_url(diamond_run), {"offer": "room", "target": VALUES, "mode": "replace"}
    )
    assert response.status_code == 404
    assert Value.objects.filter(source_run=diamond_run).count() == 0
