"""Every exercise kind keeps the contract of exercises/kinds/base.py, and Django's system check
says so when one does not."""

from __future__ import annotations

import types

import pytest
from django.core import checks

from exercises import kinds
from exercises.checks import check_kinds
from exercises.kinds import base


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
    fake.context = lambda run, attendee=None: {}
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


def test_a_kind_without_a_required_hook_is_an_error(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "fake", kinds.register(_fake(submit=None)))
    [error] = check_kinds()
    assert error.id == "exercises.E001"
    assert error.level == checks.ERROR
    assert "'fake' lacks submit" in error.msg


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
    required = {"NAME", "phases", "settings_of", "context", "submit", "export", "ACTIONS"}
    assert required <= set(vars(kind))
    assert name == kind.NAME
