"""The payment gateway's interface: what the payment services need from a card processor.

Two implementations, `StripeGateway` (stripe_gateway.py, the official library) and `FakeGateway`
(fake_gateway.py, no network), import this module; factory.py chooses one. This module
imports neither, so the interface and its implementations form no circle. Every call that
creates something takes an idempotency key derived from our own row, so that a retry after a
timeout returns what the first call created.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

from kernel.error_codes import PaymentErrors
from kernel.errors import ServiceError


class PaymentGatewayError(ServiceError):
    """The processor could not be reached or refused the call; nothing we wrote is lost."""

    status_code = 503
    default_code = PaymentErrors.PAYMENT_PROVIDER_UNAVAILABLE


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
