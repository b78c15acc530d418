from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exercises.aggregate import (
    DIAMOND_ROWS,
    diamond_overfull,
    diamond_tally,
    diamond_weight,
    is_complete_diamond,
    standings,
)
from exercises.kinds import diamond
from exercises.models import Exercise, Run, Submission
from exercises.runs import change
from live import broadcast
from live import day as live_day
from workshops.identity import DEVICE_COOKIE
from workshops.models import AgendaItem

HTMX = {"HTTP_HX_REQUEST": "true"}
ITEMS = ["Tillit", "Respekt", "Mot", "Ærlighet", "Raushet", "Humor", "Ansvar", "Åpenhet", "Lytte"]
SETTINGS = {"prompt": "Hvilke verdier er viktigst?", "items": "\n".join(ITEMS), "minutes": 6}
# What the setup form sends besides, as drawn.
FORM_DEFAULTS = {
    "mode": "person",
    "source": "typed",
    "grouping": "network",
    "group_size": 4,
    "secretary_rule": "fair",
}
# A complete diamond: Tillit on top, then Respekt and Mot, and so on down to Lytte.
TOP_DOWN = [
    ["Tillit"],
    ["Respekt", "Mot"],
    ["Ærlighet", "Raushet", "Humor"],
    ["Ansvar", "Åpenhet"],
    ["Lytte"],
]


def rows_of(*rows: list[str]) -> dict[str, int]:
    """The phone's choices for a diamond given top row first: item -> row number."""
    return {item: number for number, row in enumerate(rows, start=1) for item in row}


# Aggregation: pure functions.


def test_row_weights_go_from_five_at_the_top_to_one():
    assert DIAMOND_ROWS == (1, 2, 3, 2, 1)
    assert [diamond_weight(row) for row in range(1, 6)] == [5, 4, 3, 2, 1]


def test_overfull_rows_say_which_row_and_how_many_it_takes():
    assert diamond_overfull([1, 2, 2, 3, 3, 3, 4, 4, 5]) == []
    assert diamond_overfull([1, 1, 2, 2, 2]) == [(1, 1, 2), (2, 2, 3)]


def test_a_complete_diamond_places_every_item_once():
    assert is_complete_diamond(TOP_DOWN, ITEMS)
    assert not is_complete_diamond(TOP_DOWN[:4], ITEMS)
    short = [
        ["Tillit"],
        ["Respekt", "Mot"],
        ["Ærlighet", "Raushet"],
        ["Ansvar", "Åpenhet"],
        ["Lytte"],
    ]
    assert not is_complete_diamond(short, ITEMS)
    twice = [["Tillit"], ["Tillit", "Mot"], *TOP_DOWN[2:]]
    assert not is_complete_diamond(twice, ITEMS)
    other = [["Glede"], *TOP_DOWN[1:]]
    assert not is_complete_diamond(other, ITEMS)


def test_tally_adds_row_weights_and_ignores_incomplete_diamonds():
    upside_down = list(reversed(TOP_DOWN))
    partial = [["Tillit"], ["Respekt", "Mot"]]
    tally = diamond_tally([TOP_DOWN, upside_down, partial], ITEMS)
    assert tally.counted == 2
    assert tally.ignored == 1
    assert tally.scores["Tillit"] == 5 + 1
    assert tally.scores["Raushet"] == 3 + 3
    assert tally.rows["Tillit"] == (1, 0, 0, 0, 1)
    assert sum(tally.scores.values()) == 2 * sum(
        capacity * diamond_weight(row) for row, capacity in enumerate(DIAMOND_ROWS, start=1)
    )


def test_ties_share_a_place():
    upside_down = list(reversed(TOP_DOWN))
    tally = diamond_tally([TOP_DOWN, upside_down], ITEMS)
    # Every item is at 6 points: one place, shared by all nine.
    ranked = standings(tally.scores, ITEMS)
    assert {s.rank for s in ranked} == {1}
    assert all(s.tied for s in ranked)
    tally = diamond_tally([TOP_DOWN], ITEMS)
    ranked = standings(tally.scores, ITEMS)
    assert [(s.key, s.rank, s.tied) for s in ranked[:4]] == [
        ("Tillit", 1, False),
        ("Respekt", 2, True),
        ("Mot", 2, True),
        ("Ærlighet", 4, True),
    ]


