"""Manual payments: money staff received by hand (cash, Zelle, Venmo)."""

from django.db import transaction

from audit.actor import Actor
from core.models import Booking, Payment
from core.services.payments.ledger import booking_balance_due_cents
from core.services.payments.rows import MANUAL_METHODS, PAID_KINDS, _audit_payment, _lock_booking
from core.services.payments.settlement import _payment_succeed
from kernel.error_codes import PaymentErrors
from kernel.errors import ConflictError, ServiceError
from kernel.money import format_cents


@transaction.atomic
def payment_record_manual(
    *, booking: Booking, kind: str, method: str, amount_cents: int, actor: Actor, reason: str = ""
) -> Payment:
    """Record money staff received by hand (cash, Zelle, Venmo): succeeded at once; a deposit confirms."""
    if method not in MANUAL_METHODS:
        raise ServiceError(
            "Record cash, Zelle or Venmo here; card payments come from Stripe.", field="method"
        )
    if kind not in PAID_KINDS:
        raise ServiceError("A manual payment is a deposit or a balance payment.", field="kind")
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ServiceError("Enter an amount above zero.", field="amount_cents")
    locked = _lock_booking(booking.pk)
    if locked.status == Booking.Status.CANCELLED:
        raise ConflictError(
            "This booking is cancelled: no payment can be recorded for it.",
            code=PaymentErrors.BOOKING_CANCELLED,
        )
    outstanding = booking_balance_due_cents(locked)
    if amount_cents > outstanding:
        raise ServiceError(
            f"At most {format_cents(outstanding)} is due on this booking.",
            field="amount_cents",
            code=PaymentErrors.OVERPAYMENT,
        )
    payment = Payment.objects.create(
        booking=locked,
        kind=kind,
        method=method,
        amount_cents=amount_cents,
        status=Payment.Status.PENDING,
        reason=reason.strip(),
        recorded_by_id=actor.id if actor.type == "user" else None,
    )
    _audit_payment(
        actor=actor,
        action="payment.record_manual",
        payment=payment,
        booking=locked,
        before=None,
        reason=reason,
    )
    _payment_succeed(payment=payment, booking=locked, actor=actor)
    booking.refresh_from_db()
    return payment
