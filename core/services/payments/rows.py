"""The payment row: the kinds and statuses that count, the booking lock, the audit row, the
metadata that leads Stripe's objects back to a row, and saving a row's Stripe id once."""

import uuid

from django.db import transaction

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking, Payment
from core.selectors import PAID_KINDS, RECEIVED_STATUSES  # noqa: F401  (re-exported to the package)

STRIPE_ACTOR = Actor.system("stripe")
MANUAL_METHODS = (Payment.Method.CASH, Payment.Method.ZELLE, Payment.Method.VENMO)
# Refunds that count against what can still be refunded: asked for, or done.
OPEN_REFUND_STATUSES = (Payment.Status.PENDING, Payment.Status.SUCCEEDED)

PAYMENT_AUDIT_FIELDS = [
    "booking",
    "kind",
    "method",
    "amount_cents",
    "tip_cents",
    "status",
    "stripe_payment_id",
    "refund_of",
    "reason",
    "failure_reason",
    "succeeded_at",
]


def payment_metadata(payment: Payment, booking: Booking) -> dict[str, str]:
    """What every Stripe object we create carries, to find our rows from Stripe's events."""
    return {
        "booking_id": str(booking.pk),
        "booking_reference": booking.reference,
        "payment_id": str(payment.pk),
        "kind": payment.kind,
        "customer_id": str(booking.customer_id),
    }


def _lock_booking(booking_id: uuid.UUID) -> Booking:
    return Booking.objects.select_for_update().get(pk=booking_id)


def _audit_payment(
    *, actor: Actor, action: str, payment: Payment, booking: Booking, before: dict | None, reason: str = ""
) -> None:
    audit_log_write(
        actor=actor,
        action=action,
        instance=payment,
        station_id=booking.station_id,
        before=before,
        after=snapshot(payment, PAYMENT_AUDIT_FIELDS),
        reason=reason,
    )


def _payment_stripe_id_save(*, payment: Payment, booking: Booking, stripe_id: str, action: str) -> None:
    """Save the id Stripe gave a (committed) row's intent or refund, audited; once, whoever is first."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.stripe_payment_id:
            return
        before = snapshot(locked, PAYMENT_AUDIT_FIELDS)
        locked.stripe_payment_id = stripe_id
        locked.save(update_fields=["stripe_payment_id", "updated_at"])
        _audit_payment(actor=STRIPE_ACTOR, action=action, payment=locked, booking=booking, before=before)
