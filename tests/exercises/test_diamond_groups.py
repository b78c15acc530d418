"""The diamond in groups: the secretary places, the group watches, and each group's nine can be
its own result from the IGP before it."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises.aggregate import diamond_tally_each
from exercises.kinds import diamond, igp
from exercises.models import Exercise, Member, Run, Submission
from exercises.runs import change
from live import broadcast, groupcast
from live import day as live_day

HTMX = {"HTTP_HX_REQUEST": "true"}
NAMES = ["Ane", "Bo", "Cato", "Dina", "Eli", "Frode", "Gro", "Hans"]
TYPED = ["Tillit", "Respekt", "Mot", "Ærlighet", "Raushet", "Humor", "Ansvar", "Åpenhet", "Lytte"]
FIRST = ["Tillit", "Mot", "Raushet", "Nærvær", "Humor", "Ansvar", "Åpenhet", "Lytte", "Tydelig"]
SECOND = ["tillit", "Respekt", "Ærlighet", "Samhold", "Glede", "Omsorg", "Ro", "Vilje", "Lojal"]


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    return phone


def member(name: str, run: Run) -> Member:
    return Member.objects.select_related("group").get(run=run, attendee__display_name=name)


def secretary_of(group) -> str:
    return group.members.get(role="secretary").attendee.display_name


def top_down(items: list[str]) -> list[list[str]]:
    return [items[:1], items[1:3], items[3:6], items[6:8], items[8:9]]


def place(phone, workshop, run, items: list[str], rows: list[list[str]]):
    chosen = {
        f"item-{items.index(item)}": str(number)
        for number, row in enumerate(rows, start=1)
        for item in row
    }
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {**chosen, "token": uuid.uuid4()},
        **HTMX,
    )


def diamond_settings(**extra) -> dict:
    return {
        "prompt": "Hva er viktigst for oss?",
        "mode": "group",
        "source": "typed",
        "items": "\n".join(TYPED),
        "grouping": "size",
        "group_size": 4,
        **extra,
    }


@pytest.fixture
def typed_run(workshop, agenda, alice):
    Exercise.objects.create(agenda_item=agenda[1], kind="diamond", settings=diamond_settings())
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get(), phones


def test_groups_of_four_each_with_a_secretary_and_a_chair(workshop, typed_run):
    run, _phones = typed_run
    assert sorted(g.members.count() for g in run.groups.all()) == [4, 4]
    for group in run.groups.all():
        assert sorted(m.role for m in group.members.all()) == ["", "", "chair", "secretary"]


def test_only_the_secretary_places_and_the_group_sees_it(workshop, typed_run):
    run, phones = typed_run
    first, second = run.groups.order_by("number")
    writer = secretary_of(first)
    other = next(m.attendee.display_name for m in first.members.all() if m.role != "secretary")
    page = phones[other].get(reverse("live:phone", args=[workshop.join_code])).text
    assert "The secretary places the group's diamond" in page
    assert 'name="item-0"' not in page  # no form for the watchers

    refused = place(phones[other], workshop, run, TYPED, top_down(TYPED))
    assert "Only the secretary places the group&#x27;s diamond." in refused.text
    assert not Submission.objects.filter(run=run, key="placement").exists()

    saved = place(phones[writer], workshop, run, TYPED, top_down(TYPED))
    assert "Save the group's diamond" in saved.text
    row = Submission.objects.get(run=run, key="placement")
    assert row.group == first
    assert row.data["rows"] == top_down(TYPED)

    # The group's view (its own stream) shows the diamond; the other group's doesn't.
    own = groupcast.render(run, first, "en")
    assert f"{first.name}'s diamond" in own
    assert "Nothing placed yet" not in own
    elsewhere = groupcast.render(run, second, "en")
    assert "Nothing placed yet" in elsewhere

    # Placing again replaces the group's diamond, whichever way it went before.
    upside_down = list(reversed(top_down(TYPED)))
    place(phones[writer], workshop, run, TYPED, upside_down)
    assert list(
        Submission.objects.filter(run=run, key="placement").values_list("data", flat=True)
    ) == [{"rows": upside_down, "items": TYPED}]  # a group keeps the nine it placed


def test_the_room_sees_each_groups_diamond_and_the_combined_ranking(workshop, typed_run, alice):
    run, phones = typed_run
    first, second = run.groups.order_by("number")
    place(phones[secretary_of(first)], workshop, run, TYPED, top_down(TYPED))
    place(phones[secretary_of(second)], workshop, run, TYPED, top_down(TYPED))
    presenter = broadcast.render(workshop, "presenter", "en")
    assert "2 of 2 groups have placed their diamond" in presenter
    # Nothing of the diamonds before the reveal: only the ticks say each group has placed.
    assert "room-diamond" not in presenter and "diamond-mine" not in presenter
    assert presenter.count("group-ticks__group is-done") == 2
    change(run, "reveal", by=alice, expected_version=None, data={})
    presenter = broadcast.render(workshop, "presenter", "en")
    assert f'aria-label="{first.name}"' in presenter and f'aria-label="{second.name}"' in presenter
    results = diamond.room_context(Run.objects.get(pk=run.pk))["results"]
    assert (results[0].item, results[0].score) == ("Tillit", 10)  # 5 from each group


@pytest.fixture
def igp_then_diamond(workshop, agenda, alice):
    """An IGP in two groups of four, then a group diamond of each group's own list."""
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="igp",
        settings={"prompt": "Verdier?", "target": 9, "grouping": "size", "group_size": 4},
    )
    Exercise.objects.create(
        agenda_item=agenda[2],
        kind="diamond",
        settings=diamond_settings(source="igp", items=""),
    )
    live_day.start(workshop, by=alice)
    phones = {name: phone_for(workshop, name) for name in NAMES}
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    source = Run.objects.get(exercise__kind="igp")
    return source, phones


