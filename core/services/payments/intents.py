"""Card payments: the Stripe customer, and the deposit and balance PaymentIntents.

A card payment's row (pending) is committed before Stripe is called, with an idempotency key
derived from it, so that a retry never creates a second charge.
"""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction

from audit.services import audit_log_write, snapshot
from core.models import Booking, Customer, Payment
from core.payment_gateway.factory import get_gateway
from core.payment_gateway.gateway import PaymentGateway, PaymentGatewayError, PaymentIntent
from core.services.payments.ledger import booking_balance_due_cents
from core.services.payments.rows import (
    PAYMENT_AUDIT_FIELDS,
    RECEIVED_STATUSES,
    STRIPE_ACTOR,
    _audit_payment,
    _lock_booking,
    _payment_stripe_id_save,
    payment_metadata,
)
from kernel.error_codes import PaymentErrors
from kernel.errors import ConflictError, ServiceError
from kernel.money import format_cents

logger = logging.getLogger(__name__)


def payment_customer_ensure(*, customer: Customer, gateway: PaymentGateway) -> str:
    """The processor's customer for ours, created on the first payment (one per customer)."""
    stripe_id = customer.stripe_customer_id
    # A fake id left from development would be refused by the real Stripe.
    if stripe_id and not (gateway.provider == "stripe" and stripe_id.startswith("cus_fake_")):
        return stripe_id
    stripe_id = gateway.customer_create(
        email=customer.email,
        name=customer.full_name,
        phone=customer.phone,
        metadata={"customer_id": str(customer.pk)},
        idempotency_key=f"customer:{customer.pk}:{gateway.provider}",
    )
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.stripe_customer_id != stripe_id:
            before = snapshot(locked, ["stripe_customer_id"])
            locked.stripe_customer_id = stripe_id
            locked.save(update_fields=["stripe_customer_id", "updated_at"])
            audit_log_write(
                actor=STRIPE_ACTOR,
                action="customer.stripe_link",
                instance=locked,
                before=before,
                after=snapshot(locked, ["stripe_customer_id"]),
            )
    customer.stripe_customer_id = stripe_id
    return stripe_id


def _intent_for(*, payment: Payment, booking: Booking, gateway: PaymentGateway) -> PaymentIntent:
    """The PaymentIntent of a (committed) pending row: the existing one, or created once."""
    if payment.stripe_payment_id:
        return gateway.payment_intent_retrieve(payment.stripe_payment_id)
    customer_id = payment_customer_ensure(customer=booking.customer, gateway=gateway)
    intent = gateway.payment_intent_create(
        amount_cents=payment.amount_cents,
        currency=settings.STRIPE_CURRENCY,
        customer_id=customer_id,
        description=f"My Hibachi {booking.reference} {payment.get_kind_display().lower()}",
        metadata=payment_metadata(payment, booking),
        idempotency_key=payment.idempotency_key,
    )
    _payment_stripe_id_save(
        payment=payment, booking=booking, stripe_id=intent.id, action="payment.intent_create"
    )
    payment.stripe_payment_id = intent.id
    return intent


def _intent_response(*, intent: PaymentIntent, payment: Payment, gateway: PaymentGateway) -> dict[str, Any]:
    return {
        "provider": gateway.provider,
        "payment_intent_id": intent.id,
        "client_secret": intent.client_secret,
        "publishable_key": gateway.publishable_key,
        "amount_cents": payment.amount_cents,
        "currency": settings.STRIPE_CURRENCY,
    }


def _pending_row(*, booking: Booking, kind: str, amount_cents: int, idempotency_key: str) -> Payment:
    """The card payment row of this key, created (pending, audited) and committed if new."""
    with transaction.atomic():
        payment, created = Payment.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "booking": booking,
                "kind": kind,
                "method": Payment.Method.STRIPE,
                "amount_cents": amount_cents,
                "status": Payment.Status.PENDING,
            },
        )
        if created:
            _audit_payment(
                actor=STRIPE_ACTOR, action="payment.create", payment=payment, booking=booking, before=None
            )
    return payment


def payment_deposit_intent(*, booking: Booking) -> dict[str, Any] | None:
    """The deposit PaymentIntent of a deposit_pending booking: created once, the same one every time.

    None when no deposit is due. Raises PaymentGatewayError when the processor is unreachable
    (the booking is unaffected; ask again later) and ConflictError when the deposit is not due.
    Call it after the booking's transaction has committed: it talks to Stripe.
    """
    booking = Booking.objects.select_related("customer").get(pk=booking.pk)
    if booking.deposit_due_cents <= 0:
        return None
    if booking.status != Booking.Status.DEPOSIT_PENDING:
        raise ConflictError(
            f"The deposit is not due: this booking is {booking.get_status_display().lower()}.",
            code=PaymentErrors.DEPOSIT_NOT_DUE,
        )
    gateway = get_gateway()
    payment = _pending_row(
        booking=booking,
        kind=Payment.Kind.DEPOSIT,
        amount_cents=booking.deposit_due_cents,
        idempotency_key=f"booking:{booking.pk}:deposit",
    )
    if payment.status in RECEIVED_STATUSES:
        raise ConflictError(
            "The deposit of this booking is already paid.", code=PaymentErrors.DEPOSIT_NOT_DUE
        )
    intent = _intent_for(payment=payment, booking=booking, gateway=gateway)
    return _intent_response(intent=intent, payment=payment, gateway=gateway)


