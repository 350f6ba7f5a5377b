"""Payments: deposits, balances, refunds, manual payments, and the Stripe events that settle them.

Rules that hold everywhere here:
- A card payment's Payment row (status pending) is committed BEFORE the call to Stripe, and the
  call carries an idempotency key derived from that row, so a retry never charges or refunds
  twice. Calls to Stripe happen outside our transactions: a slow Stripe never holds row locks.
- Stripe's webhook is the source of truth for card payments and refunds. Its handlers below are
  order-independent: a refund can be reconciled before the success of its payment, a failure
  delivered after a success changes nothing.
- Locks are always taken booking first, then payments (original before refund).
- Customer.total_spend_cents follows money actually moved: + when a payment succeeds, - when a
  refund succeeds (and back when a succeeded refund later fails), with F() in the same transaction.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from audit.actor import Actor
from audit.models import SecurityEvent
from audit.services import audit_log_write, security_event_record, snapshot
from core.models import Booking, Customer, Payment, StripeEvent
from core.notifications.dispatch import notify_payment_flagged
from core.payments.gateway import PaymentGateway, PaymentGatewayError, PaymentIntent, get_gateway
from myhibachi.errors import ServiceError
from pricing.money import format_cents

logger = logging.getLogger(__name__)

STRIPE_ACTOR = Actor.system("stripe")
PAID_KINDS = (Payment.Kind.DEPOSIT, Payment.Kind.BALANCE)
MANUAL_METHODS = (Payment.Method.CASH, Payment.Method.ZELLE, Payment.Method.VENMO)
# Refunds that count against what can still be refunded: asked for, or done.
OPEN_REFUND_STATUSES = (Payment.Status.PENDING, Payment.Status.SUCCEEDED)
# A deposit or balance payment that was received (and perhaps refunded since).
RECEIVED_STATUSES = (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED)
FLAG_REASON_MAX_LENGTH = 255
MALFORMED_EVENT = "malformed_event"
PAYMENT_AUDIT_FIELDS = [
    "booking",
    "kind",
    "method",
    "amount_cents",
    "status",
    "stripe_payment_id",
    "refund_of",
    "reason",
    "failure_reason",
    "succeeded_at",
]


class Outcome(NamedTuple):
    """What a Stripe event handler did: `ours` is False for objects that are not ours."""

    ours: bool
    note: str


# --- Reads used by the writes below ------------------------------------------------------------


def _sum_cents(queryset) -> int:
    return queryset.aggregate(total=Sum("amount_cents"))["total"] or 0


def booking_net_paid_cents(booking: Booking) -> int:
    """What the customer has paid for the booking and not been refunded."""
    totals = Payment.objects.filter(booking=booking).aggregate(
        paid=Sum("amount_cents", filter=Q(kind__in=PAID_KINDS, status__in=RECEIVED_STATUSES), default=0),
        refunded=Sum(
            "amount_cents", filter=Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED), default=0
        ),
    )
    return totals["paid"] - totals["refunded"]


def booking_balance_due_cents(booking: Booking) -> int:
    """The total minus what was paid and not refunded (never below zero)."""
    return max(0, booking.total_due_cents - booking_net_paid_cents(booking))


def _refunded_cents(payment: Payment) -> int:
    return _sum_cents(payment.refunds.filter(status=Payment.Status.SUCCEEDED))


def _refundable_cents(payment: Payment) -> int:
    """What can still be refunded of a payment: its amount minus refunds asked for or done."""
    if payment.status != Payment.Status.SUCCEEDED:
        return 0
    return payment.amount_cents - _sum_cents(payment.refunds.filter(status__in=OPEN_REFUND_STATUSES))


def payment_metadata(payment: Payment, booking: Booking) -> dict[str, str]:
    """What every Stripe object we create carries, to find our rows from Stripe's events."""
    return {
        "booking_id": str(booking.pk),
        "booking_reference": booking.reference,
        "payment_id": str(payment.pk),
        "kind": payment.kind,
        "customer_id": str(booking.customer_id),
    }


