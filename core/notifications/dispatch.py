"""Who gets what, and when it is handed to the worker.

The booking services call the `notify_*` functions inside their transaction; nothing happens
until it commits (transaction.on_commit), and then a task claims the notifications
(core.services.messaging) and each one is delivered by its own task. A rolled-back booking
sends nothing.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from core.models import Booking, Notification
from identity.models import Role, User, UserRole
from kernel.queue import enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)

Kind = Notification.Kind


class BookingEvent:
    """What happened to a booking, as the booking and payment services report it."""

    RECEIVED = "booking_received"
    CONFIRMED = "booking_confirmed"
    RESCHEDULED = "booking_rescheduled"
    CANCELLED = "booking_cancelled"
    CANCELLATION_REQUESTED = "cancellation_requested"
    PAYMENT_FLAGGED = "payment_flagged"
    PARTY_GIVEN_TO_CHEF = "party_given_to_chef"
    PARTY_TAKEN_FROM_CHEF = "party_taken_from_chef"
    MANAGE_LINK_REQUESTED = "manage_link_requested"
    # The booking has no chef any more (staff must find one); the chef is told by PARTY_TAKEN_FROM_CHEF.
    CHEF_UNASSIGNED = "chef_unassigned"


# The notifications each event sends.
BOOKING_EVENT_KINDS: dict[str, tuple[str, ...]] = {
    BookingEvent.RECEIVED: (Kind.BOOKING_RECEIVED, Kind.STAFF_NEW_BOOKING),
    BookingEvent.CONFIRMED: (Kind.BOOKING_CONFIRMED,),
    BookingEvent.RESCHEDULED: (Kind.BOOKING_RESCHEDULED, Kind.CHEF_RESCHEDULED),
    BookingEvent.CANCELLED: (Kind.BOOKING_CANCELLED, Kind.CHEF_CANCELLED),
    BookingEvent.CANCELLATION_REQUESTED: (Kind.STAFF_CANCELLATION_REQUEST,),
    BookingEvent.PAYMENT_FLAGGED: (Kind.STAFF_PAYMENT_FLAGGED,),
    BookingEvent.PARTY_GIVEN_TO_CHEF: (Kind.CHEF_ASSIGNED,),
    BookingEvent.PARTY_TAKEN_FROM_CHEF: (Kind.CHEF_UNASSIGNED,),
    BookingEvent.MANAGE_LINK_REQUESTED: (Kind.MANAGE_LINK,),
    BookingEvent.CHEF_UNASSIGNED: (Kind.STAFF_UNASSIGNED_CHEF,),
}
# Events that can happen more than once to a booking: each occurrence notifies once. The
# others (received, confirmed, cancelled) happen once in a booking's life, so a second report
# of them (a retried task, an idempotent service called twice) sends nothing more.
REPEATABLE_EVENTS = frozenset(
    {
        BookingEvent.RESCHEDULED,
        BookingEvent.CANCELLATION_REQUESTED,
        BookingEvent.PAYMENT_FLAGGED,
        BookingEvent.PARTY_GIVEN_TO_CHEF,
        BookingEvent.PARTY_TAKEN_FROM_CHEF,
        BookingEvent.CHEF_UNASSIGNED,
    }
)

# The chef's news about their party: to the chef named in the notification's context (the
# chef at the time of the event), by email, and by SMS when the chef consented. Never money,
# never the customer's address or phone (the run sheet shows those from CHEF_DETAILS_DAYS_BEFORE
# days before).
CHEF_KINDS = frozenset({Kind.CHEF_ASSIGNED, Kind.CHEF_UNASSIGNED, Kind.CHEF_RESCHEDULED, Kind.CHEF_CANCELLED})

STAFF_KINDS = frozenset(
    {
        Kind.STAFF_NEW_BOOKING,
        Kind.STAFF_CANCELLATION_REQUEST,
        Kind.STAFF_UNASSIGNED_CHEF,
        Kind.STAFF_PAYMENT_FLAGGED,
        Kind.STAFF_LEAD_NOT_CONTACTED,
        Kind.STAFF_QUOTE_NOT_BOOKED,
        Kind.STAFF_ASSISTANT_ESCALATION,
        Kind.STAFF_MESSAGE_WAITING,
    }
)
# Customer notifications that also go by SMS, to customers who consented to texts. The review
# request asks for something rather than informs, so it goes by email only.
CUSTOMER_SMS_KINDS = frozenset(
    {
        Kind.BOOKING_RECEIVED,
        Kind.DEPOSIT_REMINDER_2H,
        Kind.DEPOSIT_REMINDER_12H,
        Kind.BOOKING_CONFIRMED,
        Kind.BOOKING_RESCHEDULED,
        Kind.BOOKING_CANCELLED,
        Kind.EVENT_REMINDER_48H,
        Kind.EVENT_REMINDER_24H,
    }
)
# Marketing: sent in bulk by campaigns, through the rate-limited delivery task
# (settings.MARKETING_DELIVERY_RATE_LIMIT), so that a campaign never crowds out a booking email.
BULK_KINDS = frozenset({Kind.MARKETING_EMAIL, Kind.MARKETING_SMS})
# Answers to the customer's own text: by SMS only.
SMS_REPLY_KINDS = frozenset({Kind.SMS_OPT_OUT, Kind.SMS_OPT_IN, Kind.SMS_HELP, Kind.ASSISTANT_REPLY})
# The only texts sent without SMS consent: the confirmation of an opt-out, and the answer to
# HELP (what the carriers' rules require of every program).
SMS_WITHOUT_CONSENT_KINDS = frozenset({Kind.SMS_OPT_OUT, Kind.SMS_HELP})


# --- The booking services' hooks --------------------------------------------------------------


def notify_booking_confirmed(booking: Booking) -> None:
    _on_commit(booking, BookingEvent.CONFIRMED)


def notify_booking_rescheduled(booking: Booking, *, previous_chef_id: UUID | None = None) -> None:
    """After commit: the customer's reschedule email; the chef's news (moved, or taken off and given)."""
    same_chef = previous_chef_id is None or previous_chef_id == booking.chef_id
    _on_commit(
        booking, BookingEvent.RESCHEDULED, context=_chef_context(booking.chef_id if same_chef else None)
    )
    if not same_chef:
        notify_chef_changed(booking, previous_chef_id=previous_chef_id)


def notify_booking_cancelled(booking: Booking) -> None:
    """After commit: the cancellation email, with the refund the booking records; the chef's news."""
    _on_commit(booking, BookingEvent.CANCELLED, context=_chef_context(booking.chef_id))


