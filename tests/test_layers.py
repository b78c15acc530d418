"""The apps below accounts never import it: accounts builds on their organisations and
memberships, and they must work (and be tested) without knowing how people sign up or in."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

BELOW_ACCOUNTS = ["workshops", "exercises", "platforms"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", BELOW_ACCOUNTS)
def test_no_app_below_imports_accounts(app):
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if any(name.split(".")[0] == "accounts" for name in imported_modules(path))
    ]
    assert not offenders, f"{app} imports accounts in {offenders}"


# DESIGN.md, Layout: each layer imports only those below it. Every import counts, also one
# inside a function (a deferred import is still a dependency) and one for type checking.
LAYERS = {
    "workshops": set(),
    "exercises": {"workshops"},
    "live": {"workshops", "exercises"},
    "platforms": {"workshops", "exercises", "live"},
    "personal": {"workshops", "exercises", "live"},
}
PROJECT_APPS = {*LAYERS, "accounts", "library", "config"}


@pytest.mark.parametrize("app", list(LAYERS))
def test_no_layer_imports_one_above_it(app):
    upward = sorted(
        f"{path.relative_to(settings.BASE_DIR)} imports {name}"
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in PROJECT_APPS - LAYERS[app] - {app}
    )
    assert not upward, f"{app} may import only {sorted(LAYERS[app])}: {upward}"


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The check above must fail on what it exists to catch."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from live.day import advance\n")
    assert "live.day" in imported_modules(module)
