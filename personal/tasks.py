"""Celery tasks of the personal app: thin wrappers that call a service (idempotent)."""

from __future__ import annotations

from celery import shared_task

from personal import services


@shared_task(acks_late=True)
def purge_expired_content() -> list[int]:
    return services.purge_expired()