def notify_chef_changed(booking: Booking, *, previous_chef_id: UUID | None) -> None:
    """After commit: the previous chef is told the party is off their list, the new one that it is on."""
    if previous_chef_id == booking.chef_id:
        return
    if previous_chef_id is not None:
        _on_commit(booking, BookingEvent.PARTY_TAKEN_FROM_CHEF, context=_chef_context(previous_chef_id))
    if booking.chef_id is not None:
        _on_commit(booking, BookingEvent.PARTY_GIVEN_TO_CHEF, context=_chef_context(booking.chef_id))


def _chef_context(chef_id: UUID | None) -> dict[str, Any] | None:
    return {"chef_id": str(chef_id)} if chef_id is not None else None


def notify_cancellation_requested(booking: Booking) -> None:
    """After commit: the staff alert that a customer asked to cancel inside the no-refund window."""
    _on_commit(booking, BookingEvent.CANCELLATION_REQUESTED)


def notify_payment_flagged(booking: Booking, *, reason: str) -> None:
    """After commit: the staff alert that a payment of the booking needs a look."""
    _on_commit(booking, BookingEvent.PAYMENT_FLAGGED, context={"reason": reason[:500]})


def notify_chef_unassigned(booking: Booking, *, reason: str) -> None:
    """After commit: the staff alert that the booking has no chef any more (the sweep repeats it daily)."""
    _on_commit(booking, BookingEvent.CHEF_UNASSIGNED, context={"reason": reason[:500]})


