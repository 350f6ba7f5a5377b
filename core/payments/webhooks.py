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
from myhibachi.errors import NotFoundError, ServiceError

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300


class WebhookNotConfigured(ServiceError):
    """No webhook secret: every event is refused (Stripe retries them once it is configured)."""

    status_code = 503
    default_code = "webhook_not_configured"


class WebhookSignatureInvalid(ServiceError):
    default_code = "webhook_signature_invalid"


def stripe_event_verify(*, payload: bytes, signature_header: str | None) -> dict:
    """The event in the raw body, if the Stripe-Signature header signs it with our secret, recently."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: refused")
        raise WebhookNotConfigured("The payment webhook is not configured.")
    try:
        # Verifies the HMAC over "<timestamp>.<raw body>" and the timestamp's age.
        stripe.Webhook.construct_event(
            payload, signature_header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureInvalid(f"Invalid Stripe signature: {error.user_message}") from error
    except ValueError as error:  # not JSON, not UTF-8, or not an event
        raise WebhookSignatureInvalid("The body is not a Stripe event.") from error
    if not isinstance(event, dict):
        raise WebhookSignatureInvalid("The body is not a Stripe event.")
    return event


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