# --- Shared write steps --------------------------------------------------------------------------


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


def _customer_spend_add(customer_id: uuid.UUID, cents: int) -> None:
    Customer.objects.filter(pk=customer_id).update(total_spend_cents=F("total_spend_cents") + cents)


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
            from core.services.bookings import booking_confirm  # bookings schedules our refunds

            booking = booking_confirm(booking=booking, actor=actor)
        elif booking.status == Booking.Status.CANCELLATION_REQUESTED:
            # booking_confirm makes "confirmed" the status a rejection returns to; staff, who
            # decide the request, must know the deposit came in meanwhile.
            from core.services.bookings import booking_confirm

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


# --- Stripe customers and PaymentIntents ---------------------------------------------------------


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
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if not locked.stripe_payment_id:
            before = snapshot(locked, PAYMENT_AUDIT_FIELDS)
            locked.stripe_payment_id = intent.id
            locked.save(update_fields=["stripe_payment_id", "updated_at"])
            _audit_payment(
                actor=STRIPE_ACTOR,
                action="payment.intent_create",
                payment=locked,
                booking=booking,
                before=before,
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
    (the booking is unaffected; ask again later) and ServiceError when the deposit is not due.
    Call it after the booking's transaction has committed: it talks to Stripe.
    """
    booking = Booking.objects.select_related("customer").get(pk=booking.pk)
    if booking.deposit_due_cents <= 0:
        return None
    if booking.status != Booking.Status.DEPOSIT_PENDING:
        raise ServiceError(
            f"The deposit is not due: this booking is {booking.get_status_display().lower()}.",
            code="deposit_not_due",
        )
    gateway = get_gateway()
    payment = _pending_row(
        booking=booking,
        kind=Payment.Kind.DEPOSIT,
        amount_cents=booking.deposit_due_cents,
        idempotency_key=f"booking:{booking.pk}:deposit",
    )
    if payment.status in RECEIVED_STATUSES:
        raise ServiceError("The deposit of this booking is already paid.", code="deposit_not_due")
    intent = _intent_for(payment=payment, booking=booking, gateway=gateway)
    return _intent_response(intent=intent, payment=payment, gateway=gateway)


def payment_balance_intent(*, booking: Booking) -> dict[str, Any]:
    """A PaymentIntent for what a confirmed booking still owes: total - paid + refunded.

    Asked twice for the same amount, the same intent; when the amount changed (a payment or a
    refund in between), the stale intent is cancelled and a new one made.
    """
    gateway = get_gateway()
    stale: Payment | None = None
    with transaction.atomic():
        locked = _lock_booking(booking.pk)
        if locked.status != Booking.Status.CONFIRMED:
            raise ServiceError(
                "The balance can be paid once the booking is confirmed "
                f"(this booking is {locked.get_status_display().lower()}).",
                code="balance_not_due",
            )
        due = booking_balance_due_cents(locked)
        if due <= 0:
            raise ServiceError("Nothing is due on this booking.", code="nothing_due")
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
        if payment is not None and payment.amount_cents != due:
            stale, payment = payment, None
            before = snapshot(stale, PAYMENT_AUDIT_FIELDS)
            stale.status = Payment.Status.FAILED
            stale.failure_reason = f"Superseded: the balance due is now {format_cents(due)}"
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
                amount_cents=due,
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


# --- Manual payments -------------------------------------------------------------------------


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
        raise ServiceError(
            "This booking is cancelled: no payment can be recorded for it.", code="booking_cancelled"
        )
    outstanding = booking_balance_due_cents(locked)
    if amount_cents > outstanding:
        raise ServiceError(
            f"At most {format_cents(outstanding)} is due on this booking.",
            field="amount_cents",
            code="overpayment",
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


# --- Refunds ---------------------------------------------------------------------------------


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
                code="refund_exceeds_paid",
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
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=refund.pk)
        if not locked.stripe_payment_id:
            before = snapshot(locked, PAYMENT_AUDIT_FIELDS)
            locked.stripe_payment_id = result.id
            locked.save(update_fields=["stripe_payment_id", "updated_at"])
            _audit_payment(
                actor=STRIPE_ACTOR,
                action="payment.refund_submit",
                payment=locked,
                booking=refund.booking,
                before=before,
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
        if locked.status != Booking.Status.CANCELLED or locked.refund_due_cents <= 0:
            return []
        rows = list(Payment.objects.filter(booking=locked, idempotency_key__startswith=key_prefix))
        if not rows:
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


# --- Stripe events: what each one does ----------------------------------------------------------


def _id_of(value: Any) -> str:
    """An expandable Stripe field: an id, or the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _metadata_payment_id(stripe_object: dict) -> uuid.UUID | None:
    try:
        return uuid.UUID(str((stripe_object.get("metadata") or {}).get("payment_id", "")))
    except ValueError:
        return None


def _payment_for_intent(payment_intent: dict) -> Payment | None:
    intent_id = _id_of(payment_intent.get("id"))
    payments = Payment.objects.filter(kind__in=PAID_KINDS, method=Payment.Method.STRIPE)
    payment_id = _metadata_payment_id(payment_intent)
    # Our metadata finds the row even before the intent's id was saved on it.
    if payment_id is not None:
        payment = payments.filter(pk=payment_id).first()
        if payment is not None and payment.stripe_payment_id in ("", intent_id):
            return payment
    return payments.filter(stripe_payment_id=intent_id).first() if intent_id else None


def _locked_pair(payment: Payment) -> tuple[Booking, Payment]:
    booking = _lock_booking(payment.booking_id)
    return booking, Payment.objects.select_for_update().get(pk=payment.pk)


@transaction.atomic
def payment_intent_succeeded_apply(*, payment_intent: dict) -> Outcome:
    """payment_intent.succeeded: the payment is received; a deposit confirms its booking."""
    found = _payment_for_intent(payment_intent)
    if found is None:
        return Outcome(False, "no payment of ours has this PaymentIntent")
    booking, payment = _locked_pair(found)
    payment.stripe_payment_id = payment.stripe_payment_id or payment_intent["id"]
    received = payment_intent.get("amount_received", payment_intent.get("amount"))
    if isinstance(received, int) and received != payment.amount_cents:
        _booking_flag(
            booking=booking,
            reason=f"Stripe received {format_cents(received)}, {format_cents(payment.amount_cents)} expected",
            actor=STRIPE_ACTOR,
        )
    already = payment.status in RECEIVED_STATUSES
    _payment_succeed(payment=payment, booking=booking, actor=STRIPE_ACTOR)
    return Outcome(True, "already received" if already else f"{payment.kind} received")


@transaction.atomic
def payment_intent_failed_apply(*, payment_intent: dict, canceled: bool = False) -> Outcome:
    """payment_intent.payment_failed / canceled: a pending payment failed; a received one stays received."""
    found = _payment_for_intent(payment_intent)
    if found is None:
        return Outcome(False, "no payment of ours has this PaymentIntent")
    booking, payment = _locked_pair(found)
    if payment.status != Payment.Status.PENDING:
        # A late failure of an earlier attempt, delivered after the success, changes nothing.
        return Outcome(True, f"payment is {payment.status}: unchanged")
    before = snapshot(payment, PAYMENT_AUDIT_FIELDS)
    error = payment_intent.get("last_payment_error") or {}
    reason = "canceled" if canceled else (error.get("message") or error.get("code") or "payment failed")
    payment.status = Payment.Status.FAILED
    payment.failure_reason = str(reason)[:255]
    payment.stripe_payment_id = payment.stripe_payment_id or payment_intent["id"]
    payment.save(update_fields=["status", "failure_reason", "stripe_payment_id", "updated_at"])
    _audit_payment(actor=STRIPE_ACTOR, action="payment.fail", payment=payment, booking=booking, before=before)
    return Outcome(True, f"{payment.kind} failed")


def _refund_row_for(refund: dict) -> Payment | None:
    refunds = Payment.objects.filter(kind=Payment.Kind.REFUND)
    payment_id = _metadata_payment_id(refund)
    if payment_id is not None:
        row = refunds.filter(pk=payment_id).first()
        if row is not None and row.stripe_payment_id in ("", refund["id"]):
            return row
    return refunds.filter(stripe_payment_id=refund["id"]).first()


@transaction.atomic
def payment_refund_reconcile(*, refund: dict) -> Outcome:
    """A Stripe refund object (refund.*, charge.refunded, or the fake gateway's answer) → our refund row.

    Order-independent: a refund not made by us (the Stripe dashboard) becomes a row of its own,
    linked to the payment through its payment_intent; it may arrive before that payment's success.
    """
    row = _refund_row_for(refund)
    if row is None:
        intent_id = _id_of(refund.get("payment_intent"))
        original = (
            Payment.objects.filter(
                kind__in=PAID_KINDS, method=Payment.Method.STRIPE, stripe_payment_id=intent_id
            ).first()
            if intent_id
            else None
        )
        if original is None:
            return Outcome(False, "no payment of ours has this refund's PaymentIntent")
        booking, original = _locked_pair(original)
        try:
            with transaction.atomic():
                row = Payment.objects.create(
                    booking=booking,
                    kind=Payment.Kind.REFUND,
                    method=Payment.Method.STRIPE,
                    amount_cents=refund["amount"],
                    status=Payment.Status.PENDING,
                    refund_of=original,
                    reason="Refunded at Stripe",
                    stripe_payment_id=refund["id"],
                )
        except IntegrityError:  # another event of the same refund created it meanwhile
            row = Payment.objects.get(stripe_payment_id=refund["id"])
        else:
            _audit_payment(
                actor=STRIPE_ACTOR, action="payment.refund_create", payment=row, booking=booking, before=None
            )
    booking = _lock_booking(row.booking_id)
    original = Payment.objects.select_for_update().get(pk=row.refund_of_id)
    row = Payment.objects.select_for_update().get(pk=row.pk)
    if not row.stripe_payment_id:  # the event came before payment_refund_submit saved the id
        row.stripe_payment_id = refund["id"]
        row.save(update_fields=["stripe_payment_id", "updated_at"])
    status = refund.get("status")
    if status == "succeeded":
        _refund_succeed(refund=row, original=original, booking=booking, actor=STRIPE_ACTOR)
    elif status in ("failed", "canceled"):
        reason = refund.get("failure_reason") or status
        _refund_fail(refund=row, original=original, booking=booking, reason=str(reason), actor=STRIPE_ACTOR)
    return Outcome(True, f"refund {row.stripe_payment_id}: {row.status}")


@transaction.atomic
def payment_charge_refunded_apply(*, charge: dict) -> Outcome:
    """charge.refunded: each refund listed on the charge; without the list, its refunded amount."""
    intent_id = _id_of(charge.get("payment_intent"))
    listed = (charge.get("refunds") or {}).get("data") or []
    if listed:
        outcomes = [
            payment_refund_reconcile(
                refund={**refund, "payment_intent": _id_of(refund.get("payment_intent")) or intent_id}
            )
            for refund in listed
        ]
        return Outcome(any(o.ours for o in outcomes), "; ".join(o.note for o in outcomes))
    # Recent API versions leave the refunds out of the charge: settle our pending refund rows of
    # this payment in order, up to the charge's refunded amount. Their refund.* events settle the rest.
    original = (
        Payment.objects.filter(
            kind__in=PAID_KINDS, method=Payment.Method.STRIPE, stripe_payment_id=intent_id
        ).first()
        if intent_id
        else None
    )
    if original is None:
        return Outcome(False, "no payment of ours has this charge's PaymentIntent")
    booking, original = _locked_pair(original)
    remaining = int(charge.get("amount_refunded") or 0) - _refunded_cents(original)
    settled = 0
    for row in (
        original.refunds.select_for_update().filter(status=Payment.Status.PENDING).order_by("created_at")
    ):
        if row.amount_cents > remaining:
            break
        _refund_succeed(refund=row, original=original, booking=booking, actor=STRIPE_ACTOR)
        remaining -= row.amount_cents
        settled += 1
    return Outcome(True, f"{settled} pending refund(s) settled")


@transaction.atomic
def payment_dispute_record(*, dispute: dict) -> Outcome:
    """charge.dispute.created: a high-severity security event, and the booking flagged to staff."""
    intent_id = _id_of(dispute.get("payment_intent"))
    payment = (
        Payment.objects.select_related("booking")
        .filter(kind__in=PAID_KINDS, stripe_payment_id=intent_id)
        .first()
        if intent_id
        else None
    )
    amount = dispute.get("amount") if isinstance(dispute.get("amount"), int) else 0
    security_event_record(
        type=SecurityEvent.Type.PAYMENT_DISPUTED,
        severity=SecurityEvent.Severity.HIGH,
        details={
            "dispute_id": dispute.get("id", ""),
            "payment_intent": intent_id,
            "charge": _id_of(dispute.get("charge")),
            "amount_cents": amount,
            "reason": dispute.get("reason", ""),
            "booking_id": str(payment.booking_id) if payment else None,
            "booking_reference": payment.booking.reference if payment else None,
        },
    )
    if payment is None:
        return Outcome(False, "no payment of ours has this dispute's PaymentIntent")
    booking = _lock_booking(payment.booking_id)
    _booking_flag(
        booking=booking,
        reason=f"Payment of {format_cents(amount)} disputed ({dispute.get('reason') or 'no reason given'})",
        actor=STRIPE_ACTOR,
    )
    return Outcome(True, "dispute recorded")


# --- Stripe events: received once, processed once ------------------------------------------------


def stripe_event_record(*, payload: dict) -> StripeEvent:
    """Store a (verified) event under its unique id; a repeated delivery finds the first one."""
    event_id = payload.get("id")
    event_type = payload.get("type")
    data = payload.get("data")
    if (
        not isinstance(event_id, str)
        or not event_id
        or len(event_id) > 255
        or not isinstance(event_type, str)
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
    ):
        raise ServiceError("This is not a Stripe event.", code=MALFORMED_EVENT)
    # INSERT ... ON CONFLICT DO NOTHING: two deliveries at once both end up with the one row.
    StripeEvent.objects.bulk_create(
        [
            StripeEvent(
                event_id=event_id,
                type=event_type[:100],
                livemode=bool(payload.get("livemode")),
                payload=payload,
            )
        ],
        ignore_conflicts=True,
    )
    return StripeEvent.objects.get(event_id=event_id)


def stripe_event_process(*, event_id: str, handler: Callable[[dict], Outcome] | None) -> StripeEvent:
    """Run the handler for a stored event exactly once: the event row is locked, processed_at checked.

    A second delivery arriving meanwhile waits for the lock and then finds it processed. When the
    handler fails, everything it did is rolled back, the failure is recorded, and the error is
    raised (Stripe delivers the event again later).
    """
    try:
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update().get(event_id=event_id)
            if event.processed_at is not None:
                return event
            if handler is None:
                status, note = StripeEvent.Status.IGNORED, "type not handled"
            else:
                outcome = handler(event.payload["data"]["object"])
                status = StripeEvent.Status.PROCESSED if outcome.ours else StripeEvent.Status.IGNORED
                note = outcome.note
            event.status = status
            event.note = note[:255]
            event.last_error = ""
            event.attempts += 1
            event.processed_at = timezone.now()
            event.save(
                update_fields=["status", "note", "last_error", "attempts", "processed_at", "updated_at"]
            )
            return event
    except Exception as error:
        StripeEvent.objects.filter(event_id=event_id, processed_at__isnull=True).update(
            status=StripeEvent.Status.FAILED,
            attempts=F("attempts") + 1,
            last_error=f"{error.__class__.__name__}: {error}"[:2000],
            updated_at=timezone.now(),
        )
        raise