def test_nobody_placed_gives_zeros_and_one_shared_place():
    tally = diamond_tally([], ITEMS)
    assert tally.counted == 0
    assert set(tally.scores.values()) == {0}


# Settings.


def settings_form(items: str, **changes) -> diamond.SettingsForm:
    return diamond.SettingsForm({**SETTINGS, **FORM_DEFAULTS, "items": items, **changes})


def test_settings_take_nine_items_one_per_line():
    form = settings_form("\n  Tillit  \n\n" + "\n".join(ITEMS[1:]) + "\n")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["items"] == "\n".join(ITEMS)  # trimmed, blank lines dropped


def test_settings_refuse_fewer_than_nine_more_than_twenty_too_long_and_duplicates():
    form = settings_form("\n".join(ITEMS[:8]))
    assert not form.is_valid()
    assert form.errors["items"] == ["Write at least nine items, one per line (this has 8)."]
    assert settings_form("\n".join(f"Verdi {n}" for n in range(20))).is_valid()
    form = settings_form("\n".join(f"Verdi {n}" for n in range(21)))
    assert form.errors["items"] == ["Write at most 20 items (this has 21)."]
    form = settings_form("\n".join([*ITEMS[:8], "x" * 81]))
    assert form.errors["items"] == ["Line 9 is 81 characters; keep each item to 80."]
    assert settings_form("\n".join([*ITEMS[:8], "x" * 80])).is_valid()
    form = settings_form("\n".join([*ITEMS[:8], "  tillit "]))
    assert form.errors["items"] == ["“tillit” is there twice (as “Tillit”); each item once."]


def test_settings_saved_before_the_group_mode_read_as_each_person_with_typed_items(
    workshop, agenda
):
    exercise = Exercise.objects.create(agenda_item=agenda[3], kind="diamond", settings=SETTINGS)
    run = Run.objects.create(exercise=exercise, workshop=workshop)
    assert diamond.settings_of(run)["mode"] == "person"
    assert diamond.settings_of(run)["source"] == "typed"
    assert diamond.items_of(run) == ITEMS


def test_setup_page_offers_the_kind_and_saves_the_items(alice_client, agenda):
    url = reverse("exercises:setup", args=[agenda[3].pk])
    page = alice_client.get(url, {"kind": "diamond"})
    assert "The items, one per line" in page.text
    response = alice_client.post(url, {"kind": "diamond", **SETTINGS, **FORM_DEFAULTS})
    assert response.status_code == 302
    assert agenda[3].exercise.settings["items"].splitlines() == ITEMS
    page = alice_client.get(url)
    assert "Tillit\nRespekt" in page.text  # shown again as typed, one per line


# The exercise on a live day.


@pytest.fixture
def item(workshop, agenda) -> AgendaItem:
    item = agenda[3]
    Exercise.objects.create(agenda_item=item, kind="diamond", settings=dict(SETTINGS))
    return item


@pytest.fixture
def run(workshop, item, alice) -> Run:
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    assert phone.cookies[DEVICE_COOKIE].value
    return phone


def choices(placement: dict[str, int]) -> dict[str, str]:
    return {f"item-{ITEMS.index(item)}": str(row) for item, row in placement.items()}


def place(phone: Client, workshop, run, placement: dict[str, int], token=None, *, htmx=True):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {**choices(placement), "token": token or uuid.uuid4()},
        **(HTMX if htmx else {}),
    )


def act(run, alice, action: str) -> Run:
    return change(run, action, by=alice, expected_version=None, data={})


def placements(run) -> list:
    return list(run.submissions.filter(key="placement").values_list("data", flat=True))


def test_one_phase_timed_from_the_settings(workshop, run):
    assert [p.key for p in run.phases()] == ["place"]
    workshop.refresh_from_db()
    assert workshop.timer_duration.total_seconds() == 6 * 60


