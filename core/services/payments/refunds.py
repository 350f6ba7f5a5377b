"""Refunds: asked for by staff, or due on a cancellation; split over payments, sent to Stripe.

Refund rows are committed before Stripe is called, with an idempotency key each, so that sending
one again is harmless; Stripe's refund events (events.py) settle them.
"""

import logging
import uuid
from collections.abc import Callable

from django.db import transaction

from audit.actor import Actor
from core.models import Booking, Payment
from core.payment_gateway.factory import get_gateway
from core.payment_gateway.gateway import PaymentGatewayError
from core.services.payments.events import payment_refund_reconcile
from core.services.payments.ledger import _refundable_cents
from core.services.payments.rows import (
    MANUAL_METHODS,
    PAID_KINDS,
    STRIPE_ACTOR,
    _audit_payment,
    _lock_booking,
    _payment_stripe_id_save,
    payment_metadata,
)
from core.services.payments.settlement import _booking_flag, _refund_succeed
from kernel.error_codes import PaymentErrors
from kernel.errors import ServiceError
from kernel.money import format_cents

logger = logging.getLogger(__name__)


def _refund_rows_create(
    *,
    booking: Booking,
    allocations: list[tuple[Payment, int]],
    reason: str,
    actor: Actor,
    key_for: Callable[[Payment, uuid.UUID], str],
) -> list[Payment]:
    """Pending refund rows, one per original payment; manual ones succeed at once (paid back by hand)."""
    rows = []
    for original, amount_cents in allocations:
        row_id = uuid.uuid4()
        row = Payment.objects.create(
            id=row_id,
            booking=booking,
            kind=Payment.Kind.REFUND,
            method=original.method,
            amount_cents=amount_cents,
            status=Payment.Status.PENDING,
            refund_of=original,
            reason=reason,
            recorded_by_id=actor.id if actor.type == "user" else None,
            idempotency_key=key_for(original, row_id),
        )
        _audit_payment(
            actor=actor,
            action="payment.refund_create",
            payment=row,
            booking=booking,
            before=None,
            reason=reason,
        )
        if original.method in MANUAL_METHODS:
            _refund_succeed(refund=row, original=original, booking=booking, actor=actor)
        rows.append(row)
    return rows


def _allocate(originals: list[Payment], amount_cents: int) -> list[tuple[Payment, int]]:
    """Split a refund over payments: one payment when one can cover it, else newest first."""
    refundable = [(original, _refundable_cents(original)) for original in originals]
    refundable = [(original, cents) for original, cents in refundable if cents > 0]
    for original, cents in refundable:
        if cents >= amount_cents:
            return [(original, amount_cents)]
    allocations, remaining = [], amount_cents
    for original, cents in refundable:
        part = min(cents, remaining)
        allocations.append((original, part))
        remaining -= part
        if remaining == 0:
            break
    return allocations


def _received_payments(booking: Booking, *, methods=None) -> list[Payment]:
    queryset = Payment.objects.select_for_update().filter(
        booking=booking, kind__in=PAID_KINDS, status=Payment.Status.SUCCEEDED
    )
    if methods is not None:
        queryset = queryset.filter(method__in=methods)
    return list(queryset.order_by("-created_at"))