# A booking's manage link is sent again at most once per this many minutes, however often
# the booking form is resubmitted: the customer gets their link, nobody gets a mail bomb.
MANAGE_LINK_RESEND_MINUTES = 15


def notify_manage_link_requested(booking: Booking) -> None:
    """After commit: the booking's manage link, again, to the customer's stored email only."""
    now = timezone.now()
    window = f"{now:%Y%m%d%H}-{now.minute // MANAGE_LINK_RESEND_MINUTES}"
    _on_commit(booking, BookingEvent.MANAGE_LINK_REQUESTED, occurrence=window)


# [event, occurrence, context]: the arguments of booking_event_notifications_create, as JSON.
BookingEventArgs = list


def booking_created_events(booking: Booking, *, notify_customer: bool = True) -> list[BookingEventArgs]:
    """The notifications of a new booking, for core's follow-up task to claim after commit.

    The customer's booking-received email (unless staff chose not to send it) and the staff alert;
    the chef's news when the booking was given a chef. Sent in the one follow-up task instead of a
    task each (core/services/bookings/followup.py), so that a booking enqueues one message.
    """
    events = [_event_args(BookingEvent.RECEIVED)] if notify_customer else []
    if booking.chef_id is not None:
        events.append(_event_args(BookingEvent.PARTY_GIVEN_TO_CHEF, context=_chef_context(booking.chef_id)))
    return events


def _event_args(
    event: str, *, context: dict[str, Any] | None = None, occurrence: str | None = None
) -> BookingEventArgs:
    # The occurrence is minted now, so that retries of the task dedupe against each other.
    if occurrence is None:
        occurrence = uuid.uuid4().hex[:16] if event in REPEATABLE_EVENTS else ""
    return [event, occurrence, context or {}]


def _on_commit(
    booking: Booking, event: str, *, context: dict[str, Any] | None = None, occurrence: str | None = None
) -> None:
    # robust (enqueue_on_commit): a broker outage must not turn a committed booking into an error page.
    enqueue_on_commit(
        "core.booking_event_notify",
        str(booking.pk),
        *_event_args(event, context=context, occurrence=occurrence),
    )


def delivery_on_commit(notification_id: UUID) -> None:
    """Deliver the notification once the transaction that claimed it commits."""
    enqueue_on_commit("core.notification_deliver", str(notification_id))


def delivery_enqueue(notification_id: UUID) -> None:
    enqueue("core.notification_deliver", str(notification_id))


def bulk_delivery_on_commit(notification_id: UUID) -> None:
    """A marketing notification: delivered after commit by the rate-limited task."""
    enqueue_on_commit("core.notification_deliver_bulk", str(notification_id))


def bulk_delivery_enqueue(notification_id: UUID) -> None:
    enqueue("core.notification_deliver_bulk", str(notification_id))


# --- Staff ------------------------------------------------------------------------------------


def staff_recipients(station_id: UUID | None) -> list[str]:
    """The addresses of a station's staff alerts: its active staff, and STAFF_ALERT_EMAILS.

    Staff are the users holding a role at the station (identity.UserRole). Chefs are left
    out: the alerts ask for a manager's or support's action (assign, approve, refund).
    """
    emails: set[str] = {email.strip().lower() for email in settings.STAFF_ALERT_EMAILS if email.strip()}
    if station_id is not None:
        emails.update(
            email.lower()
            for email in User.objects.filter(
                is_active=True,
                user_roles__in=UserRole.objects.filter(station_id=station_id).exclude(
                    role__name=Role.Name.CHEF
                ),
            )
            .values_list("email", flat=True)
            .distinct()
        )
    return sorted(emails)
