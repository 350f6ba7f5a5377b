"""Notifications out: claimed once, delivered at most once, each customer message kept in their thread.

How a message goes out exactly once:
1. It is *claimed*: a Notification row is inserted. Its unique constraint (kind, channel,
   booking, customer, lead, occurrence) refuses a second claim, whoever makes it, so a sweep
   run twice, or on two workers at once, claims each reminder once.
2. After the claiming transaction commits, a task *delivers* it: it locks the row
   (SKIP LOCKED: a second deliverer walks away), sends it only while it is pending, stores the
   customer message in the thread, and marks it sent, in one transaction.
The one gap left is a crash between the provider accepting a message and our commit; the row
then stays pending and is sent again by the pending sweep. Nothing is sent twice otherwise.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import ACTIVE_BOOKING_STATUSES, Booking, Customer, Message, Notification, Review
from core.notifications import content, dispatch, render
from core.notifications.email import email_send
from core.notifications.sms import SmsDeliveryError, sms_gateway
from core.selectors import booking_starts_at
from core.services.messaging.provided import deliver_provided
from core.services.messaging.threads import thread_for_customer
from kernel.errors import ServiceError
from ops.models import Chef

logger = logging.getLogger(__name__)

Kind = Notification.Kind

MAX_ATTEMPTS = 5
# The pending sweep leaves a fresh notification to the task enqueued for it, and gives up on
# one that could not be delivered for this long (a two-day-old reminder helps nobody).
PENDING_GRACE = datetime.timedelta(minutes=2)
PENDING_EXPIRY = datetime.timedelta(days=2)
# A campaign's deliveries wait their turn behind the rate limit: a long queue is not a lost one.
BULK_PENDING_GRACE = datetime.timedelta(hours=1)
BATCH_SIZE = 500

DEPOSIT_REMINDER_KINDS = frozenset({Kind.DEPOSIT_REMINDER_2H, Kind.DEPOSIT_REMINDER_12H})
EVENT_REMINDER_KINDS = frozenset({Kind.EVENT_REMINDER_48H, Kind.EVENT_REMINDER_24H})


class DeliveryDeferred(Exception):
    """The provider failed; the notification is still pending and a retry may succeed."""


# --- Claiming ---------------------------------------------------------------------------------


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
    claims = [
        notification_claim(
            kind=kind,
            channel=channel,
            booking=booking,
            customer=customer,
            occurrence=occurrence,
            recipient=recipient,
            context=context,
        )
        for channel, recipient in channels
    ]
    return [claimed for claimed in claims if claimed is not None]


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
    claims = [
        notification_claim(
            kind=kind,
            channel=channel,
            booking=booking,
            occurrence=occurrence,
            recipient=recipient,
            context=context,
        )
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


def booking_sms_phone(booking: Booking) -> str:
    """Where texts about this booking go: its day-of contact's phone, with consent; '' for none.

    A booking made before day-of contacts existed (no contact phone) texts the customer's
    stored phone, with the customer's consent. A customer's stored phone never receives texts
    for a booking whose form gave another number.
    """
    customer = booking.customer
    if booking.contact_phone:
        if booking.contact_sms_consent or (customer.sms_consent and customer.phone == booking.contact_phone):
            return booking.contact_phone
        return ""
    return customer.phone if customer.sms_consent and customer.phone else ""


# --- Delivering -------------------------------------------------------------------------------


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
                notification, provider, send=_send_composed, max_attempts=MAX_ATTEMPTS
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
    customer = _customer_of(notification, booking)

    skip_reason = _skip_reason(notification, booking, customer)
    if skip_reason:
        notification.status = Notification.Status.SKIPPED
        notification.last_error = skip_reason
        notification.save(update_fields=["status", "last_error", "updated_at"])
        return notification.status, None

    outgoing = _compose(notification, booking, customer)
    if not outgoing.to:
        notification.status = Notification.Status.SKIPPED
        notification.last_error = "nobody to send it to"
        notification.save(update_fields=["status", "last_error", "updated_at"])
        return notification.status, None
    message = _message_store(notification, customer, booking, outgoing) if customer is not None else None

    notification.attempts += 1
    notification.recipient = ", ".join(outgoing.to)
    try:
        provider_id = _send(outgoing)
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


def _send_composed(channel: str, composed: content.ComposedMessage) -> str:
    """Send what an upper layer composed; the provider's id (raises what the provider raises)."""
    return _send(
        _Outgoing(
            channel=channel,
            to=list(composed.to),
            subject=composed.subject,
            text=composed.text,
            html=composed.html,
            headers=dict(composed.headers),
        )
    )


@dataclass(frozen=True)
class _Outgoing:
    channel: str
    to: list[str]
    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] | None = None