def test_phone_shows_a_select_per_item_and_the_board_for_the_script(workshop, run):
    phone = phone_for(workshop, "Kari")
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    assert "Hvilke verdier er viktigst?" in page
    for index, item in enumerate(ITEMS):
        assert f'<label for="diamond-{run.pk}-{index}">{item}</label>' in page
        assert f'name="item-{index}" id="diamond-{run.pk}-{index}"' in page
    assert '<option value="1" >Row 1 (top, 1 item)</option>' in page
    assert '<option value="3" >Row 3 (3 items)</option>' in page
    assert "data-diamond-board hidden" in page  # shown by diamond.js only
    assert "/static/js/diamond.js" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_complete_diamond_is_saved_by_the_items_texts(workshop, run):
    phone = phone_for(workshop, "Kari")
    response = place(phone, workshop, run, rows_of(*TOP_DOWN))
    assert response.status_code == 200
    assert "Saved. You can change it until the result is shown" in response.text
    assert placements(run) == [{"rows": TOP_DOWN}]
    # The form shows what was saved, when the phone comes back to it.
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    assert f'id="diamond-{run.pk}-0" data-item="0" >' in page
    assert '<option value="1" selected>Row 1 (top, 1 item)</option>' in page


def test_an_overfull_row_is_refused_saying_which_row_and_keeping_the_choices(workshop, run):
    phone = phone_for(workshop, "Kari")
    chosen = rows_of(*TOP_DOWN)
    chosen["Respekt"] = 1  # row 1 now has two
    response = place(phone, workshop, run, chosen)
    text = response.text
    assert "Row 1 takes 1 item; you chose 2. Move 1 to another row." in text
    assert "Row 2 takes 2 items" not in text
    assert 'role="alert"' in text
    # What was chosen stays: Respekt's select still says row 1, and is marked.
    respekt = ITEMS.index("Respekt")
    assert f'id="diamond-{run.pk}-{respekt}" data-item="{respekt}" aria-invalid="true"' in text
    assert not placements(run)


def test_every_item_must_be_placed(workshop, run):
    phone = phone_for(workshop, "Kari")
    chosen = rows_of(*TOP_DOWN)
    del chosen["Lytte"], chosen["Humor"]
    assert "Place every item: 2 are not placed yet." in place(phone, workshop, run, chosen).text
    three_in_row_two = {**rows_of(*TOP_DOWN), "Ærlighet": 2}
    del three_in_row_two["Lytte"]
    text = place(phone, workshop, run, three_in_row_two).text
    assert "Row 2 takes 2 items; you chose 3. Move 1 to another row." in text
    assert "Place every item: 1 is not placed yet." in text
    bogus = place(phone, workshop, run, {**rows_of(*TOP_DOWN), "Tillit": 7}).text
    assert "Choose a row from 1 to 5." in bogus
    assert not placements(run)


def test_the_plain_form_works_without_javascript(workshop, run):
    """No HX-Request: the form posts, the page reloads and shows the result or the reasons."""
    phone = phone_for(workshop, "Kari")
    url = reverse("live:phone", args=[workshop.join_code])
    page = phone.get(url).text
    assert (
        f'method="post" action="{reverse("live:submit", args=[workshop.join_code, run.pk])}"'
        in page
    )
    chosen = {**rows_of(*TOP_DOWN), "Lytte": 3}
    response = place(phone, workshop, run, chosen, htmx=False)
    assert response.status_code == 422  # the page again, with the reasons
    assert "Row 3 takes 3 items; you chose 4. Move 1 to another row." in response.text
    page = phone.get(url).text  # and a reload still shows them (the draft)
    assert "Row 3 takes 3 items; you chose 4. Move 1 to another row." in page
    lytte = ITEMS.index("Lytte")
    assert (
        '<option value="3" selected>Row 3 (3 items)</option>'
        in page.split(f'id="diamond-{run.pk}-{lytte}"')[1].split("</select>")[0]
    )
    assert not placements(run)
    # Fixed and sent again: saved, and the draft with its reasons is gone.
    place(phone, workshop, run, rows_of(*TOP_DOWN), htmx=False)
    page = phone.get(url).text
    assert "Row 3 takes" not in page
    assert "Saved. You can change it" in page
    assert placements(run) == [{"rows": TOP_DOWN}]
    assert not Submission.objects.filter(key="draft").exists()