def write_list(source: Run, group, texts: list[str]) -> None:
    for text in texts:
        Submission.objects.create(
            run=source, group=group, key=igp.OUTPUT, text=text, token=uuid.uuid4()
        )


def test_each_group_places_its_own_list_from_the_igp(workshop, igp_then_diamond, alice):
    source, phones = igp_then_diamond
    one, two = source.groups.order_by("number")
    write_list(source, one, FIRST)
    write_list(source, two, SECOND)
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get(exercise__kind="diamond")

    # The same groups as in the IGP, with the same people.
    for before in (one, two):
        after = run.groups.get(number=before.number)
        assert set(after.members.values_list("attendee_id", flat=True)) == set(
            before.members.values_list("attendee_id", flat=True)
        )
    first, second = run.groups.order_by("number")
    assert diamond.items_of(run, first) == FIRST
    assert diamond.items_of(run, second) == SECOND
    writer = secretary_of(first)
    page = phones[writer].get(reverse("live:phone", args=[workshop.join_code])).text
    assert "Nærvær" in page and "Samhold" not in page  # its own list, not the other group's

    place(phones[writer], workshop, run, FIRST, top_down(FIRST))
    place(phones[secretary_of(second)], workshop, run, SECOND, top_down(SECOND))
    results = {r.item: r.score for r in diamond.room_context(Run.objects.get(pk=run.pk))["results"]}
    # "Tillit" and "tillit" are one value: top of both diamonds, 5 + 5.
    assert results["Tillit"] == 10
    assert "tillit" not in results
    assert results["Samhold"] == 3 and results["Nærvær"] == 3
    assert len(results) == 17


