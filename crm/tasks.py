"""Celery tasks of crm: thin wrappers around the sending service (beat runs the due check every minute)."""

from __future__ import annotations

from uuid import UUID

from celery import shared_task
from django.db import InterfaceError, OperationalError

from crm.services import sending

SWEEP_RETRIES = {
    "autoretry_for": (OperationalError, InterfaceError),
    "max_retries": 3,
    "retry_backoff": True,
    "retry_jitter": True,
}


@shared_task(name="crm.campaigns_send_due", **SWEEP_RETRIES)
def campaigns_send_due() -> int:
    """Start (or continue) every due campaign, each in its own task."""
    due = sending.campaigns_due()
    for campaign_id in due:
        campaign_send.delay(str(campaign_id))
    return len(due)


@shared_task(name="crm.campaign_send", **SWEEP_RETRIES)
def campaign_send(campaign_id: str) -> int:
    return sending.campaign_send(campaign_id=UUID(campaign_id)).claimed
