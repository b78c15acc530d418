from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from personal import services


class Command(BaseCommand):
    help = (
        "Delete participants' content of programmes whose retention period has ended "
        "(run daily, e.g. from cron or Celery beat)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args, today: dt.date | None = None, **options) -> None:
        purged = services.purge_expired(today)
        self.stdout.write(f"Purged {len(purged)} programme(s): {purged}")
