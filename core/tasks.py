"""Celery tasks of core: thin wrappers, ids in, one service call each.

The sweeps are scheduled by beat (myhibachi/celery.py). A sweep that hits a database hiccup is
retried a few times; a delivery whose provider failed is retried with backoff, and the pending
sweep picks up whatever is left.
"""

from __future__ import annotations

from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from core.services import messaging, payments, reminders
from core.services.bookings import followup
from core.services.manage_links import customer_manage_links_send

DATABASE_ERRORS = (OperationalError, InterfaceError)
SWEEP_RETRIES = {
    "autoretry_for": DATABASE_ERRORS,
    "max_retries": 3,
    "retry_backoff": True,
    "retry_jitter": True,
}


@shared_task(name="core.deposit_reminders_send", **SWEEP_RETRIES)
def deposit_reminders_send() -> int:
    return reminders.booking_deposit_reminders_send()


@shared_task(name="core.unpaid_bookings_cancel", **SWEEP_RETRIES)
def unpaid_bookings_cancel() -> int:
    return reminders.booking_unpaid_cancel()


@shared_task(name="core.event_reminders_send", **SWEEP_RETRIES)
def event_reminders_send() -> int:
    return reminders.booking_event_reminders_send()


@shared_task(name="core.unassigned_chef_alerts_send", **SWEEP_RETRIES)
def unassigned_chef_alerts_send() -> int:
    return reminders.booking_unassigned_chef_alerts_send()


@shared_task(name="core.review_requests_send", **SWEEP_RETRIES)
def review_requests_send() -> int:
    return reminders.booking_review_requests_send()


@shared_task(name="core.notifications_deliver_pending", **SWEEP_RETRIES)
def notifications_deliver_pending() -> int:
    return messaging.notifications_deliver_pending()


@shared_task(name="core.booking_event_notify", **SWEEP_RETRIES)
def booking_event_notify(
    booking_id: str, event: str, occurrence: str = "", context: dict | None = None
) -> int:
    return len(
        messaging.booking_event_notifications_create(
            booking_id=UUID(booking_id), event=event, occurrence=occurrence, context=context
        )
    )


@shared_task(
    name="core.booking_created_followup",
    # Any failure of a receiver rolled all of them back: try again, a few times, spaced out;
    # the sweep below sends the hook again for whatever is still left.
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
)
def booking_created_followup(booking_id: str, events: list | None = None) -> bool:
    """A committed booking's notifications are claimed and the layers above act on it (core.hooks)."""
    return followup.booking_created_followup(booking_id=UUID(booking_id), events=events or [])


@shared_task(name="core.booking_created_followups_sweep", **SWEEP_RETRIES)
def booking_created_followups_sweep() -> int:
    """The follow-up again for the last hours' bookings (a lost enqueue); receivers are idempotent."""
    return followup.booking_created_followups_sweep()


@shared_task(name="core.payment_refund_after_cancellation", **SWEEP_RETRIES)
def payment_refund_after_cancellation(payment_id: str) -> int:
    """A card payment received after its booking was cancelled goes back in full (never raises)."""
    from core.models import Payment

    payment = Payment.objects.filter(pk=UUID(payment_id)).first()
    return len(payments.payment_refund_after_cancellation(payment=payment)) if payment else 0


@shared_task(
    name="core.notification_deliver",
    autoretry_for=(messaging.DeliveryDeferred, *DATABASE_ERRORS),
    max_retries=messaging.MAX_ATTEMPTS - 1,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
)
def notification_deliver(notification_id: str) -> str | None:
    return messaging.notification_deliver(notification_id=UUID(notification_id))


@shared_task(
    name="core.notification_deliver_bulk",
    autoretry_for=(messaging.DeliveryDeferred, *DATABASE_ERRORS),
    max_retries=messaging.MAX_ATTEMPTS - 1,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    # Per worker process: campaigns reach the providers at a pace they accept.
    rate_limit=settings.MARKETING_DELIVERY_RATE_LIMIT,
)
def notification_deliver_bulk(notification_id: str) -> str | None:
    return messaging.notification_deliver(notification_id=UUID(notification_id))


@shared_task(name="core.manage_links_send", **SWEEP_RETRIES)
def manage_links_send(email: str) -> int:
    """The lost-link email; enqueued for every request, so the answer takes as long for anyone."""
    return customer_manage_links_send(email=email)
