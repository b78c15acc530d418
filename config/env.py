"""Strict readers for settings that come from the environment.

A typo in an environment variable should stop the process at start with a message that names
the variable, not surface later as odd behaviour (a "Flase" that silently means True).
"""

from __future__ import annotations

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


SUPPORTED_DATABASE_ENGINES = {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}


def env_database(name: str, default: str) -> dict:
    raw = os.environ.get(name, "").strip() or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=0)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} could not be parsed ({exc}).") from None
    if config.get("ENGINE") not in SUPPORTED_DATABASE_ENGINES:
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// or sqlite:// URL, got engine {config.get('ENGINE')!r}."
        )
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database (postgres://host:port/NAME).")
    return config


def env_redis_url(name: str) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"{name}={raw!r} must start with redis://, rediss:// or unix://."
        )
    return raw
