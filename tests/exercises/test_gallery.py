from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from exercises.kinds import gallery
from exercises.kinds.gallery import group_context, route, station_for, visitors_at
from exercises.models import Exercise, Member, Run
from exercises.runs import place_late
from live import day as live_day
from live import groupcast
from workshops.models import Attendee

HTMX = {"HTTP_HX_REQUEST": "true"}


# The route


@pytest.mark.parametrize("stations", range(1, 13))
def test_every_visitor_sees_every_other_station_exactly_once(stations):
    walk = route(stations)
    assert len(walk) == max(stations - 1, 0)
    for group in range(stations):
        seen = [visit[group] for visit in walk]
        assert group not in seen  # the group's own station is home, not a visit
        assert sorted(seen) == [s for s in range(stations) if s != group]
    for visit in walk:
        # One group at a station at a time: every visit is a permutation of the stations.
        assert sorted(visit) == list(range(stations))


@pytest.mark.parametrize("stations", [2, 3, 5, 8])
def test_whose_visitors_are_at_a_station_is_the_inverse(stations):
    for visit in range(1, stations):
        for group in range(stations):
            assert visitors_at(stations, station_for(stations, group, visit), visit) == group


# A walk in a room


NAMES = ["Ane", "Bo", "Cato", "Dina", "Eli", "Frode"]


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    return phone


def send(phone, workshop, run, **data):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"token": uuid.uuid4(), **data},
        **HTMX,
    )


def member(name: str, run) -> Member:
    return Member.objects.select_related("group", "attendee").get(
        run=run, attendee__display_name=name
    )


def step(run, alice) -> Run:
    return live_day.step_phase(run, +1, by=alice, expected_version=None)


@pytest.fixture
def written_now(workshop, agenda, alice):
    """A gallery walk whose groups write their stations now: three random groups of two, host
    by the fair rule."""
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="gallery_walk",
        settings={
            "source": "now",
            "grouping": "size",
            "group_size": 2,
            "host_rule": "fair",
            "max_length": 40,
        },
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def test_each_group_has_a_host_and_a_secretary_and_the_phases_follow_the_stations(
    written_now, workshop
):
    run, _phones = written_now
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 2, 2]
    for group in run.groups.all():
        assert sorted(m.role for m in group.members.all() if m.role) == ["host", "secretary"]
    assert [p.key for p in run.phases()] == ["write", "visit-1", "visit-2", "home"]
    workshop.refresh_from_db()
    assert workshop.timer_duration.total_seconds() == 10 * 60


def _secretary(run, group) -> str:
    return group.members.get(role="secretary").attendee.display_name


def test_the_secretary_writes_the_station_and_the_walk_shows_it_to_visitors_only(
    written_now, workshop, alice
):
    run, phones = written_now
    groups = list(run.groups.order_by("number"))
    first, second = groups[0], groups[1]
    someone = first.members.exclude(role="secretary").first().attendee.display_name
    refused = send(phones[someone], workshop, run, step="station", text="Tillit")
    assert "The secretary writes your group&#x27;s text." in refused.text
    for group in groups:
        send(
            phones[_secretary(run, group)],
            workshop,
            run,
            step="station",
            text=f"Punkt fra {group.name}\nAndre punkt",
        )
    # Writing: each group sees its own station, not the others'.
    assert f"Punkt fra {first.name}" in groupcast.render(run, first, "en")
    assert f"Punkt fra {second.name}" not in groupcast.render(run, first, "en")
    run = step(run, alice)
    # Visit 1: the first group's visitors are at the second station and read it.
    view = group_context(run, first)
    assert view["at"] == second
    assert view["at_lines"] == [f"Punkt fra {second.name}", "Andre punkt"]
    assert view["visitors_from"] == groups[2]