def test_a_new_placement_replaces_the_old_one(workshop, run):
    phone = phone_for(workshop, "Kari")
    place(phone, workshop, run, rows_of(*TOP_DOWN))
    upside_down = list(reversed(TOP_DOWN))
    place(phone, workshop, run, rows_of(*upside_down))
    assert placements(run) == [{"rows": upside_down}]
    result = {r.item: r.score for r in diamond.room_context(run)["results"]}
    assert result["Lytte"] == 5
    assert result["Tillit"] == 1


def test_a_retried_placement_is_saved_once(workshop, run):
    phone = phone_for(workshop, "Kari")
    token = uuid.uuid4()
    for _ in range(3):
        assert place(phone, workshop, run, rows_of(*TOP_DOWN), token).status_code == 200
    assert Submission.objects.filter(key="placement").count() == 1
    # A refused try keeps its token; fixing and resending with it saves the fixed diamond.
    other = uuid.uuid4()
    place(phone, workshop, run, {**rows_of(*TOP_DOWN), "Mot": 1}, other)
    place(phone, workshop, run, rows_of(*reversed(TOP_DOWN)), other)
    place(phone, workshop, run, rows_of(*reversed(TOP_DOWN)), other)
    assert placements(run) == [{"rows": list(reversed(TOP_DOWN))}]


def test_the_room_combines_the_diamonds_with_ties(workshop, run, alice, bob_client):
    place(phone_for(workshop, "Kari"), workshop, run, rows_of(*TOP_DOWN))
    swapped = [["Respekt"], ["Tillit", "Mot"], *TOP_DOWN[2:]]
    place(phone_for(workshop, "Ola"), workshop, run, rows_of(*swapped))
    ranked = diamond.room_context(run)["results"]
    assert [(r.item, r.score, r.rank, r.tied) for r in ranked[:3]] == [
        ("Tillit", 9, 1, True),
        ("Respekt", 9, 1, True),
        ("Mot", 8, 3, False),
    ]
    act(run, alice, "reveal")
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    # Tillit and Respekt share place 1; Mot has place 3 to itself.
    flat = " ".join(presenter.split())
    score = '<span class="room-diamond__score">'
    tie = '<span class="room-diamond__tie">shared place</span>'
    assert f"Tillit</span> {score}9 points · {tie}" in flat
    assert f"Respekt</span> {score}9 points · {tie}" in flat
    assert f"Mot</span> {score}8 points</span>" in flat
    assert "2 of 2 have placed their diamond" in presenter


def test_presenter_shows_only_the_count_until_the_reveal(workshop, run, alice, bob_client):
    place(phone_for(workshop, "Kari"), workshop, run, rows_of(*TOP_DOWN))
    phone_for(workshop, "Ola")
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "1 of 2 has placed their diamond" in presenter
    assert "room-diamond" not in presenter
    assert "points" not in presenter
    assert "The result is shown when the facilitator shows it." in presenter
    room = broadcast.render(workshop, "participants", "en")
    assert "room-diamond" not in room
    run = act(run, alice, "reveal")
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "room-diamond__item--1" in presenter
    assert "5 points" in presenter
    room = broadcast.render(workshop, "participants", "en")
    assert "room-diamond" in room
    run = act(run, alice, "conceal")
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "room-diamond" not in presenter


def test_placing_closes_while_the_result_is_shown(workshop, run, alice):
    phone = phone_for(workshop, "Kari")
    place(phone, workshop, run, rows_of(*TOP_DOWN))
    run = act(run, alice, "reveal")
    refused = place(phone, workshop, run, rows_of(*reversed(TOP_DOWN)))
    assert "The result is shown, so placing is closed. Nothing was saved." in refused.text
    assert placements(run) == [{"rows": TOP_DOWN}]
    page = phone.get(reverse("live:phone", args=[workshop.join_code])).text
    assert "Your diamond" in page
    assert f'id="mine-{run.pk}-revealed" hx-preserve="true"' in page
    run = act(run, alice, "conceal")
    place(phone, workshop, run, rows_of(*reversed(TOP_DOWN)))
    assert placements(run) == [{"rows": list(reversed(TOP_DOWN))}]