def payment_balance_intent(*, booking: Booking, tip_cents: int = 0) -> dict[str, Any]:
    """A PaymentIntent for what a confirmed booking still owes (total - paid + refunded), plus a tip.

    The tip (optional, for the chef) is recorded on the payment as its own amount and never
    counts towards the total. Asked twice for the same amount and tip, the same intent; when
    either changed (a payment, a refund or another tip in between), the stale intent is
    cancelled and a new one made.
    """
    if isinstance(tip_cents, bool) or not isinstance(tip_cents, int) or tip_cents < 0:
        raise ServiceError("A tip is a whole, non-negative number of cents.", field="tip_cents")
    if tip_cents > booking.total_due_cents:
        raise ServiceError("A tip cannot be more than the party's total.", field="tip_cents")
    gateway = get_gateway()
    stale: Payment | None = None
    with transaction.atomic():
        locked = _lock_booking(booking.pk)
        if locked.status != Booking.Status.CONFIRMED:
            raise ConflictError(
                "The balance can be paid once the booking is confirmed "
                f"(this booking is {locked.get_status_display().lower()}).",
                code=PaymentErrors.BALANCE_NOT_DUE,
            )
        due = booking_balance_due_cents(locked)
        if due <= 0:
            raise ConflictError("Nothing is due on this booking.", code=PaymentErrors.NOTHING_DUE)
        payment = (
            Payment.objects.select_for_update()
            .filter(
                booking=locked,
                kind=Payment.Kind.BALANCE,
                method=Payment.Method.STRIPE,
                status=Payment.Status.PENDING,
            )
            .order_by("-created_at")
            .first()
        )
        if payment is not None and (payment.amount_cents, payment.tip_cents) != (due + tip_cents, tip_cents):
            stale, payment = payment, None
            before = snapshot(stale, PAYMENT_AUDIT_FIELDS)
            stale.status = Payment.Status.FAILED
            stale.failure_reason = f"Superseded: the balance due is now {format_cents(due)}" + (
                f", tip {format_cents(tip_cents)}" if tip_cents else ""
            )
            stale.save(update_fields=["status", "failure_reason", "updated_at"])
            _audit_payment(
                actor=STRIPE_ACTOR, action="payment.supersede", payment=stale, booking=locked, before=before
            )
        if payment is None:
            payment_id = uuid.uuid4()
            payment = Payment.objects.create(
                id=payment_id,
                booking=locked,
                kind=Payment.Kind.BALANCE,
                method=Payment.Method.STRIPE,
                amount_cents=due + tip_cents,
                tip_cents=tip_cents,
                status=Payment.Status.PENDING,
                idempotency_key=f"booking:{locked.pk}:balance:{payment_id}",
            )
            _audit_payment(
                actor=STRIPE_ACTOR, action="payment.create", payment=payment, booking=locked, before=None
            )
    if stale is not None and stale.stripe_payment_id:
        try:
            gateway.payment_intent_cancel(stale.stripe_payment_id, idempotency_key=f"cancel:{stale.pk}")
        except PaymentGatewayError:
            # Should it still be paid, its success is counted and the overpayment flagged.
            logger.warning("Could not cancel the superseded PaymentIntent %s", stale.stripe_payment_id)
    booking = Booking.objects.select_related("customer").get(pk=booking.pk)
    intent = _intent_for(payment=payment, booking=booking, gateway=gateway)
    return _intent_response(intent=intent, payment=payment, gateway=gateway)


def payment_pending_void(*, booking: Booking) -> list[Payment]:
    """A cancelled booking accepts no further payment: its pending card payments fail, intents cancelled.

    Scheduled with transaction.on_commit by the cancellation; never raises (what Stripe cannot
    cancel now and is paid anyway is received, refunded and flagged by the settlement).
    """
    voided: list[Payment] = []
    with transaction.atomic():
        locked = _lock_booking(booking.pk)
        if locked.status != Booking.Status.CANCELLED:
            return voided
        for payment in (
            Payment.objects.select_for_update()
            .filter(booking=locked, method=Payment.Method.STRIPE, status=Payment.Status.PENDING)
            .exclude(kind=Payment.Kind.REFUND)
        ):
            before = snapshot(payment, PAYMENT_AUDIT_FIELDS)
            payment.status = Payment.Status.FAILED
            payment.failure_reason = "The booking was cancelled"
            payment.save(update_fields=["status", "failure_reason", "updated_at"])
            _audit_payment(
                actor=STRIPE_ACTOR, action="payment.void", payment=payment, booking=locked, before=before
            )
            voided.append(payment)
    for payment in voided:
        if not payment.stripe_payment_id:
            continue
        try:
            get_gateway().payment_intent_cancel(
                payment.stripe_payment_id, idempotency_key=f"cancel:{payment.pk}"
            )
        except Exception:
            logger.warning("Could not cancel the PaymentIntent %s", payment.stripe_payment_id, exc_info=True)
    return voided
