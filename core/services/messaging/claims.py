"""Claiming a notification: at most one claim per (kind, channel, booking, customer, lead, occurrence).

How a message goes out exactly once:
1. It is *claimed* (here): a Notification row is inserted. Its unique constraint (kind,
   channel, booking, customer, lead, occurrence) refuses a second claim, whoever makes it, so
   a sweep run twice, or on two workers at once, claims each reminder once.
2. After the claiming transaction commits, a task *delivers* it (`delivery.py`).
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction

from core.models import Booking, Customer, Notification
from core.notifications import dispatch
from core.services.messaging.recipients import booking_sms_phone
from kernel.errors import ServiceError
from ops.models import Chef

logger = logging.getLogger(__name__)


def notification_claim(
    *,
    kind: str,
    channel: str,
    booking: Booking | None = None,
    customer: Customer | None = None,
    lead_id: UUID | None = None,
    occurrence: str = "",
    recipient: str = "",
    context: dict[str, Any] | None = None,
) -> Notification | None:
    """Claim one notification and deliver it after commit; None when it was claimed before.

    Call it inside the transaction that decided to send it (it uses a savepoint, so that a
    duplicate claim does not abort the caller's transaction).
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                kind=kind,
                channel=channel,
                booking=booking,
                customer=customer,
                lead_id=lead_id,
                occurrence=occurrence,
                recipient=recipient,
                context=context or {},
            )
    except IntegrityError as exc:
        if _constraint_name(exc) != "uq_notification_once":
            raise
        return None
    if kind in dispatch.BULK_KINDS:
        dispatch.bulk_delivery_on_commit(notification.pk)
    else:
        dispatch.delivery_on_commit(notification.pk)
    return notification


def notifications_claim_for_booking(
    *, booking: Booking, kind: str, occurrence: str = "", context: dict[str, Any] | None = None
) -> list[Notification]:
    """Claim a booking's notification of `kind` on each channel it goes by; [] when already claimed.

    Staff kinds: one email to the station's staff. Customer kinds: an email, and an SMS when
    the kind goes by SMS and the customer consented to texts (checked again on delivery).
    """
    if kind in dispatch.CHEF_KINDS:
        return _claim_for_chef(booking=booking, kind=kind, occurrence=occurrence, context=context or {})
    if kind in dispatch.STAFF_KINDS:
        claimed = notification_claim(
            kind=kind,
            channel=Notification.Channel.EMAIL,
            booking=booking,
            occurrence=occurrence,
            context=context,
        )
        return [claimed] if claimed else []
    customer = booking.customer
    channels = [(Notification.Channel.EMAIL, customer.email)]
    if kind in dispatch.CUSTOMER_SMS_KINDS and (phone := booking_sms_phone(booking)):
        channels.append((Notification.Channel.SMS, phone))
    return _claim_on(
        channels, kind=kind, booking=booking, customer=customer, occurrence=occurrence, context=context
    )


def _claim_for_chef(
    *, booking: Booking, kind: str, occurrence: str, context: dict[str, Any]
) -> list[Notification]:
    """The chef named in the context: email, and SMS when they consented; [] without a chef."""
    chef = Chef.objects.filter(pk=context.get("chef_id")).first() if context.get("chef_id") else None
    if chef is None:
        return []
    # Per chef: the same booking's news may go to two chefs (one taken off, one given it).
    occurrence = f"chef:{chef.pk.hex}" + (f":{occurrence}" if occurrence else "")
    context = {**context, "chef_id": str(chef.pk), "chef_name": chef.name}
    channels = [(Notification.Channel.EMAIL, chef.email)] if chef.email else []
    if chef.sms_consent and chef.phone:
        channels.append((Notification.Channel.SMS, chef.phone))
    return _claim_on(channels, kind=kind, booking=booking, occurrence=occurrence, context=context)


def _claim_on(channels: list[tuple[str, str]], **notification: Any) -> list[Notification]:
    """Claim the notification on each (channel, recipient); the ones claimed now (not before)."""
    claims = [
        notification_claim(channel=channel, recipient=recipient, **notification)
        for channel, recipient in channels
    ]
    return [claimed for claimed in claims if claimed is not None]


@transaction.atomic
def booking_event_notifications_create(
    *, booking_id: UUID, event: str, occurrence: str = "", context: dict[str, Any] | None = None
) -> list[Notification]:
    """Claim the notifications of something that happened to a booking (dispatch.BOOKING_EVENT_KINDS)."""
    kinds = dispatch.BOOKING_EVENT_KINDS.get(event)
    if kinds is None:
        raise ServiceError(f"Unknown booking event {event!r}.", field="event")
    booking = Booking.objects.select_related("customer").filter(pk=booking_id).first()
    if booking is None:
        logger.warning("Booking %s is gone; its %s notifications are not sent.", booking_id, event)
        return []
    claimed: list[Notification] = []
    for kind in kinds:
        claimed += notifications_claim_for_booking(
            booking=booking, kind=kind, occurrence=occurrence, context=context
        )
    return claimed


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""