def test_visitors_comment_and_the_station_sees_it_but_no_other_group(
    written_now, workshop, alice, alice_client, bob_client
):
    run, phones = written_now
    run = step(run, alice)
    groups = list(run.groups.order_by("number"))
    first, second, third = groups
    visitor = first.members.exclude(role="host").first().attendee.display_name
    host = first.members.get(role="host").attendee.display_name
    token = uuid.uuid4()
    for _retry in range(2):  # a retry over a flaky network leaves one copy
        send(
            phones[visitor],
            workshop,
            run,
            step="comment",
            visit=1,
            text="<b>Godt</b> tenkt",
            token=token,
        )
    assert run.submissions.filter(key="comment").count() == 1
    too_long = send(phones[visitor], workshop, run, step="comment", visit=1, text="x" * 41)
    assert "Keep it to 40 characters (this has 41)." in too_long.text
    staying = send(phones[host], workshop, run, step="comment", visit=1, text="Hei")
    assert "You are the host" in staying.text
    early = send(phones[visitor], workshop, run, step="comment", visit=2, text="Tidlig")
    assert "Comments open when the walk begins." in early.text
    # The comment is the second station's (where the first group's visitors are in visit 1)
    # and the first group's (who wrote it); the third group never sees it.
    assert "&lt;b&gt;Godt&lt;/b&gt; tenkt" in groupcast.render(run, second, "en")
    assert "Godt" in groupcast.render(run, first, "en")
    assert "Godt" not in groupcast.render(run, third, "en")
    # The facilitator and the projector see counts, not comments.
    for client, page in ((alice_client, "console"), (bob_client, "presenter")):
        response = client.get(reverse(f"live:{page}", args=[workshop.pk]))
        assert response.status_code == 200
        text = response.text
        assert "Godt" not in text
    assert "Godt" not in bob_client.get(reverse("exercises:export_csv", args=[run.pk])).text
    # Back home: the second group reads it and its secretary writes the final version.
    run = step(run, alice)
    run = step(run, alice)
    home = group_context(run, second)
    assert [c.text for c in home["received"]] == ["<b>Godt</b> tenkt"]
    assert home["received_by_group"][0][0] == first
    late = send(phones[visitor], workshop, run, step="comment", visit=2, text="Sent, men med")
    assert late.status_code == 200 and "Sent, men med" not in late.text  # saved, form cleared
    assert run.submissions.filter(key="comment").count() == 2
    secretary = _secretary(run, second)
    send(phones[secretary], workshop, run, step="final", text="Endelig\nversjon")
    assert group_context(run, second)["final"] == ["Endelig", "versjon"]
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert "Endelig" in export.content.decode("utf-8-sig")


def test_a_late_joiner_walks_with_the_smallest_group_and_the_route_stays(
    written_now, workshop, alice
):
    run, _phones = written_now
    run = step(run, alice)
    before = [(g.pk, group_context(run, g)["at"].pk) for g in run.groups.order_by("number")]
    phone_for(workshop, "Hanne")
    late = member("Hanne", run)
    assert late.joined_late and late.role == ""
    assert sorted(g.members.count() for g in run.groups.all()) == [2, 2, 3]
    after = [(g.pk, group_context(run, g)["at"].pk) for g in run.groups.order_by("number")]
    assert before == after
    assert [p.key for p in run.phases()] == ["write", "visit-1", "visit-2", "home"]


def test_a_late_joiner_in_network_mode_joins_a_station_not_a_new_one(
    workshop, agenda, alice, programme
):
    north = programme.groups.create(name="Nord")
    elsewhere = programme.groups.create(name="Sør")
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="gallery_walk",
        settings={"source": "now", "grouping": "network", "host_rule": "fair"},
    )
    live_day.start(workshop, by=alice)
    for name in ("Ane", "Bo"):
        person = programme.participants.create(name=name, network_group=north)
        Attendee.objects.create(
            workshop=workshop, participant=person, display_name=name, device_hash=name
        )
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    person = programme.participants.create(name="Cato", network_group=elsewhere)
    late = Attendee.objects.create(
        workshop=workshop, participant=person, display_name="Cato", device_hash="Cato"
    )
    assert place_late(run, late).group.name == "Nord"
    assert run.groups.count() == 1


