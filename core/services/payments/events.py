"""Stripe events: each stored once under its id and processed exactly once, and what each does.

The handlers are order-independent: a refund can be reconciled before the success of its
payment, and a failure delivered after a success changes nothing.
"""

import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import SecurityEvent
from audit.services import security_event_record, snapshot
from core.models import Booking, Payment, StripeEvent
from core.services.payments.ledger import _refunded_cents
from core.services.payments.rows import (
    PAID_KINDS,
    PAYMENT_AUDIT_FIELDS,
    RECEIVED_STATUSES,
    STRIPE_ACTOR,
    _audit_payment,
    _lock_booking,
)
from core.services.payments.settlement import _booking_flag, _payment_succeed, _refund_fail, _refund_succeed
from kernel.error_codes import PaymentErrors
from kernel.errors import ServiceError
from kernel.money import format_cents

MALFORMED_EVENT = PaymentErrors.MALFORMED_EVENT


class Outcome(NamedTuple):
    """What a Stripe event handler did: `ours` is False for objects that are not ours."""

    ours: bool
    note: str


# --- What each event does ---------------------------------------------------------------------


def _id_of(value: Any) -> str:
    """An expandable Stripe field: an id, or the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _metadata_payment_id(stripe_object: dict) -> uuid.UUID | None:
    metadata = stripe_object.get("metadata")
    if not isinstance(metadata, dict):
        return None  # not ours: we always send an object
    try:
        return uuid.UUID(str(metadata.get("payment_id", "")))
    except ValueError:
        return None


# The largest amount a Payment row holds (a PostgreSQL integer).
MAX_AMOUNT_CENTS = 2**31 - 1


def _malformed(what: str) -> ServiceError:
    """A signed event whose object is not shaped as Stripe shapes it: a 400, never a crash."""
    return ServiceError(f"Malformed Stripe event: {what}.", code=MALFORMED_EVENT)


def _checked_refund(refund: Any) -> dict:
    if not isinstance(refund, dict):
        raise _malformed("a refund is not an object")
    if not isinstance(refund.get("id"), str) or not refund["id"] or len(refund["id"]) > 255:
        raise _malformed("a refund has no id")
    amount = refund.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT_CENTS:
        raise _malformed("a refund amount is not a positive number of cents")
    return refund


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
    refund = _checked_refund(refund)
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
    refunds = charge.get("refunds") or {}
    listed = (refunds.get("data") or []) if isinstance(refunds, dict) else None
    if not isinstance(listed, list):
        raise _malformed("a charge's refunds are not a list")
    amount_refunded = charge.get("amount_refunded") or 0
    if isinstance(amount_refunded, bool) or not isinstance(amount_refunded, int):
        raise _malformed("a charge's refunded amount is not a number of cents")
    if listed:
        outcomes = [
            payment_refund_reconcile(
                refund={**refund, "payment_intent": _id_of(refund.get("payment_intent")) or intent_id}
            )
            for refund in map(_checked_refund, listed)
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
    remaining = amount_refunded - _refunded_cents(original)
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
        station_id=payment.booking.station_id if payment else None,
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


# --- Received once, processed once ---------------------------------------------------------------


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
