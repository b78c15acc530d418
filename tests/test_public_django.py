"""Samling uses Django's public API only: no module imports an underscore name from Django or
reaches for one through a Django module or class, and none replaces a Django class's method.
Code built on Django's internals breaks silently at the next minor release."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

# Underscore names Django documents as public: a model's Meta API.
PUBLIC_UNDERSCORE = {"_meta"}
SKIPPED = {".venv", "tests", "node_modules", ".git", "static", "staticfiles"}


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PUBLIC_UNDERSCORE


def django_names(tree: ast.AST) -> dict[str, str]:
    """The names a module binds to Django's modules, classes and functions by importing them,
    each with the dotted path it stands for."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "django":
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        names["django"] = "django"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def root(node: ast.AST) -> str | None:
    """The name an attribute chain starts from (`django` in `django.db.models._x`)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def resolve(node: ast.AST, from_django: dict[str, str]) -> object:
    """The Django object an attribute chain such as `compiler.SQLCompiler` names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    found = pkgutil.resolve_name(from_django[node.id])
    for part in parts:
        found = getattr(found, part)
    return found


def patches(target: ast.AST, from_django: dict[str, str]) -> bool:
    """Whether assigning to `target` replaces something on a Django module or class (setting
    a documented attribute of an instance, such as `admin.site.site_header`, is configuring)."""
    if not isinstance(target, ast.Attribute) or root(target) not in from_django:
        return False
    owner = resolve(target.value, from_django)
    return isinstance(owner, type | ModuleType)


def offences(source: str) -> list[str]:
    """Where this module's source uses Django's private names or patches Django, one line each."""
    tree = ast.parse(source)
    from_django = django_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "django" and any(private(part) for part in parts):
                    found.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            parts = node.module.split(".") + [alias.name for alias in node.names]
            if any(private(part) for part in parts):
                names = ", ".join(alias.name for alias in node.names)
                found.append(f"line {node.lineno}: imports {names} from {node.module}")
        elif isinstance(node, ast.Attribute) and private(node.attr):
            if root(node) in from_django:
                found.append(f"line {node.lineno}: reads {ast.unparse(node)}")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if patches(target, from_django):
                    found.append(f"line {node.lineno}: replaces {ast.unparse(target)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and node.args
            and root(node.args[0]) in from_django
            and isinstance(resolve(node.args[0], from_django), type | ModuleType)
        ):
            found.append(
                f"line {node.lineno}: replaces an attribute of {ast.unparse(node.args[0])}"
            )
    return found


def project_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in base.rglob("*.py")
        if not SKIPPED & set(path.relative_to(base).parts[:-1]) and "migrations" not in path.parts
    )


def test_the_project_has_modules_to_scan():
    names = {str(path.relative_to(settings.BASE_DIR)) for path in project_modules()}
    assert {"manage.py", "config/settings.py", "exercises/runs.py"} <= names
    assert not any(name.startswith(("tests/", ".venv/")) for name in names)


def test_no_module_uses_private_django_names_or_patches_django():
    found = {
        str(path.relative_to(settings.BASE_DIR)): problems
        for path in project_modules()
        if (problems := offences(path.read_text()))
    }
    assert not found, f"Django's internals used: {found}"


@pytest.mark.parametrize(
    "source",
    [
        "from django.db.models.sql import _private",
        "from django.core.handlers._internal import thing",
        "import django.utils._os",
        "import django\ndjango.db.models._state",
        "from django.db import models\nmodels.base._thing",
        "from django.db.models import Model\nModel._do_update(None)",
        "from django.core.handlers.asgi import ASGIHandler\nASGIHandler.handle = lambda self: 0",
        "from django.db.models.sql import compiler\ncompiler.SQLCompiler.as_sql = None",
        "from django.db.models import QuerySet\nsetattr(QuerySet, 'get', None)",
        "import django.db.models as m\nm.Model.save = None",
        "from django.db.models.sql import compiler\ncompiler.cursor_iter = None",
    ],
)
def test_the_scan_finds_private_names_and_patches(source):
    assert offences(source)


@pytest.mark.parametrize(
    "source",
    [
        "from django.utils.translation import gettext_lazy as _",
        "from django.db import models\nclass A(models.Model):\n    pass\nA._meta.get_field('x')",
        "from django.conf import settings\nsettings.DEBUG",
        "from django import forms\nclass F(forms.Form):\n    def _private(self):\n        pass",
        "from django.db import connection\nx = connection.cursor()",
        "class Mine:\n    pass\nMine.thing = 1",
        "from django.contrib import admin\nadmin.site.site_header = 'Samling'",
    ],
)
def test_the_scan_lets_public_use_pass(source):
    assert not offences(source)