def test_console_shows_totals_and_counts_but_no_names(
    workshop, run, alice, alice_client, bob_client
):
    place(phone_for(workshop, "Kari Nordmann"), workshop, run, rows_of(*TOP_DOWN))
    place(phone_for(workshop, "Ola Hansen"), workshop, run, {**rows_of(*TOP_DOWN), "Mot": 1})
    phone_for(workshop, "Per Olsen")
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "1 of 3 has placed their diamond." in console
    assert "Totals so far (the room sees them when you reveal)" in console
    assert '<th scope="row">Tillit</th>\n              <td>5</td>' in console
    for revealed in (False, True):
        presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
        console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
        room = broadcast.render(workshop, "participants", "en")
        for page in (presenter, console, room):
            for name in ("Kari Nordmann", "Ola Hansen", "Per Olsen"):
                assert name not in page
        if not revealed:
            run = act(run, alice, "reveal")
    export = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert "Kari" not in export.content.decode("utf-8-sig")


def test_the_room_fragment_is_drawn_without_anyones_own_diamond(workshop, run, alice):
    phone = phone_for(workshop, "Kari")
    room = broadcast.render(workshop, "participants", "en")
    assert f'id="mine-{run.pk}-place" hx-preserve="true"' in room
    assert 'name="csrfmiddlewaretoken"' not in room
    assert 'hx-trigger="load"' not in room  # nobody has placed: nothing to fetch
    place(phone, workshop, run, rows_of(*TOP_DOWN))
    room = broadcast.render(workshop, "participants", "en")
    assert "selected" not in room
    assert "Saved." not in room
    # A phone that gets this element new fetches its own diamond into it once.
    assert (
        f'hx-select="#mine-{run.pk}-place &gt; *"' in room
        or f'hx-select="#mine-{run.pk}-place > *"' in room
    )
    act(run, alice, "reveal")
    room = broadcast.render(workshop, "participants", "en")
    assert f'id="mine-{run.pk}-revealed" hx-preserve="true"' in room
    assert "Your diamond" not in room


def test_diamonds_placed_before_the_items_changed_are_not_counted(
    workshop, run, item, alice_client
):
    place(phone_for(workshop, "Kari"), workshop, run, rows_of(*TOP_DOWN))
    item.exercise.settings = {**SETTINGS, "items": "\n".join([*ITEMS[:8], "Glede"])}
    item.exercise.save()
    ctx = diamond.room_context(run)
    assert (ctx["counted"], ctx["ignored"]) == (0, 1)
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "1 diamond was placed before the items were changed and is not counted." in console


def test_participant_text_is_escaped(workshop, run, item, alice, bob_client):
    item.exercise.settings = {**SETTINGS, "items": "\n".join(["<b>Tillit</b>", *ITEMS[1:]])}
    item.exercise.save()
    act(run, alice, "reveal")
    presenter = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "&lt;b&gt;Tillit&lt;/b&gt;" in presenter
    assert "<b>Tillit" not in presenter


def test_csv_export(workshop, run, alice, bob_client):
    place(phone_for(workshop, "Kari"), workshop, run, rows_of(*TOP_DOWN))
    swapped = [["Respekt"], ["Tillit", "Mot"], *TOP_DOWN[2:]]
    place(phone_for(workshop, "Ola"), workshop, run, rows_of(*swapped))
    response = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Place",
        "Item",
        "Points",
        "Shared place",
        "In row 1",
        "In row 2",
        "In row 3",
        "In row 4",
        "In row 5",
    ]
    assert rows[1] == ["1", "Tillit", "9", "yes", "1", "1", "0", "0", "0"]
    assert rows[2] == ["1", "Respekt", "9", "yes", "1", "1", "0", "0", "0"]
    assert rows[3] == ["3", "Mot", "8", "", "0", "2", "0", "0", "0"]
    assert rows[-1] == ["9", "Lytte", "2", "", "0", "0", "0", "0", "2"]
    assert len(rows) == 10


