"""What money moving means: a payment or refund counted once, the payment's status kept in step
with its refunds, and the booking confirmed or flagged to staff."""

from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking, Payment
from core.selectors import booking_net_paid_cents
from core.services.bookings import booking_confirm
from core.services.bookings.flags import booking_flag
from core.services.payments.ledger import _customer_spend_add, _refunded_cents
from core.services.payments.rows import PAYMENT_AUDIT_FIELDS, RECEIVED_STATUSES, _audit_payment
from core.services.receipts import receipt_issue
from kernel.money import format_cents
from kernel.queue import enqueue_on_commit

# Flagging lives with the bookings (a booking service): payments import it, never the reverse.
_booking_flag = booking_flag


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
    receipt_issue(payment=payment, booking=booking)
    _booking_after_payment(payment=payment, booking=booking, actor=actor)


def _booking_after_payment(*, payment: Payment, booking: Booking, actor: Actor) -> None:
    amount = format_cents(payment.amount_cents)
    if booking.status == Booking.Status.CANCELLED:
        # Never kept silently: staff decide whether to refund it.
        _booking_flag(
            booking=booking, reason=f"{amount} {payment.kind} received after cancellation", actor=actor
        )
        # A cancelled booking accepts no further payment: a card payment goes back in full, by a
        # task after commit (refunds.py sends it; it imports this module, so not called from here).
        if payment.method == Payment.Method.STRIPE:
            enqueue_on_commit("core.payment_refund_after_cancellation", str(payment.pk))
        return
    if payment.kind == Payment.Kind.DEPOSIT:
        # A deposit received confirms the booking even when its refund was reconciled first:
        # Stripe's events arrive in any order, and every order must end in the same state
        # (confirmed, and flagged by _deposit_refunded_flag, as when the refund came second).
        if booking.status == Booking.Status.DEPOSIT_PENDING:
            booking = booking_confirm(booking=booking, actor=actor)
        elif booking.status == Booking.Status.CANCELLATION_REQUESTED:
            # booking_confirm makes "confirmed" the status a rejection returns to; staff, who
            # decide the request, must know the deposit came in meanwhile.
            booking = booking_confirm(booking=booking, actor=actor)
            _booking_flag(
                booking=booking, reason=f"{amount} deposit received while cancellation requested", actor=actor
            )
        _deposit_refunded_flag(payment=payment, booking=booking, actor=actor)
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


def _deposit_refunded_flag(*, payment: Payment, booking: Booking, actor: Actor) -> None:
    """A received deposit refunded in full on a booking that still holds its slot: staff decide.

    Called when the deposit is received and when a refund completes it, whichever comes last,
    with the same reason, so that both orders of Stripe's events flag the booking alike.
    """
    if (
        payment.kind != Payment.Kind.DEPOSIT
        or payment.status != Payment.Status.REFUNDED
        or booking.status not in Booking.ACTIVE_STATUSES
    ):
        return
    _booking_flag(
        booking=booking,
        reason=f"{format_cents(payment.amount_cents)} deposit refunded in full, the booking holds its slot",
        actor=actor,
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
    receipt_issue(payment=refund, booking=booking)
    _refund_due_settle(booking=booking, refund=refund, returned=True, actor=actor)
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
        _refund_due_settle(booking=booking, refund=refund, returned=False, actor=actor)
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
    _deposit_refunded_flag(payment=original, booking=booking, actor=actor)


def _refund_due_settle(*, booking: Booking, refund: Payment, returned: bool, actor: Actor) -> None:
    """A cancelled booking's refund_due_cents is what is still owed back: a succeeded refund lowers
    it, a refund that failed after succeeding owes it again. A refund of money received after
    the cancellation was never part of what the cancellation made due."""
    if booking.status != Booking.Status.CANCELLED or refund.idempotency_key.startswith("payment:"):
        return
    due = (
        booking.refund_due_cents - refund.amount_cents
        if returned
        else booking.refund_due_cents + refund.amount_cents
    )
    due = max(0, due)
    if returned and booking.refund_due_cents == 0:
        return
    before = snapshot(booking, ["refund_due_cents"])
    booking.refund_due_cents = due
    booking.save(update_fields=["refund_due_cents", "updated_at"])
    audit_log_write(
        actor=actor,
        action="booking.refund_due",
        instance=booking,
        station_id=booking.station_id,
        before=before,
        after=snapshot(booking, ["refund_due_cents"]),
        reason=f"refund {refund.pk} {'succeeded' if returned else 'failed'}",
    )
