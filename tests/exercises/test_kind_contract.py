"""Every exercise kind keeps the contract of exercises/kinds/base.py, and Django's system check
says so when one does not."""

from __future__ import annotations

import types

import pytest
from django.core import checks

from exercises import kinds
from exercises.checks import check_kinds
from exercises.kinds import base
from exercises.models import Run
from tests.test_erasure_canary import _run, day  # noqa: F401  (a day with a run of every kind)


def test_every_registered_kind_passes_the_check():
    assert check_kinds() == []


def test_the_check_is_registered_with_django():
    assert check_kinds in checks.registry.registry.get_checks()


def _fake(**members) -> types.ModuleType:
    """A kind module with all the required parts of a real one, changed by `members`."""
    fake = types.ModuleType("fake_kind")
    real = kinds.get("word_cloud")
    for name in ("NAME", "LABEL", "SUMMARY", "EXAMPLE", "MINUTES", "TEMPLATE", "SettingsForm"):
        setattr(fake, name, getattr(real, name))
    fake.NAME = "fake"
    fake.ACTIONS = {}
    fake.phases = lambda settings: []
    fake.settings_of = lambda run: {}
    fake.room_context = lambda run: {}
    fake.submit = lambda run, attendee, data, token: None
    fake.export = lambda run: ([], [])
    for name, value in members.items():
        if value is None and name not in base.MAY_BE_NONE:
            delattr(fake, name)
        else:
            setattr(fake, name, value)
    return fake


def test_a_kind_with_everything_it_needs_passes(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(_fake()))
    assert check_kinds() == []
    # The defaults stand in for what it left out.
    assert kinds.KINDS["fake"].group_context is None
    assert kinds.KINDS["fake"].grouping is None
    assert kinds.KINDS["fake"].promotable(None) == []
    assert kinds.KINDS["fake"].STEP_LABELS == {}
    # A kind that shows a phone nothing of its own person: every phone shows the room's part.
    assert kinds.KINDS["fake"].phone_context(None, None) == {}


def test_a_kind_without_a_required_hook_is_an_error(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(_fake(submit=None)))
    [error] = check_kinds()
    assert error.id == "exercises.E001"
    assert error.level == checks.ERROR
    assert "'fake' lacks submit" in error.msg


def test_a_kind_without_room_context_is_an_error(monkeypatch):
    """The one context of the old contract, for phone, projector and console at once, is no
    longer asked for: a kind that still has only that lacks room_context."""
    old = _fake(room_context=None)
    old.context = lambda run, attendee=None: {}
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(old))
    [error] = check_kinds()
    assert error.id == "exercises.E001"
    assert "'fake' lacks room_context" in error.msg


def test_a_phone_context_that_takes_no_attendee_is_an_error(monkeypatch):
    broken = _fake(room_context=lambda run, attendee=None: {}, phone_context=lambda run: {})
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(broken))
    [error] = check_kinds()
    assert error.id == "exercises.E003"
    assert "phone_context(run: 'Run', attendee)" in error.msg


def test_a_kind_listed_without_register_lacks_the_optional_hooks(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "fake", _fake())
    [error] = check_kinds()
    assert error.id == "exercises.E001"
    assert "anonymised" in error.msg and "group_context" in error.msg


def test_a_kind_under_another_name_is_an_error(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "other", kinds.register(_fake()))
    assert [error.id for error in check_kinds()] == ["exercises.E002"]


def test_a_hook_with_the_wrong_parameters_is_an_error(monkeypatch):
    broken = _fake(submit=lambda run, data: None, anonymised=lambda: {})
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(broken))
    errors = check_kinds()
    assert [error.id for error in errors] == ["exercises.E003", "exercises.E003"]
    assert "submit(run: 'Run', attendee, data, token)" in errors[0].msg + errors[1].msg


def test_a_hook_that_is_not_a_function_is_an_error(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(_fake(group_output="lines")))
    [error] = check_kinds()
    assert error.id == "exercises.E004"
    assert "group_output" in error.msg


@pytest.mark.parametrize("name", sorted(kinds.KINDS))
def test_each_kind_defines_its_own_required_part(name):
    kind = kinds.get(name)
    required = {"NAME", "phases", "settings_of", "room_context", "submit", "export", "ACTIONS"}
    assert required <= set(vars(kind))
    assert name == kind.NAME


@pytest.mark.usefixtures("day")
def test_the_contexts_leave_the_run_as_they_found_it(workshop):
    """room_context and phone_context take the run and return values: nothing they work out is
    kept on the run (or on its exercise), so what one call returns never depends on which
    screen asked first."""
    # Two that build on the groups' results of an earlier exercise (common.source_run).
    _run(workshop, 21, "gallery_walk", {"source": "igp"})
    _run(workshop, 22, "diamond", {"mode": "group", "source": "igp", "items": ""})
    runs = list(Run.objects.select_related("exercise__agenda_item", "workshop"))
    assert {run.exercise.kind for run in runs} == set(kinds.KINDS)
    attendees = list(workshop.attendees.all())
    for run in runs:
        kept, kept_exercise = set(vars(run)), set(vars(run.exercise))
        room = run.module.room_context(run)
        for attendee in attendees:
            assert isinstance(run.module.phone_context(run, attendee), dict)
        assert isinstance(room, dict) and "settings" in room
        assert set(vars(run)) == kept, run.exercise.kind
        assert set(vars(run.exercise)) == kept_exercise, run.exercise.kind
