"""What money moving means: a payment or refund counted once, the payment's status kept in step
with its refunds, and the booking confirmed or flagged to staff."""

from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking, Payment
from core.notifications.dispatch import notify_payment_flagged
from core.services.bookings import booking_confirm
from core.services.payments.ledger import _customer_spend_add, _refunded_cents, booking_net_paid_cents
from core.services.payments.rows import PAYMENT_AUDIT_FIELDS, RECEIVED_STATUSES, _audit_payment
from kernel.money import format_cents

FLAG_REASON_MAX_LENGTH = 255


def _booking_flag(*, booking: Booking, reason: str, actor: Actor) -> None:
    """Flag the booking for staff with a reason (kept beside earlier reasons), audited."""
    reason = reason[:FLAG_REASON_MAX_LENGTH]
    if booking.flagged_for_staff and reason in booking.flag_reason:
        return
    before = snapshot(booking, ["flagged_for_staff", "flag_reason"])
    combined = (
        f"{booking.flag_reason}; {reason}" if booking.flagged_for_staff and booking.flag_reason else reason
    )
    booking.flagged_for_staff = True
    booking.flag_reason = combined[:FLAG_REASON_MAX_LENGTH]
    booking.save(update_fields=["flagged_for_staff", "flag_reason", "updated_at"])
    audit_log_write(
        actor=actor,
        action="booking.flag",
        instance=booking,
        station_id=booking.station_id,
        before=before,
        after=snapshot(booking, ["flagged_for_staff", "flag_reason"]),
        reason=reason,
    )
    notify_payment_flagged(booking, reason=reason)  # staff alert, after commit


def _payment_succeed(*, payment: Payment, booking: Booking, actor: Actor) -> None:
    """Count a (locked) payment as received, once; then what it means for the (locked) booking."""
    if payment.status in RECEIVED_STATUSES:
        return
    before = snapshot(payment, PAYMENT_AUDIT_FIELDS)
    payment.succeeded_at = timezone.now()
    payment.failure_reason = ""
    # A refund reconciled before this success (events arrive in any order) already counts.
    fully_refunded = _refunded_cents(payment) >= payment.amount_cents
    payment.status = Payment.Status.REFUNDED if fully_refunded else Payment.Status.SUCCEEDED
    payment.save(
        update_fields=["succeeded_at", "failure_reason", "status", "stripe_payment_id", "updated_at"]
    )
    _customer_spend_add(booking.customer_id, payment.amount_cents)
    _audit_payment(actor=actor, action="payment.succeed", payment=payment, booking=booking, before=before)
    _booking_after_payment(payment=payment, booking=booking, actor=actor)


def _booking_after_payment(*, payment: Payment, booking: Booking, actor: Actor) -> None:
    amount = format_cents(payment.amount_cents)
    if booking.status == Booking.Status.CANCELLED:
        # Never kept silently: staff decide whether to refund it.
        _booking_flag(
            booking=booking, reason=f"{amount} {payment.kind} received after cancellation", actor=actor
        )
        return
    if payment.kind == Payment.Kind.DEPOSIT:
        if payment.status == Payment.Status.REFUNDED:
            _booking_flag(
                booking=booking, reason=f"{amount} deposit received but already refunded", actor=actor
            )
            return
        if booking.status == Booking.Status.DEPOSIT_PENDING:
            booking = booking_confirm(booking=booking, actor=actor)
        elif booking.status == Booking.Status.CANCELLATION_REQUESTED:
            # booking_confirm makes "confirmed" the status a rejection returns to; staff, who
            # decide the request, must know the deposit came in meanwhile.
            booking = booking_confirm(booking=booking, actor=actor)
            _booking_flag(
                booking=booking, reason=f"{amount} deposit received while cancellation requested", actor=actor
            )
        deposits = Payment.objects.filter(
            booking=booking, kind=Payment.Kind.DEPOSIT, status__in=RECEIVED_STATUSES
        )
        if deposits.count() > 1:
            _booking_flag(booking=booking, reason="Deposit paid more than once", actor=actor)
    overpaid = booking_net_paid_cents(booking) - booking.total_due_cents
    if overpaid > 0:
        _booking_flag(
            booking=booking, reason=f"Paid {format_cents(overpaid)} more than the total", actor=actor
        )


def _refund_succeed(*, refund: Payment, original: Payment, booking: Booking, actor: Actor) -> None:
    """A (locked) refund row is done: money back to the customer, once. A failed refund is final."""
    if refund.status in (Payment.Status.SUCCEEDED, Payment.Status.FAILED):
        return
    before = snapshot(refund, PAYMENT_AUDIT_FIELDS)
    refund.status = Payment.Status.SUCCEEDED
    refund.succeeded_at = timezone.now()
    refund.save(update_fields=["status", "succeeded_at", "updated_at"])
    _customer_spend_add(booking.customer_id, -refund.amount_cents)
    _audit_payment(
        actor=actor, action="payment.refund_succeed", payment=refund, booking=booking, before=before
    )
    _original_refund_status_sync(original=original, booking=booking, actor=actor)


def _refund_fail(*, refund: Payment, original: Payment, booking: Booking, reason: str, actor: Actor) -> None:
    """A (locked) refund failed, possibly after it had succeeded (Stripe allows that): undo its effect."""
    if refund.status == Payment.Status.FAILED:
        return
    was_succeeded = refund.status == Payment.Status.SUCCEEDED
    before = snapshot(refund, PAYMENT_AUDIT_FIELDS)
    refund.status = Payment.Status.FAILED
    refund.failure_reason = (reason or "failed")[:255]
    refund.save(update_fields=["status", "failure_reason", "updated_at"])
    if was_succeeded:
        _customer_spend_add(booking.customer_id, refund.amount_cents)
    _audit_payment(actor=actor, action="payment.refund_fail", payment=refund, booking=booking, before=before)
    _original_refund_status_sync(original=original, booking=booking, actor=actor)
    _booking_flag(
        booking=booking, reason=f"Refund of {format_cents(refund.amount_cents)} failed: {reason}", actor=actor
    )


def _original_refund_status_sync(*, original: Payment, booking: Booking, actor: Actor) -> None:
    """A received payment is `refunded` when its succeeded refunds cover it, else `succeeded`."""
    if original.status not in RECEIVED_STATUSES:
        return  # not received yet: its success sets the status, refunds included
    refunded = _refunded_cents(original) >= original.amount_cents
    status = Payment.Status.REFUNDED if refunded else Payment.Status.SUCCEEDED
    if original.status == status:
        return
    before = snapshot(original, PAYMENT_AUDIT_FIELDS)
    original.status = status
    original.save(update_fields=["status", "updated_at"])
    action = "payment.refunded" if refunded else "payment.refund_reversed"
    _audit_payment(actor=actor, action=action, payment=original, booking=booking, before=before)
