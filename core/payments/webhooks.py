"""Stripe webhooks: signature verification on the raw body, and dispatch of each event exactly once.

`stripe_event_handle` is the one path every event takes — a verified webhook delivery, and the
development endpoint that "pays" a fake PaymentIntent — so the two differ only in the signature
check.
"""

import json
import logging
import time
from collections.abc import Callable

import stripe
from django.conf import settings

from core.models import Payment, StripeEvent
from core.services.payments import (
    MALFORMED_EVENT,
    PAID_KINDS,
    Outcome,
    payment_charge_refunded_apply,
    payment_dispute_record,
    payment_intent_failed_apply,
    payment_intent_succeeded_apply,
    payment_metadata,
    payment_refund_reconcile,
    stripe_event_process,
    stripe_event_record,
)
from kernel.error_codes import PaymentErrors
from kernel.errors import ConflictError, NotFoundError, ServiceError
from kernel.text import storable_json

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300


class WebhookNotConfigured(ServiceError):
    """No webhook secret: every event is refused (Stripe retries them once it is configured)."""

    status_code = 503
    default_code = PaymentErrors.WEBHOOK_NOT_CONFIGURED


class WebhookSignatureInvalid(ServiceError):
    default_code = PaymentErrors.WEBHOOK_SIGNATURE_INVALID


def stripe_event_verify(*, payload: bytes, signature_header: str | None) -> dict:
    """The event in the raw body, if the Stripe-Signature header signs it with our secret, recently."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: refused")
        raise WebhookNotConfigured("The payment webhook is not configured.")
    try:
        # Stripe's own check: the HMAC-SHA256 of "<timestamp>.<raw body>" with our secret, and a
        # timestamp at most five minutes old. Then we parse the body ourselves: the library's
        # construct_event assumes a JSON object and crashes on any other (signed) JSON.
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, SIGNATURE_TOLERANCE_SECONDS)
        event = json.loads(payload)
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureInvalid(f"Invalid Stripe signature: {error.user_message}") from error
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, or nested past the parser
        raise ServiceError("The body is not a Stripe event.", code=MALFORMED_EVENT) from error
    if not isinstance(event, dict):
        raise ServiceError("The body is not a Stripe event.", code=MALFORMED_EVENT)
    # A signed event is kept, not refused: a NUL ("\\u0000") or a lone surrogate in any of its
    # strings, which jsonb cannot store, becomes U+FFFD (refused, Stripe would retry it forever).
    return storable_json(event)


EVENT_HANDLERS: dict[str, Callable[[dict], Outcome]] = {
    "payment_intent.succeeded": lambda obj: payment_intent_succeeded_apply(payment_intent=obj),
    "payment_intent.payment_failed": lambda obj: payment_intent_failed_apply(payment_intent=obj),
    "payment_intent.canceled": lambda obj: payment_intent_failed_apply(payment_intent=obj, canceled=True),
    "charge.refunded": lambda obj: payment_charge_refunded_apply(charge=obj),
    "refund.created": lambda obj: payment_refund_reconcile(refund=obj),
    "refund.updated": lambda obj: payment_refund_reconcile(refund=obj),
    "refund.failed": lambda obj: payment_refund_reconcile(refund={**obj, "status": "failed"}),
    "charge.dispute.created": lambda obj: payment_dispute_record(dispute=obj),
}


def stripe_event_handle(payload: dict) -> StripeEvent:
    """Record the event under its id and process it once, however often and in whatever order it comes."""
    event = stripe_event_record(payload=payload)
    if event.processed_at is not None:
        return event  # a repeated delivery: nothing to lock, nothing to do
    return stripe_event_process(event_id=event.event_id, handler=EVENT_HANDLERS.get(event.type))


def fake_payment_intent_succeed(*, payment_intent_id: str) -> StripeEvent:
    """Development: "pay" a fake PaymentIntent with the event Stripe would send, through the same path."""
    payment = (
        Payment.objects.select_related("booking")
        .filter(kind__in=PAID_KINDS, method=Payment.Method.STRIPE, stripe_payment_id=payment_intent_id)
        .first()
    )
    if payment is None:
        raise NotFoundError("No payment has this PaymentIntent.")
    if payment.status == Payment.Status.FAILED:
        # As Stripe: a canceled intent (its booking was cancelled, or it was superseded) cannot be paid.
        raise ConflictError(
            f"This PaymentIntent cannot be paid: {payment.failure_reason or 'canceled'}.",
            code=PaymentErrors.PAYMENT_INTENT_CANCELED,
        )
    payload = {
        "id": f"evt_fake_{payment_intent_id}_succeeded",
        "object": "event",
        "type": "payment_intent.succeeded",
        "livemode": False,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": payment_intent_id,
                "object": "payment_intent",
                "amount": payment.amount_cents,
                "amount_received": payment.amount_cents,
                "currency": settings.STRIPE_CURRENCY,
                "status": "succeeded",
                "metadata": payment_metadata(payment, payment.booking),
            }
        },
    }
    return stripe_event_handle(payload)