@pytest.fixture
def after_igp(workshop, agenda, alice):
    """An IGP in two groups of two, then a gallery walk on its lists."""
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="igp",
        settings={"prompt": "Verdier?", "target": 3, "grouping": "size", "group_size": 2},
    )
    Exercise.objects.create(
        agenda_item=agenda[3], kind="gallery_walk", settings={"host_rule": "group_decides"}
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES[:4]}
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    igp = Run.objects.get()
    igp = step(igp, alice)
    for secretary in Member.objects.filter(run=igp, role="secretary").select_related("attendee"):
        for text in (f"Tillit i {secretary.group.name}", "Mot"):
            send(phones[secretary.attendee.display_name], workshop, igp, step="output", text=text)
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return igp, Run.objects.exclude(pk=igp.pk).get(), phones


def test_stations_are_the_igp_lists_of_the_same_groups(after_igp, workshop):
    igp, gallery, _phones = after_igp
    assert [p.key for p in gallery.phases()] == ["visit-1", "home"]
    workshop.refresh_from_db()
    assert workshop.timer_duration.total_seconds() == 5 * 60
    for source_group in igp.groups.all():
        group = gallery.groups.get(number=source_group.number)
        assert group.name == source_group.name
        assert set(group.members.values_list("attendee", flat=True)) == set(
            source_group.members.values_list("attendee", flat=True)
        )
        assert group_context(gallery, group)["station"] == [f"Tillit i {group.name}", "Mot"]
    # Nobody is host yet: each group taps who stays.
    assert not gallery.members.filter(role="host").exists()
    assert sorted(Counter(gallery.members.values_list("role", flat=True)).items()) == [
        ("", 2),
        ("secretary", 2),
    ]


def test_the_station_text_is_taken_from_the_source_not_written(after_igp, workshop):
    _igp, gallery, phones = after_igp
    secretary = gallery.members.filter(role="secretary").first().attendee.display_name
    refused = send(phones[secretary], workshop, gallery, step="station", text="Ny")
    assert "The station is written in the first step." in refused.text
    early = send(phones[secretary], workshop, gallery, step="final", text="Ny")
    assert "The final version is written back home." in early.text


def test_the_setup_form_offers_the_kinds_that_hand_over_a_result(alice_client, agenda):
    page = alice_client.get(
        reverse("exercises:setup", args=[agenda[3].pk]), {"kind": "gallery_walk"}
    )
    assert "Written now, by each group in a first step" in page.text
    assert "IGP" in page.text and "Round robin" in page.text
    saved = alice_client.post(
        reverse("exercises:setup", args=[agenda[3].pk]),
        {
            "kind": "gallery_walk",
            "prompt": "Gå rundt",
            "source": "round_robin",
            "minutes_write": 10,
            "minutes_visit": 4,
            "minutes_home": 8,
            "grouping": "network",
            "group_size": 4,
            "host_rule": "group_decides",
            "max_station": 2000,
            "max_length": 300,
        },
    )
    assert saved.status_code == 302
    assert Exercise.objects.get().settings["source"] == "round_robin"


def test_erasing_a_visitors_comments_keeps_the_count_per_station(written_now, workshop, alice):
    from exercises.privacy import erase_submissions

    run, phones = written_now
    run = step(run, alice)
    first = run.groups.order_by("number").first()
    visitor = first.members.exclude(role="host").first().attendee
    send(phones[visitor.display_name], workshop, run, step="comment", visit=1, text="Godt")
    before = [(row["group"].pk, row["comments"]) for row in gallery.room_context(run)["stations"]]
    assert sum(count for _pk, count in before) == 1
    header, rows_before = gallery.export(run)

    assert erase_submissions(run.submissions.filter(author=visitor)) == 1
    run.refresh_from_db()
    assert not run.submissions.filter(key="comment").exclude(author=None, text="").exists()
    after = [(row["group"].pk, row["comments"]) for row in gallery.room_context(run)["stations"]]
    assert after == before  # the count stays with the station it was left at
    assert gallery.export(run) == (header, rows_before)
    assert "Godt" not in str(run.state)  # the text went
