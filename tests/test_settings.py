"""Settings come from the environment and refuse values that don't parse."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, env_redis_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("True", True), ("1", True), ("yes", True), ("off", False), ("0", False)],
)
def test_env_bool_accepts_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


def test_env_bool_default_when_unset_or_blank(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", " ")
    assert env_bool("FLAG", False) is False


@pytest.mark.parametrize("raw", ["Flase", "ja", "2", "truee"])
def test_env_bool_refuses_anything_else_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG_FLAG"):
        env_bool("DEBUG_FLAG", False)


def test_env_int(monkeypatch):
    monkeypatch.setenv("N", "42")
    assert env_int("N", 1) == 42
    monkeypatch.setenv("N", "forty")
    with pytest.raises(ImproperlyConfigured, match="N="):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("N", 1, minimum=0)


def test_env_list(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_database_url_postgres(monkeypatch):
    monkeypatch.setenv("DB", "postgres://user:secret@db.example:5433/samling")
    config = env_database("DB", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "samling")


def test_database_url_default_is_sqlite(monkeypatch):
    monkeypatch.delenv("DB", raising=False)
    assert env_database("DB", "sqlite:////tmp/x.sqlite3")["ENGINE"].endswith("sqlite3")


@pytest.mark.parametrize(
    "raw", ["nonsense", "mysql://u@h/db", "postgres://host:notaport/db", "postgres://host:5432"]
)
def test_database_url_that_does_not_parse_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DATABASE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "sqlite:///x")


def test_redis_url_must_be_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "http://localhost:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env_redis_url("REDIS_URL")


# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process; it must not leak
# into a check of what production would see.
LEAKY = ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_settings(
    env: dict, code: str = "import django; django.setup()"
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in LEAKY}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_a_bad_boolean_stops_the_app_at_start():
    result = run_settings({"DEBUG": "Flase"})
    assert result.returncode != 0
    assert "DEBUG='Flase' is not a boolean" in result.stderr


def test_production_needs_a_secret_key():
    result = run_settings({"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **{k: v for k, v in os.environ.items() if k not in LEAKY},
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "-production-test-key-with-enough-entropy-0123456789abcdef",
            "ALLOWED_HOSTS": "samling.example.org",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_celery_workers_are_capped_in_time_and_memory():
    from config.celery import app

    # The poster task's own limits (platforms/tasks.py) cap time; this caps a child's memory.
    assert app.conf.worker_max_memory_per_child == 512_000
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from config.celery import app; "
            "print(app.conf.worker_max_memory_per_child)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k not in LEAKY},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CELERY_WORKER_MAX_MEMORY_PER_CHILD": "300000",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.stdout.strip() == "300000", result.stderr


@pytest.mark.parametrize(
    ("raw", "binding", "threshold"), [("", True, 2), ("true", True, 2), ("false", False, None)]
)
def test_postgresql_prepares_repeated_statements_unless_told_not_to(raw, binding, threshold):
    # Read without connecting: no PostgreSQL is needed to see what the settings ask of it.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "o = settings.DATABASES['default']['OPTIONS']; "
            "print(o['server_side_binding'], o['prepare_threshold'])",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k not in LEAKY},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "DATABASE_PREPARED_STATEMENTS": raw,
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.stdout.split() == [str(binding), str(threshold)], result.stderr