def _customer_of(notification: Notification, booking: Booking | None) -> Customer | None:
    if notification.kind in dispatch.STAFF_KINDS or notification.kind in dispatch.CHEF_KINDS:
        return None
    if booking is not None:
        return booking.customer
    if notification.customer_id is not None:
        customer = Customer.objects.get(pk=notification.customer_id)
        notification.customer = customer
        return customer
    return None


def _skip_reason(notification: Notification, booking: Booking | None, customer: Customer | None) -> str:
    """Why the notification must not go out any more; '' when it should."""
    kind, status = notification.kind, booking.status if booking else None
    if kind in DEPOSIT_REMINDER_KINDS and (status != Booking.Status.DEPOSIT_PENDING or booking.payment_hold):
        return "the deposit is no longer awaited"
    if kind in EVENT_REMINDER_KINDS and status != Booking.Status.CONFIRMED:
        return "the booking is no longer confirmed"
    if kind in EVENT_REMINDER_KINDS and booking_starts_at(booking) <= timezone.now():
        return "the event has started"
    if (
        kind in EVENT_REMINDER_KINDS
        and notification.occurrence
        and notification.occurrence != f"{booking.date.isoformat()} {booking.slot:%H:%M}"
    ):
        return "the event was moved (its new time gets its own reminder)"
    if kind == Kind.REVIEW_REQUEST and (
        status != Booking.Status.COMPLETED or Review.objects.filter(booking=booking).exists()
    ):
        return "nothing to review"
    if kind == Kind.STAFF_UNASSIGNED_CHEF and (
        booking.chef_id is not None or status not in ACTIVE_BOOKING_STATUSES
    ):
        return "the booking has a chef, or is no longer active"
    if kind in dispatch.CHEF_KINDS:
        return _chef_skip_reason(notification, booking)
    if kind not in dispatch.STAFF_KINDS and customer is None:
        return "no customer"
    if notification.channel == Notification.Channel.SMS:
        if booking is not None and kind not in dispatch.SMS_WITHOUT_CONSENT_KINDS:
            return "" if booking_sms_phone(booking) else "no SMS consent"
        if not customer.phone:
            return "no phone number"
        if kind not in dispatch.SMS_WITHOUT_CONSENT_KINDS and not customer.sms_consent:
            return "no SMS consent"
    return ""


def _notified_chef(notification: Notification) -> Chef | None:
    chef_id = (notification.context or {}).get("chef_id")
    return Chef.objects.filter(pk=chef_id).first() if chef_id else None


def _chef_skip_reason(notification: Notification, booking: Booking | None) -> str:
    chef = _notified_chef(notification)
    if chef is None or booking is None:
        return "no chef"
    if notification.channel == Notification.Channel.SMS and not (chef.sms_consent and chef.phone):
        return "no SMS consent"
    if notification.kind == Kind.CHEF_ASSIGNED and booking.chef_id != chef.pk:
        return "the party went to another chef since"
    if notification.kind == Kind.CHEF_UNASSIGNED and booking.chef_id == chef.pk:
        return "the party was given back to this chef"
    return ""


def _compose(notification: Notification, booking: Booking | None, customer: Customer | None) -> _Outgoing:
    context = render.notification_context(notification)
    if notification.kind in dispatch.CHEF_KINDS:
        chef = _notified_chef(notification)
        if notification.channel == Notification.Channel.SMS:
            body = render.render_sms(notification.kind, context)
            return _Outgoing(channel=notification.channel, to=[chef.phone], subject="", text=body)
        email = render.render_email(notification.kind, context)
        return _Outgoing(
            channel=notification.channel,
            to=[chef.email] if chef.email else [],
            subject=email.subject,
            text=email.text,
            html=email.html,
        )
    if notification.channel == Notification.Channel.SMS:
        body = render.render_sms(notification.kind, context)
        phone = booking_sms_phone(booking) if booking is not None else customer.phone
        return _Outgoing(channel=notification.channel, to=[phone], subject="", text=body)
    email = render.render_email(notification.kind, context)
    if notification.kind in dispatch.STAFF_KINDS:
        station_id = booking.station_id if booking else (notification.context or {}).get("station_id")
        to = dispatch.staff_recipients(UUID(str(station_id)) if station_id else None)
    else:
        to = [customer.email]
    return _Outgoing(
        channel=notification.channel, to=to, subject=email.subject, text=email.text, html=email.html
    )


def _send(outgoing: _Outgoing) -> str:
    if outgoing.channel == Notification.Channel.SMS:
        return sms_gateway().send(to=outgoing.to[0], body=outgoing.text).provider_id
    return email_send(
        to=outgoing.to,
        subject=outgoing.subject,
        text=outgoing.text,
        html=outgoing.html,
        headers=outgoing.headers,
    )


def _message_store(
    notification: Notification, customer: Customer, booking: Booking | None, outgoing: _Outgoing
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


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""
