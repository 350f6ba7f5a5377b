"""Delivering a claimed notification at most once, and the sweep that retries the pending ones.

After the claiming transaction commits (`claims.py`), a task delivers the notification: it
locks the row (SKIP LOCKED: a second deliverer walks away), sends it only while it is pending,
stores the customer message in the thread, and marks it sent, in one transaction.
The one gap left is a crash between the provider accepting a message and our commit; the row
then stays pending and is sent again by the pending sweep. Nothing is sent twice otherwise.
"""

from __future__ import annotations

import datetime
import logging
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.models import Booking, Customer, Message, Notification
from core.notifications import content, dispatch
from core.notifications.sms import SmsDeliveryError
from core.services.messaging import sending
from core.services.messaging.provided import deliver_provided
from core.services.messaging.recipients import customer_of
from core.services.messaging.skips import skip_reason
from core.services.messaging.threads import thread_for_customer

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The pending sweep leaves a fresh notification to the task enqueued for it, and gives up on
# one that could not be delivered for this long (a two-day-old reminder helps nobody).
PENDING_GRACE = datetime.timedelta(minutes=2)
PENDING_EXPIRY = datetime.timedelta(days=2)
# A campaign's deliveries wait their turn behind the rate limit: a long queue is not a lost one.
BULK_PENDING_GRACE = datetime.timedelta(hours=1)
BATCH_SIZE = 500


class DeliveryDeferred(Exception):
    """The provider failed; the notification is still pending and a retry may succeed."""


def notification_deliver(*, notification_id: UUID) -> str | None:
    """Send one pending notification, at most once; its new status, None when there was nothing to do.

    Skipped, not sent, when it no longer applies (a deposit reminder for a paid booking) or
    when an SMS lacks consent. A provider failure leaves it pending and raises DeliveryDeferred
    until MAX_ATTEMPTS, then marks it failed.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return None  # sent, skipped or failed already, or another worker is sending it now
        provider = content.content_provider_for(notification.kind)
        if provider is not None:
            status, deferred = deliver_provided(
                notification, provider, send=sending.send_composed, max_attempts=MAX_ATTEMPTS
            )
        else:
            status, deferred = _deliver_own(notification)
    if deferred is not None:
        raise DeliveryDeferred(str(deferred)) from deferred
    return status


def _deliver_own(notification: Notification) -> tuple[str, Exception | None]:
    """Deliver one of core's own notifications (the row locked by the caller's transaction)."""
    deferred: Exception | None = None
    # Read without a lock: FOR UPDATE on a join would lock the booking and the customer too.
    booking = (
        Booking.objects.select_related("customer", "station", "chef").get(pk=notification.booking_id)
        if notification.booking_id
        else None
    )
    if booking is not None:
        notification.booking = booking
    customer = customer_of(notification, booking)

    reason = skip_reason(notification, booking, customer)
    if reason:
        return _skip(notification, reason), None

    outgoing = sending.compose(notification, booking, customer)
    if not outgoing.to:
        return _skip(notification, "nobody to send it to"), None
    message = _message_store(notification, customer, booking, outgoing) if customer is not None else None

    notification.attempts += 1
    notification.recipient = ", ".join(outgoing.to)
    try:
        provider_id = sending.send(outgoing)
    except Exception as exc:  # whatever the email backend or SMS gateway raises
        retryable = not (isinstance(exc, SmsDeliveryError) and not exc.retryable)
        notification.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        if retryable and notification.attempts < MAX_ATTEMPTS:
            deferred = exc
        else:
            notification.status = Notification.Status.FAILED
            if message is not None:
                message.status = Message.Status.FAILED
                message.save(update_fields=["status", "updated_at"])
        logger.warning("Notification %s (%s) not delivered: %s", notification.pk, notification.kind, exc)
    else:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        if message is not None:
            message.status = Message.Status.SENT
            message.provider_id = provider_id[:128]
            message.save(update_fields=["status", "provider_id", "updated_at"])
    notification.save(
        update_fields=[
            "status",
            "attempts",
            "recipient",
            "last_error",
            "sent_at",
            "message",
            "updated_at",
        ]
    )
    return notification.status, deferred


def _skip(notification: Notification, reason: str) -> str:
    notification.status = Notification.Status.SKIPPED
    notification.last_error = reason
    notification.save(update_fields=["status", "last_error", "updated_at"])
    return notification.status


def notifications_deliver_pending(*, now=None) -> int:
    """Hand pending notifications to the worker again (a lost enqueue, a retry budget used up).

    Gives up (failed) on those pending for longer than PENDING_EXPIRY. The number enqueued.
    """
    now = now or timezone.now()
    expired = Notification.objects.filter(
        status=Notification.Status.PENDING, created_at__lte=now - PENDING_EXPIRY
    ).update(status=Notification.Status.FAILED, last_error="expired: not delivered in time", updated_at=now)
    if expired:
        logger.warning("%s notifications expired undelivered.", expired)
    pending = list(
        Notification.objects.filter(
            Q(created_at__lte=now - PENDING_GRACE) & ~Q(kind__in=dispatch.BULK_KINDS)
            | Q(created_at__lte=now - BULK_PENDING_GRACE, kind__in=dispatch.BULK_KINDS),
            status=Notification.Status.PENDING,
            created_at__gt=now - PENDING_EXPIRY,
        )
        .order_by("created_at")
        .values_list("pk", "kind")[:BATCH_SIZE]
    )
    for notification_id, kind in pending:
        if kind in dispatch.BULK_KINDS:
            dispatch.bulk_delivery_enqueue(notification_id)
        else:
            dispatch.delivery_enqueue(notification_id)
    return len(pending)


def _message_store(
    notification: Notification, customer: Customer, booking: Booking | None, outgoing: sending.Outgoing
) -> Message:
    """The customer's copy of the message, in their thread: queued now, sent or failed after sending."""
    if notification.message_id is not None:
        message = Message.objects.get(pk=notification.message_id)
        message.subject, message.body = outgoing.subject[:200], outgoing.text
        message.save(update_fields=["subject", "body", "updated_at"])
        return message
    thread = thread_for_customer(customer=customer, channel=outgoing.channel, booking=booking)
    message = Message.objects.create(
        thread=thread,
        channel=outgoing.channel,
        direction=Message.Direction.OUTBOUND,
        subject=outgoing.subject[:200],
        body=outgoing.text,
        status=Message.Status.QUEUED,
        template=notification.kind,
    )
    notification.message = message
    return message
