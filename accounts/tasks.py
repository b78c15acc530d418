"""Celery tasks of accounts: thin wrappers that take ids and send a mail.

Each is safe to run twice (a second run sends the same link again, which still works) and
sends nothing for a sign-up verified or an invitation accepted meanwhile.
"""

from __future__ import annotations

from celery import shared_task

from accounts import mail


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_verification(signup_id: int, language: str | None = None) -> bool:
    return mail.send_verification(signup_id, language)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(invitation_id: int, language: str | None = None) -> bool:
    return mail.send_invitation(invitation_id, language)
