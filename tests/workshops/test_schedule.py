"""The duties on a schedule: Celery beat queues real tasks, daily between the days, and every
minute the check for PDF jobs whose worker died (platforms/jobs.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from celery.beat import Scheduler
from celery.schedules import crontab
from django.conf import settings

from config.celery import app

DAILY = {
    "purge-expired-content": "personal.tasks.purge_expired_content",
    "remind-upcoming-days": "workshops.tasks.remind_upcoming_days",
}
EVERY_MINUTE = {"recover-lost-renders": "platforms.tasks.recover_lost_renders"}
SCHEDULED = {**DAILY, **EVERY_MINUTE}


@pytest.fixture
def tasks(db):
    # What a worker (and beat) does at start: find the apps' tasks (and check the models).
    app.loader.import_default_modules()
    return app.tasks


def test_the_schedule_names_registered_tasks(tasks):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {name: entry["task"] for name, entry in schedule.items()} == SCHEDULED
    for name, entry in schedule.items():
        assert entry["task"] in tasks
        if name in DAILY:
            assert isinstance(entry["schedule"], crontab)
        else:
            assert entry["schedule"] == 60.0
    # Celery reads it from the Django settings, with the agenda's time zone.
    assert app.conf.beat_schedule == schedule
    assert app.conf.timezone == settings.TIME_ZONE == "Europe/Oslo"


def test_beat_builds_its_schedule_and_each_runs_daily(tasks):
    scheduler = Scheduler(app=app, lazy=True)
    scheduler.setup_schedule()
    for name in DAILY:
        entry = scheduler.schedule[name]
        # Run now, it is due again within a day: daily, whatever the time of day.
        remaining = entry.schedule.remaining_estimate(entry.schedule.now())
        assert dt.timedelta(0) < remaining <= dt.timedelta(days=1)


def test_the_scheduled_tasks_run_with_their_arguments(tasks, workshop):
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        result = tasks[entry["task"]].apply(
            args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
        )
        assert result.successful(), result.traceback
        # Nothing expired, no day two days away, no PDF job lost.
        assert result.get() == ([] if entry["task"] in DAILY.values() else 0)


def test_docker_compose_runs_one_beat():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    beat = compose.split("\n  beat:\n", 1)[1].split("\n\n", 1)[0]
    assert "celery -A config beat" in beat