def test_hr_cannot_reveal_and_outsiders_see_nothing(run, bob_client, charlie_client):
    url = reverse("live:act", args=[run.pk, "reveal"])
    assert bob_client.post(url, {"version": run.version}).status_code in (403, 404)
    assert charlie_client.get(reverse("exercises:export_csv", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert not run.state.get("revealed")


# More to choose from than nine


TWELVE = [*ITEMS, "Humør", "Omsorg", "Tålmodighet"]


def place12(phone: Client, workshop, run, placement: dict[str, int]):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {
            **{f"item-{TWELVE.index(item)}": str(row) for item, row in placement.items()},
            "token": uuid.uuid4(),
        },
        **HTMX,
    )


@pytest.fixture
def twelve(workshop, agenda, alice) -> Run:
    Exercise.objects.create(
        agenda_item=agenda[3],
        kind="diamond",
        settings={**SETTINGS, "items": "\n".join(TWELVE)},
    )
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


def test_a_complete_diamond_of_nine_of_more_leaves_the_rest_out():
    rows = [["a"], ["b", "c"], ["d", "e", "f"], ["g", "h"], ["i"]]
    assert is_complete_diamond(rows, list("abcdefghijkl"))
    assert not is_complete_diamond(rows, list("abcdefghXkl"))  # "i" is not one of them
    tally = diamond_tally([rows, rows], list("abcdefghijkl"))
    assert tally.counted == 2
    assert tally.left_out == {**dict.fromkeys("abcdefghi", 0), "j": 2, "k": 2, "l": 2}
    assert tally.offered == dict.fromkeys("abcdefghijkl", 2)


def test_each_person_chooses_nine_and_the_room_counts_what_was_left_out(
    workshop, twelve, alice, alice_client, bob_client
):
    page = phone_for(workshop, "Ola").get(reverse("live:phone", args=[workshop.join_code]))
    assert "Choose nine of the 12 and leave the rest out." in page.text
    phones = {name: phone_for(workshop, name) for name in ("Kari", "Per")}
    # Kari leaves out the last three; Per leaves out Tillit, Respekt and Mot instead.
    kari = rows_of(*TOP_DOWN)
    short = place12(phones["Kari"], workshop, twelve, {k: v for k, v in kari.items() if v != 3})
    assert "Choose nine to place: 3 more to go." in short.text
    saved = place12(phones["Kari"], workshop, twelve, kari)
    assert "Saved." in saved.text
    per = {item: kari[item] for item in ITEMS[3:]}
    per.update({"Humør": 1, "Omsorg": 2, "Tålmodighet": 2})
    saved = place12(phones["Per"], workshop, twelve, per)
    assert "Saved." in saved.text
    assert len(placements(twelve)) == 2
    results = {r.item: r for r in diamond.room_context(twelve)["results"]}
    assert (results["Tillit"].left_out, results["Tillit"].offered) == (1, 2)
    assert (results["Lytte"].left_out, results["Lytte"].offered) == (0, 2)
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert '<th scope="col">Left out</th>' in console and "<td>1 of 2</td>" in console
    change(twelve, "reveal", by=alice, expected_version=0, data={})
    shown = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "Left out: " in shown and "(left out by 1 of 2)" in shown
    after = phones["Kari"].get(reverse("live:phone", args=[workshop.join_code])).text
    assert "Left out: Humør, Omsorg, Tålmodighet" in after
    rows = list(
        csv.reader(
            io.StringIO(
                bob_client.get(reverse("exercises:export_csv", args=[twelve.pk])).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    assert rows[0][-2:] == ["Left out", "Could place it"]
    tillit = next(row for row in rows if row[1] == "Tillit")
    assert tillit[-2:] == ["1", "2"]
    [offer] = diamond.promotable(twelve)
    assert len(offer.items) == 9


def test_what_was_left_out_survives_erasure(workshop, twelve):
    from exercises.privacy import erase_submissions

    phone = phone_for(workshop, "Kari")
    place12(phone, workshop, twelve, rows_of(*TOP_DOWN))
    before = {
        r.item: (r.score, r.left_out, r.offered) for r in diamond.room_context(twelve)["results"]
    }
    erase_submissions(twelve.submissions.all())
    assert not twelve.submissions.exclude(author=None, text="").exists()
    twelve.refresh_from_db()
    after = {
        r.item: (r.score, r.left_out, r.offered) for r in diamond.room_context(twelve)["results"]
    }
    assert after == before
    assert after["Humør"] == (0, 1, 1)
