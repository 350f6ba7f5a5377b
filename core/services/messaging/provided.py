"""Notifications sent in bulk and worded by a layer above core (a campaign's messages).

    notifications_claim_bulk   many claims in one statement, for a caller that holds its own
                               exactly-once record of each (crm's campaign deliveries)
    deliver_provided           the delivery of a notification whose words come from a
                               registered content provider (core/notifications/content.py)

claims.py and delivery.py claim and deliver core's own notifications; delivery calls
deliver_provided for these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from core.models import Notification
from core.notifications import content, dispatch
from core.notifications.sms import SmsDeliveryError
from kernel.errors import ServiceError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BulkClaim:
    """One notification of a bulk claim: its id (chosen by the caller), customer and recipient."""

    notification_id: UUID
    customer_id: UUID
    recipient: str
    context: dict[str, Any]


def notifications_claim_bulk(*, kind: str, channel: str, occurrence: str, claims: list[BulkClaim]) -> int:
    """Insert many notifications of one kind and occurrence at once, delivered after commit.

    For callers that hold their own exactly-once record of each (a campaign's deliveries,
    unique per campaign and customer) and claimed it first in this transaction: the rows
    are inserted in one statement, and a duplicate is an IntegrityError that undoes the
    caller's batch. The ids are the caller's, so that its record can point at them.
    """
    if kind not in dispatch.BULK_KINDS:
        raise ServiceError(f"{kind!r} is not sent in bulk.", field="kind")
    Notification.objects.bulk_create(
        [
            Notification(
                pk=claim.notification_id,
                kind=kind,
                channel=channel,
                customer_id=claim.customer_id,
                occurrence=occurrence,
                recipient=claim.recipient,
                context=claim.context,
            )
            for claim in claims
        ]
    )
    ids = [claim.notification_id for claim in claims]

    def enqueue() -> None:
        for notification_id in ids:
            dispatch.bulk_delivery_enqueue(notification_id)

    transaction.on_commit(enqueue, robust=True)
    return len(ids)


def deliver_provided(
    notification: Notification,
    provider: content.ContentProvider,
    *,
    send: Callable[[str, content.ComposedMessage], str],
    max_attempts: int,
) -> tuple[str, Exception | None]:
    """Deliver a notification whose words an upper layer composes (a campaign's message).

    Inside the caller's transaction, the row locked. Not kept in the customer's thread: the
    upper layer keeps its own record (a campaign delivery) through `delivered`. A retryable
    provider failure leaves it pending (returned, for the caller to raise DeliveryDeferred
    after commit) until `max_attempts`. `send(channel, composed)` is
    the provider call (`sending.send_composed`).
    """
    composed = provider.compose(notification)
    if composed.skip_reason or not composed.to:
        notification.status = Notification.Status.SKIPPED
        notification.last_error = composed.skip_reason or "nobody to send it to"
        notification.save(update_fields=["status", "last_error", "updated_at"])
        provider.delivered(
            notification, content.DeliveryOutcome(status=notification.status, error=notification.last_error)
        )
        return notification.status, None
    notification.attempts += 1
    notification.recipient = ", ".join(composed.to)
    provider_id = ""
    try:
        provider_id = send(notification.channel, composed)
    except Exception as exc:  # whatever the email backend or SMS gateway raises
        notification.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        logger.warning("Notification %s (%s) not delivered: %s", notification.pk, notification.kind, exc)
        retryable = not (isinstance(exc, SmsDeliveryError) and not exc.retryable)
        if retryable and notification.attempts < max_attempts:
            notification.save(update_fields=["attempts", "recipient", "last_error", "updated_at"])
            return notification.status, exc
        notification.status = Notification.Status.FAILED
    else:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
    notification.save(
        update_fields=["status", "attempts", "recipient", "last_error", "sent_at", "updated_at"]
    )
    provider.delivered(
        notification,
        content.DeliveryOutcome(
            status=notification.status, provider_id=provider_id, error=notification.last_error
        ),
    )
    return notification.status, None
