"""The exercise library of the agenda builder: every kind is in it, adding one makes the item
with its exercise set up in one step, and the exercise's phases follow the item's minutes."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from exercises import catalogue, kinds
from exercises.models import Exercise
from workshops.models import AgendaItem


def test_every_kind_is_in_the_library_with_what_it_needs():
    entries = {entry.name: entry for entry in catalogue.entries()}
    assert set(entries) == set(kinds.KINDS)
    for name, entry in entries.items():
        module = kinds.get(name)
        assert str(entry.summary) and str(entry.example), name
        assert entry.phases and entry.minutes == sum(p.minutes for p in entry.phases), name
        for field in module.MINUTES:
            assert field in module.SettingsForm.base_fields, f"{name}: {field}"


def test_the_library_shows_the_default_phases():
    entries = {entry.name: entry for entry in catalogue.entries()}
    igp = entries["igp"]
    assert [(str(p.label), p.minutes) for p in igp.phases] == [
        ("Individually", 4),
        ("In the group", 20),
        ("In plenary", 3),
    ]
    assert igp.minutes == 27
    # A gallery walk is planned for four groups, its stations from the IGP before it.
    assert [p.minutes for p in entries["gallery_walk"].phases] == [5, 5, 5, 10]
    # Three rounds of prepare, practise and debrief.
    assert entries["feedback_triads"].minutes == 36


@pytest.mark.parametrize(
    ("kind", "minutes", "expected"),
    [
        ("igp", 30, {"minutes_individual": 4, "minutes_group": 23, "minutes_plenary": 3}),
        ("igp", 54, {"minutes_individual": 8, "minutes_group": 40, "minutes_plenary": 6}),
        ("word_cloud", 12, {"minutes": 12}),
        (
            "feedback_triads",
            30,
            {"minutes_prepare": 2, "minutes_practise": 4, "minutes_debrief": 4},
        ),
    ],
)
def test_phases_are_fitted_to_the_items_minutes(kind, minutes, expected):
    module = kinds.get(kind)
    fitted = catalogue.fit(module, catalogue.defaults(module), minutes)
    assert {name: fitted[name] for name in expected} == expected
    assert catalogue.planned_minutes(module, fitted) == minutes


def test_fitting_keeps_within_the_forms_limits_and_leaves_unused_phases_alone():
    duo = kinds.get("duo")
    fitted = catalogue.fit(duo, catalogue.defaults(duo), 500)
    assert fitted["minutes"] == 60  # the form's most
    assert fitted["note_minutes"] == 2  # no note: it times nothing
    triads = kinds.get("feedback_triads")
    fitted = catalogue.fit(triads, catalogue.defaults(triads), 31)
    assert catalogue.planned_minutes(triads, fitted) == 30  # a multiple of three rounds


def _library_post(kind="igp", **changes) -> dict:
    module = kinds.get(kind)
    data = {
        "item-title": "Verdier",
        "item-duration_minutes": catalogue.planned_minutes(module, catalogue.defaults(module)),
        "item-description": "Vi finner verdiene våre.",
        "item-facilitator_notes": "Husk tusjer.",
    }
    for name, value in catalogue.defaults(module).items():
        if isinstance(value, bool):
            if value:
                data[f"settings-{name}"] = "on"
        else:
            data[f"settings-{name}"] = value
    data.update(changes)
    return data


def test_adding_from_the_library_makes_the_item_and_its_exercise(alice_client, workshop, agenda):
    url = reverse("exercises:library_add", args=[workshop.pk, "igp"])
    token = str(uuid.uuid4())
    data = _library_post(**{"item-duration_minutes": 30, "settings-target": 5, "token": token})
    response = alice_client.post(url, data, headers={"hx-request": "true"})
    assert response.status_code == 200
    item = workshop.agenda_items.last()
    assert (item.kind, item.title, item.duration_minutes) == ("exercise", "Verdier", 30)
    assert (item.description, item.facilitator_notes) == (
        "Vi finner verdiene våre.",
        "Husk tusjer.",
    )
    assert item.exercise.kind == "igp"
    assert item.exercise.settings["target"] == 5
    # The minutes changed, the phases did not: the phases follow the item.
    assert catalogue.planned_minutes(kinds.get("igp"), item.exercise.settings) == 30
    assert "Added “Verdier”, its exercise set up." in response.text
    assert f'id="item-{item.pk}"' in response.text

    # The same form sent again (a double click) adds nothing.
    again = alice_client.post(url, data, headers={"hx-request": "true"})
    assert again.status_code == 200
    assert workshop.agenda_items.filter(title="Verdier").count() == 1
    assert Exercise.objects.filter(agenda_item__workshop=workshop).count() == 1


def test_changed_phases_set_the_items_minutes(alice_client, workshop):
    url = reverse("exercises:library_add", args=[workshop.pk, "igp"])
    response = alice_client.post(url, _library_post(**{"settings-minutes_group": 30}))
    assert response.status_code == 302
    item = workshop.agenda_items.get()
    assert item.duration_minutes == 4 + 30 + 3
    assert response["Location"].endswith(f"#item-{item.pk}")


def test_both_changed_stay_as_given(alice_client, workshop):
    url = reverse("exercises:library_add", args=[workshop.pk, "igp"])
    alice_client.post(
        url, _library_post(**{"settings-minutes_group": 30, "item-duration_minutes": 45})
    )
    item = workshop.agenda_items.get()
    assert item.duration_minutes == 45
    assert item.exercise.settings["minutes_group"] == 30


def test_bad_input_comes_back_with_messages_and_nothing_lost(alice_client, workshop):
    url = reverse("exercises:library_add", args=[workshop.pk, "diamond"])
    data = _library_post(
        "diamond",
        **{"item-title": "", "settings-items": "Tillit\nÅpenhet", "settings-prompt": "Plasser!"},
    )
    response = alice_client.post(url, data, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert not AgendaItem.objects.filter(workshop=workshop).exists()
    assert "Give the item a title." in response.text
    assert "Write at least nine items, one per line (this has 2)." in response.text
    # What was typed is still there, in the open form.
    assert "Plasser!" in response.text
    assert "Tillit\nÅpenhet" in response.text
    assert 'class="form library-form"' in response.text


def test_a_survey_template_loads_in_the_inline_form(alice_client, workshop):
    url = reverse("exercises:library_add", args=[workshop.pk, "survey"])
    response = alice_client.post(
        url,
        _library_post("survey", **{"settings-template": "day_feedback"}),
        headers={"hx-request": "true"},
    )
    assert "Dagen var nyttig for meg som leder." in response.text
    assert not workshop.agenda_items.exists()


def test_the_library_opens_a_kinds_form_on_the_agenda_page(alice_client, bob_client, workshop):
    page = alice_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]))
    assert page.text.count('<li class="library-entry') == len(kinds.KINDS)
    assert "library-form" not in page.text
    opened = alice_client.get(
        reverse("exercises:workshop_detail", args=[workshop.pk]) + "?add=word_cloud"
    )
    assert 'id="id_item-title"' in opened.text
    assert 'name="settings-prompt"' in opened.text
    assert reverse("exercises:library_add", args=[workshop.pk, "word_cloud"]) in opened.text
    # HR advisers read the day; the library is for those who plan it.
    hr = bob_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]) + "?add=igp")
    assert "library-form" not in hr.text
    assert "Exercise library" not in hr.text


def test_an_unknown_kind_is_404(alice_client, workshop):
    url = reverse("exercises:library_add", args=[workshop.pk, "poker"])
    assert alice_client.post(url, {}).status_code == 404


def test_editing_an_items_minutes_refits_its_exercise(alice_client, workshop):
    item = workshop.add_item(kind="exercise", title="IGP", duration_minutes=27)
    Exercise.objects.create(agenda_item=item, kind="igp", settings={})
    url = reverse("exercises:agenda_item_edit", args=[item.pk])
    alice_client.post(
        url, {"edit-kind": "exercise", "edit-title": "IGP", "edit-duration_minutes": 40}
    )
    item.exercise.refresh_from_db()
    assert (
        catalogue.planned_minutes(
            kinds.get("igp"), {**catalogue.defaults(kinds.get("igp")), **item.exercise.settings}
        )
        == 40
    )


def test_phases_timed_apart_from_the_item_are_left_alone(alice_client, workshop):
    item = workshop.add_item(kind="exercise", title="IGP", duration_minutes=45)
    Exercise.objects.create(agenda_item=item, kind="igp", settings={"minutes_group": 20})
    url = reverse("exercises:agenda_item_edit", args=[item.pk])
    alice_client.post(
        url, {"edit-kind": "exercise", "edit-title": "IGP", "edit-duration_minutes": 50}
    )
    item.exercise.refresh_from_db()
    assert item.exercise.settings == {"minutes_group": 20}


def test_the_settings_page_is_one_step_and_fits_a_new_kind(alice_client, workshop):
    item = workshop.add_item(kind="exercise", title="Ordsky", duration_minutes=12)
    chooser = alice_client.get(reverse("exercises:setup", args=[item.pk]))
    assert chooser.status_code == 200
    assert "Choose an exercise for “Ordsky”" in chooser.text
    page = alice_client.get(reverse("exercises:setup", args=[item.pk]) + "?kind=word_cloud")
    assert 'name="minutes" value="12"' in page.text  # the phase fills the item
    Exercise.objects.create(
        agenda_item=item, kind="word_cloud", settings={"prompt": "Hei?", "minutes": 12}
    )
    settings = alice_client.get(reverse("exercises:setup", args=[item.pk]))
    assert "Settings: Word cloud" in settings.text
    assert "Hei?" in settings.text
    # The agenda links straight to it.
    agenda = alice_client.get(reverse("exercises:workshop_detail", args=[workshop.pk]))
    assert reverse("exercises:setup", args=[item.pk]) in agenda.text
