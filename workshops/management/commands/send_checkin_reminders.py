from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from workshops import personal


class Command(BaseCommand):
    help = (
        "Remind participants who have not checked in for the days that are --days-ahead days "
        "away (run daily; each person is reminded once per day)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days-ahead", type=int, default=2)
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args, days_ahead: int, today: dt.date | None = None, **options) -> None:
        days = personal.remind_upcoming(today, days_ahead)
        self.stdout.write(f"Queued reminders for {len(days)} day(s): {days}")
