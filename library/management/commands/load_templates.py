"""Load the built-in templates (library/builtin/*.toml). Safe to run again and again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from library import builtin


class Command(BaseCommand):
    help = "Load the built-in day and programme templates (idempotent)."

    def handle(self, *args, **options) -> None:
        created, updated = builtin.load()
        self.stdout.write(
            self.style.SUCCESS(f"Built-in templates: {created} created, {updated} updated.")
        )
