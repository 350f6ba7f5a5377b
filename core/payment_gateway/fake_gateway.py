"""A gateway that needs no Stripe account and no network: development, the demo, and tests.

It is stateless on purpose (development runs several processes): ids are derived from the
idempotency key, as Stripe would return the same object for the same key, and a PaymentIntent is
"paid" through the development endpoint POST /api/v1/payments/fake/<id>/succeed/, which feeds
the same event processing as the Stripe webhook.
"""

import hashlib
import hmac

from django.conf import settings

from core.payment_gateway.gateway import PaymentIntent, Refund

PAYMENT_INTENT_PREFIX = "pi_fake_"


def _digest(value: str, length: int = 24) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:length]


def _client_secret(payment_intent_id: str) -> str:
    signature = hmac.new(settings.SECRET_KEY.encode(), payment_intent_id.encode(), hashlib.sha256)
    return f"{payment_intent_id}_secret_{signature.hexdigest()[:24]}"


class FakeGateway:
    provider = "fake"
    publishable_key = "pk_fake_development"
    settles_refunds_at_once = True

    def customer_create(
        self, *, email: str, name: str, phone: str, metadata: dict[str, str], idempotency_key: str
    ) -> str:
        return f"cus_fake_{_digest(idempotency_key)}"

    def payment_intent_create(
        self,
        *,
        amount_cents: int,
        currency: str,
        customer_id: str,
        description: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> PaymentIntent:
        intent_id = f"{PAYMENT_INTENT_PREFIX}{_digest(idempotency_key)}"
        return PaymentIntent(
            id=intent_id,
            client_secret=_client_secret(intent_id),
            amount_cents=amount_cents,
            currency=currency,
            status="requires_payment_method",
            metadata=dict(metadata),
        )

    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentIntent:
        # Stateless: the amount and metadata are on our Payment row, which callers read.
        return PaymentIntent(
            id=payment_intent_id,
            client_secret=_client_secret(payment_intent_id),
            amount_cents=0,
            currency=settings.STRIPE_CURRENCY,
            status="requires_payment_method",
        )

    def payment_intent_cancel(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        return PaymentIntent(
            id=payment_intent_id,
            client_secret=_client_secret(payment_intent_id),
            amount_cents=0,
            currency=settings.STRIPE_CURRENCY,
            status="canceled",
        )

    def refund_create(
        self,
        *,
        payment_intent_id: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> Refund:
        return Refund(
            id=f"re_fake_{_digest(idempotency_key)}",
            amount_cents=amount_cents,
            currency=settings.STRIPE_CURRENCY,
            status="succeeded",
            payment_intent_id=payment_intent_id,
            metadata=dict(metadata),
        )
