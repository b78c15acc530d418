"""The app as served in production, with the benchmark's baseline view added to its URLs."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "tests.bench.bench_urls"

from config.asgi import application  # noqa: E402, F401