def payment_refund(*, booking: Booking, amount_cents: int, reason: str, actor: Actor) -> Payment:
    """Refund up to what was paid and not yet refunded, with a reason; card refunds go to Stripe.

    Each refund is its own row (kind refund, refund_of the payment it returns), pending until
    Stripe's webhook reconciles it (manual methods and the fake gateway: at once). A refund larger
    than any single payment is split over payments, one row each; the first row is returned.
    The rows are committed before Stripe is called; if Stripe cannot be reached they stay pending
    and PaymentGatewayError is raised: `payment_refund_submit` sends them again, safely.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give a reason for the refund.", field="reason")
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ServiceError("Enter an amount above zero.", field="amount_cents")
    with transaction.atomic():
        locked = _lock_booking(booking.pk)
        originals = _received_payments(locked)
        refundable = sum(_refundable_cents(original) for original in originals)
        if amount_cents > refundable:
            raise ServiceError(
                f"At most {format_cents(refundable)} can be refunded on this booking "
                "(what was paid and not yet refunded).",
                field="amount_cents",
                code=PaymentErrors.REFUND_EXCEEDS_PAID,
            )
        rows = _refund_rows_create(
            booking=locked,
            allocations=_allocate(originals, amount_cents),
            reason=reason,
            actor=actor,
            key_for=lambda original, row_id: f"refund:{row_id}",
        )
    failures = []
    for row in rows:
        try:
            payment_refund_submit(refund=row)
        except PaymentGatewayError as error:
            failures.append(error)
    if failures:
        raise PaymentGatewayError(
            f"The refund of {format_cents(amount_cents)} is recorded but Stripe could not be reached; "
            "it stays pending and can be sent again."
        )
    rows[0].refresh_from_db()
    return rows[0]


def payment_refund_submit(*, refund: Payment) -> Payment:
    """Send a pending card refund to Stripe (again): its idempotency key makes a repeat harmless."""
    refund = Payment.objects.select_related("refund_of", "booking").get(pk=refund.pk)
    if refund.method != Payment.Method.STRIPE or refund.status != Payment.Status.PENDING:
        return refund
    if refund.stripe_payment_id:
        return refund  # at Stripe already: its webhook settles it
    gateway = get_gateway()
    result = gateway.refund_create(
        payment_intent_id=refund.refund_of.stripe_payment_id,
        amount_cents=refund.amount_cents,
        metadata=payment_metadata(refund, refund.booking),
        idempotency_key=refund.idempotency_key,
    )
    _payment_stripe_id_save(
        payment=refund, booking=refund.booking, stripe_id=result.id, action="payment.refund_submit"
    )
    if gateway.settles_refunds_at_once:
        # The same reconciliation as Stripe's refund events.
        payment_refund_reconcile(refund=result.as_event_object())
    refund.refresh_from_db()
    return refund


def payment_refund_for_cancellation(*, booking: Booking) -> list[Payment]:
    """Refund what a cancellation made due (booking.refund_due_cents), once, however often it is called.

    Scheduled with transaction.on_commit by booking_cancel: it never raises (the cancellation is
    committed); what it cannot do automatically — cash/Zelle/Venmo, or Stripe unreachable — is
    flagged to staff.
    """
    try:
        return _refund_for_cancellation(booking)
    except Exception:
        logger.exception("The cancellation refund of booking %s failed", booking.pk)
        try:
            with transaction.atomic():
                _booking_flag(
                    booking=_lock_booking(booking.pk),
                    reason="Automatic cancellation refund failed: refund by hand",
                    actor=STRIPE_ACTOR,
                )
        except Exception:
            logger.exception("Could not flag booking %s", booking.pk)
        return []


def _refund_for_cancellation(booking: Booking) -> list[Payment]:
    key_prefix = f"booking:{booking.pk}:cancellation-refund:"
    with transaction.atomic():
        locked = _lock_booking(booking.pk)
        if locked.status != Booking.Status.CANCELLED:
            return []
        rows = list(Payment.objects.filter(booking=locked, idempotency_key__startswith=key_prefix))
        # A refund that succeeded lowers refund_due_cents: rows already made are sent (again) as they are.
        if not rows and locked.refund_due_cents > 0:
            card_payments = _received_payments(locked, methods=[Payment.Method.STRIPE])
            card_refundable = sum(_refundable_cents(original) for original in card_payments)
            amount = min(locked.refund_due_cents, card_refundable)
            if amount > 0:
                rows = _refund_rows_create(
                    booking=locked,
                    allocations=_allocate(card_payments, amount),
                    reason=f"Refund due on cancellation: {locked.cancellation_reason or 'cancelled'}"[:500],
                    actor=STRIPE_ACTOR,
                    key_for=lambda original, row_id: f"{key_prefix}{original.pk}",
                )
            if locked.refund_due_cents > amount:
                by_hand = format_cents(locked.refund_due_cents - amount)
                _booking_flag(
                    booking=locked, reason=f"Refund {by_hand} by hand (not paid by card)", actor=STRIPE_ACTOR
                )
    unsent = []
    for row in rows:
        try:
            payment_refund_submit(refund=row)
        except PaymentGatewayError:
            unsent.append(row)
    if unsent:
        with transaction.atomic():
            _booking_flag(
                booking=_lock_booking(booking.pk),
                reason="Cancellation refund not sent: Stripe unreachable, send it again",
                actor=STRIPE_ACTOR,
            )
    return [Payment.objects.get(pk=row.pk) for row in rows]


def payment_refund_after_cancellation(*, payment: Payment) -> list[Payment]:
    """Give back in full a card payment received after its booking was cancelled, once.

    Scheduled with transaction.on_commit by the settlement of that payment; never raises (a
    failure is flagged to staff, who were told of the payment already).
    """
    key_prefix = f"payment:{payment.pk}:after-cancellation-refund"
    try:
        with transaction.atomic():
            locked = _lock_booking(payment.booking_id)
            original = Payment.objects.select_for_update().get(pk=payment.pk)
            if locked.status != Booking.Status.CANCELLED or original.method != Payment.Method.STRIPE:
                return []
            if Payment.objects.filter(idempotency_key__startswith=key_prefix).exists():
                return []
            amount = _refundable_cents(original)
            if amount <= 0:
                return []
            rows = _refund_rows_create(
                booking=locked,
                allocations=[(original, amount)],
                reason="Paid after the booking was cancelled",
                actor=STRIPE_ACTOR,
                key_for=lambda original, row_id: key_prefix,
            )
        for row in rows:
            payment_refund_submit(refund=row)
        return [Payment.objects.get(pk=row.pk) for row in rows]
    except Exception:
        logger.exception("The refund of payment %s received after cancellation failed", payment.pk)
        try:
            with transaction.atomic():
                _booking_flag(
                    booking=_lock_booking(payment.booking_id),
                    reason="Refund of a payment received after cancellation failed: refund by hand",
                    actor=STRIPE_ACTOR,
                )
        except Exception:
            logger.exception("Could not flag booking %s", payment.booking_id)
        return []
