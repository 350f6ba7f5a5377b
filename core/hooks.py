"""The hooks core's services send, for the layers above core (kernel/hooks.py says how hooks work).

core never imports leads, crm, ai or the site: when one of them must act on a booking, it
registers a receiver here in its AppConfig.ready(). Each hook says when it runs and what a
receiver may do; receivers are called in registration order.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audit.actor import Actor
from kernel.hooks import Hook

if TYPE_CHECKING:
    from core.models import Booking, Customer


@dataclass(frozen=True)
class BookingCreated:
    booking: Booking
    customer: Customer


# Sent AFTER the booking commits, by core's follow-up task (`core.booking_created_followup`,
# enqueued by booking_create on commit: core/services/bookings/followup.py), inside the task's
# transaction. Receivers run in registration order and write in that one transaction: leads
# marks the customer's open leads converted, then the assistant links the customer's
# conversations (leads/apps.py, ai/apps.py). An exception rolls every receiver's writes back and
# the task retries; a sweep sends the hook again for the last hours' bookings (a lost enqueue).
# So a receiver must be idempotent (a second send for the same booking changes nothing), must
# not assume it runs seconds after the booking, and never fails the booking (it is committed).
booking_created: Hook[BookingCreated] = Hook("booking_created")


@dataclass(frozen=True)
class BookingAttemptFailed:
    customer: Mapping[str, Any]  # the contact details as the request gave them (unchecked)
    reason: str  # the error code, e.g. "slot_unavailable"
    details: dict[str, Any]  # what was asked for: date, slot, zip_code, party, source


# Sent by booking_create AFTER the booking's transaction rolled back because the slot was taken,
# in a transaction of its own (a savepoint in a caller's), so that what a receiver writes
# survives. Exceptions are logged and swallowed by booking_create: the customer's error is the
# slot, never the bookkeeping. leads keeps the person as a booking_failed lead (leads/apps.py).
booking_attempt_failed: Hook[BookingAttemptFailed] = Hook("booking_attempt_failed")


@dataclass(frozen=True)
class BookingRefundDue:
    booking: Booking


# Sent by booking_cancel AFTER the cancellation commits (transaction.on_commit), when the
# cancellation made money due back (booking.refund_due_cents > 0), outside any transaction or
# lock. The payment services send the refund (core/apps.py registers
# payment_refund_for_cancellation); a receiver must not raise: the cancellation stands.
booking_refund_due: Hook[BookingRefundDue] = Hook("booking_refund_due")


@dataclass(frozen=True)
class BookingCancelled:
    booking: Booking


# Sent by booking_cancel (and the cancellation approval) AFTER every cancellation commits, outside
# any transaction or lock. The payment services void the booking's open PaymentIntents
# (core/apps.py registers payment_pending_void): a cancelled booking accepts no further payment.
# A receiver must not raise: the cancellation stands.
booking_cancelled: Hook[BookingCancelled] = Hook("booking_cancelled")


@dataclass(frozen=True)
class SmsFromUnknownNumber:
    phone: str  # E.164
    body: str
    provider_id: str  # the provider's message id: a redelivered webhook sends the same one


# Sent by sms_inbound_receive AFTER its transaction commits, for a text from a number no customer
# has that is not a keyword (STOP, START, HELP). core stores nothing of it; leads keeps the sender
# as an `sms` lead (leads/apps.py). A receiver's exception is logged, never the webhook's error.
sms_from_unknown_number: Hook[SmsFromUnknownNumber] = Hook("sms_from_unknown_number")


# Notifications whose words a layer above composes (a campaign's message) have their own typed
# hooks, one per kind, that return the message: core/notifications/content.py.


@dataclass(frozen=True)
class InboundSms:
    phone: str  # E.164
    body: str
    provider_id: str
    customer_id: Any | None  # the customer at this phone; None for a number no customer has


# Sent by sms_inbound_receive INSIDE its transaction for a text that is not a keyword
# (STOP/START/HELP), after core stored it (for a customer) and flagged the thread for staff.
# The assistant answers it when ASSISTANT_SMS is on (ai/apps.py); a receiver runs its own writes
# in a savepoint and catches its own errors, so that the text core stored is never lost.
inbound_sms_received: Hook[InboundSms] = Hook("inbound_sms_received")


@dataclass(frozen=True)
class CapturedContact:
    lead_id: Any
    created: bool  # a new lead, rather than the open one at that contact updated
    customer_id: Any | None  # the customer the lead converted to, if it has


@dataclass(frozen=True)
class ContactGiven:
    """Someone gave us contact details outside a form (a chat, a text)."""

    source: str  # a lead source: chat, sms
    first_name: str
    email: str
    phone: str
    event_date: datetime.date | None
    party_adults: int | None
    party_kids: int | None
    zip_code: str
    message: str
    payload: dict[str, Any]
    actor: Actor
    # A receiver that keeps the contact reports what it kept here (the sender reads it back).
    captured: list[CapturedContact] = field(default_factory=list)


# Sent by the assistant (ai.services.conversations) INSIDE its transaction when a conversation
# gives an email or phone it did not have. leads creates or updates the open lead at that contact
# and appends a CapturedContact (leads/apps.py). A receiver may raise ServiceError for details it
# refuses; the assistant sends in a savepoint and carries on without a lead.
contact_given: Hook[ContactGiven] = Hook("contact_given")
