"""The payment gateway: what the payment services need from a card processor, and which one is used.

Two implementations: `StripeGateway` (the official library) when STRIPE_SECRET_KEY is set, and
`FakeGateway` otherwise, so that development and the demo work without a Stripe account and
nothing reaches the network. Every call that creates something takes an idempotency key derived
from our own row, so that a retry after a timeout returns what the first call created.
"""

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from kernel.errors import ServiceError

logger = logging.getLogger(__name__)


class PaymentGatewayError(ServiceError):
    """The processor could not be reached or refused the call; nothing we wrote is lost."""

    status_code = 503
    default_code = "payment_provider_unavailable"


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    client_secret: str
    amount_cents: int
    currency: str
    status: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refund:
    """A refund as the processor reports it; `as_event_object()` is its webhook shape."""

    id: str
    amount_cents: int
    currency: str
    status: str  # pending, requires_action, succeeded, failed, canceled
    payment_intent_id: str
    metadata: dict[str, str] = field(default_factory=dict)

    def as_event_object(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "refund",
            "amount": self.amount_cents,
            "currency": self.currency,
            "status": self.status,
            "payment_intent": self.payment_intent_id,
            "metadata": dict(self.metadata),
        }


class PaymentGateway(Protocol):
    provider: str  # "stripe" or "fake": what the client needs to load
    publishable_key: str
    # True when a refund is final as soon as it is created (the fake): the services then
    # reconcile it at once, through the same code as the webhook.
    settles_refunds_at_once: bool

    def customer_create(
        self, *, email: str, name: str, phone: str, metadata: dict[str, str], idempotency_key: str
    ) -> str:
        """Create the processor's customer; returns its id."""
        ...

    def payment_intent_create(
        self,
        *,
        amount_cents: int,
        currency: str,
        customer_id: str,
        description: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> PaymentIntent: ...

    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentIntent: ...

    def payment_intent_cancel(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent: ...

    def refund_create(
        self,
        *,
        payment_intent_id: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> Refund: ...


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


_stripe_gateways: dict[tuple, PaymentGateway] = {}


def get_gateway() -> PaymentGateway:
    """The configured gateway: Stripe with a secret key, the fake without one (never in production)."""
    if stripe_configured():
        key = (
            settings.STRIPE_SECRET_KEY,
            settings.STRIPE_PUBLISHABLE_KEY,
            settings.STRIPE_TIMEOUT_SECONDS,
            settings.STRIPE_MAX_NETWORK_RETRIES,
        )
        gateway = _stripe_gateways.get(key)
        if gateway is None:
            from core.payments.stripe_gateway import StripeGateway

            # One client per configuration: it keeps its HTTP connection pool between calls.
            gateway = _stripe_gateways[key] = StripeGateway(
                secret_key=settings.STRIPE_SECRET_KEY,
                publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
                timeout_seconds=settings.STRIPE_TIMEOUT_SECONDS,
                max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
            )
        return gateway
    if settings.PRODUCTION:
        # Production settings do not require Stripe (the site can run while payments are set
        # up), but a fake "payment" there would be a lie: no card payments until configured.
        logger.error("STRIPE_SECRET_KEY is not set in production: card payments are unavailable")
        raise PaymentGatewayError("Card payments are not available at the moment.")
    from core.payments.fake_gateway import FakeGateway

    return FakeGateway()