def test_a_short_list_is_filled_from_the_typed_items_or_said_to_be_short(
    workshop, igp_then_diamond, alice
):
    source, phones = igp_then_diamond
    one, two = source.groups.order_by("number")
    write_list(source, one, FIRST[:7])
    write_list(source, two, SECOND[:7])
    Exercise.objects.filter(kind="diamond").update(
        settings=diamond_settings(source="igp", items="Tillit\nKlokskap\nMot\nGlede\nRo")
    )
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get(exercise__kind="diamond")
    first, second = run.groups.order_by("number")
    # Already there ("Tillit", "Mot") are not taken twice.
    assert diamond.items_of(run, first) == [*FIRST[:7], "Klokskap", "Glede"]
    assert diamond.items_of(run, second) == [*SECOND[:7], "Klokskap", "Mot"]

    Exercise.objects.filter(kind="diamond").update(
        settings=diamond_settings(source="igp", items="")
    )
    run = Run.objects.get(pk=run.pk)
    page = phones[secretary_of(first)].get(reverse("live:phone", args=[workshop.join_code]))
    assert "Your group's list has 7 items; a diamond takes nine." in page.text
    assert 'name="item-0"' not in page.text


def test_settings_say_what_does_not_fit(alice_client, agenda):
    url = reverse("exercises:setup", args=[agenda[2].pk])
    base = {"kind": "diamond", **diamond_settings(), "minutes": 8, "secretary_rule": "fair"}
    typed_empty = alice_client.post(url, {**base, "items": ""})
    assert "Type the items, at least nine, one per line." in typed_empty.text
    person_from_groups = alice_client.post(url, {**base, "mode": "person", "source": "igp"})
    assert "A group&#x27;s own result can only be placed in group mode." in person_from_groups.text
    assert not Exercise.objects.exists()
    saved = alice_client.post(url, {**base, "source": "igp", "items": ""})
    assert saved.status_code == 302
    assert Exercise.objects.get().settings["source"] == "igp"


def test_person_mode_is_a_whole_room_exercise(workshop, agenda, alice):
    Exercise.objects.create(
        agenda_item=agenda[1], kind="diamond", settings=diamond_settings(mode="person")
    )
    live_day.start(workshop, by=alice)
    phone_for(workshop, "Ane")
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    assert diamond.grouping(diamond.settings_of(run)) is None
    assert not run.groups.exists()


def test_diamonds_of_different_items_add_up_by_item():
    one = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    two = ["a", "j", "k", "l", "m", "n", "o", "p", "q"]
    tally = diamond_tally_each(
        [(top_down(one), one), (top_down(two), two), ([["a"]], two)],
        items=[*one, *two[1:], "z"],
    )
    assert tally.counted == 2 and tally.ignored == 1  # the incomplete one counts nowhere
    assert tally.scores["a"] == 10
    assert tally.rows["a"] == (2, 0, 0, 0, 0)
    assert tally.scores["j"] == 4 and tally.scores["b"] == 4
    assert tally.scores["z"] == 0  # shown, with no points


def test_a_group_with_more_than_nine_of_its_own_chooses_nine(workshop, igp_then_diamond, alice):
    source, phones = igp_then_diamond
    one, two = source.groups.order_by("number")
    longer = [*FIRST, "Glede", "Mot til å si fra"]
    write_list(source, one, longer)
    write_list(source, two, SECOND)
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get(exercise__kind="diamond")
    first, second = run.groups.order_by("number")
    assert diamond.items_of(run, first) == longer  # eleven: nine to place, two left out
    writer = secretary_of(first)
    page = phones[writer].get(reverse("live:phone", args=[workshop.join_code])).text
    assert "Choose nine of the 11 and leave the rest out." in page
    chosen = [*longer[2:]]  # leaves out Tillit and Mot
    response = place(phones[writer], workshop, run, longer, top_down(chosen))
    assert "Saved." in response.text
    place(phones[secretary_of(second)], workshop, run, SECOND, top_down(SECOND))
    results = {r.item: r for r in diamond.room_context(Run.objects.get(pk=run.pk))["results"]}
    # Tillit was in both lists: the first group left it out, the second put it on top.
    assert (results["Tillit"].score, results["Tillit"].left_out, results["Tillit"].offered) == (
        5,
        1,
        2,
    )
    assert (results["Mot"].left_out, results["Mot"].offered) == (1, 1)
    assert (results["Samhold"].left_out, results["Samhold"].offered) == (0, 1)
    view = groupcast.render(run, first, "en")
    assert "Left out: Tillit, Mot" in view
