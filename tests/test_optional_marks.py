"""A field is marked "(optional)" only where a person may leave it empty (docs/sprak.md, rule 5)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from exercises.kinds import diamond, duo, proposals, survey
from workshops.forms import JoinNameForm
from workshops.models import Participant


def label(field) -> str:
    with translation.override("en"):
        html = render_to_string("includes/field.html", {"field": field})
    return html.split("</label>")[0]


def test_the_name_of_someone_not_on_the_list_is_not_optional(db):
    form = JoinNameForm(roster=Participant.objects.none())
    assert "(optional)" not in label(form["display_name"])


def test_fields_needed_under_a_condition_are_not_marked_optional():
    assert "(optional)" not in label(diamond.SettingsForm()["items"])
    assert "(optional)" not in label(diamond.SettingsForm()["group_size"])
    assert "(optional)" not in label(proposals.SettingsForm()["min_per_group"])
    assert "(optional)" not in label(survey.SettingsForm()["statements"])


def test_tick_boxes_and_lists_are_not_marked_optional():
    assert "(optional)" not in label(duo.SettingsForm()["note"])
    assert "(optional)" not in label(proposals.SettingsForm()["who_proposes"])


def test_a_field_that_may_be_left_empty_says_so():
    assert "(optional)" in label(duo.SettingsForm()["switch_minutes"])
    with translation.override("nn"):
        html = render_to_string("includes/field.html", {"field": survey.SettingsForm()["intro"]})
    assert "(valfritt)" in html
