"""Celery tasks of the planning app: thin wrappers that take ids and call a service.

Each is idempotent, so a retry or a second worker picking the same message changes nothing
twice. Without a broker they run eagerly in the request (the embedded default).
"""

from __future__ import annotations

from celery import shared_task

from workshops import personal
from workshops.models import Workshop


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_personal_links(email: str, language: str | None = None) -> int:
    return personal.send_links(email, language)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_checkin_reminders(workshop_id: int, language: str | None = None) -> int:
    workshop = Workshop.objects.select_related("programme").filter(pk=workshop_id).first()
    return personal.remind_missing_checkins(workshop, language) if workshop else 0


@shared_task(acks_late=True)
def remind_upcoming_days(days_ahead: int = 2) -> list[int]:
    return personal.remind_upcoming(days_ahead=days_ahead)
