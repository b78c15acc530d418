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
