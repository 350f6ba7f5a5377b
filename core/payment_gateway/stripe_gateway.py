"""The Stripe gateway, through the official library's `StripeClient` and its `v1` namespace."""

import logging
from typing import Any

import stripe

from core.payment_gateway.gateway import PaymentGatewayError, PaymentIntent, Refund

logger = logging.getLogger(__name__)


class StripeGateway:
    provider = "stripe"
    settles_refunds_at_once = False  # the webhook reconciles refunds (charge.refunded, refund.*)

    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str,
        timeout_seconds: float = 10.0,
        max_network_retries: int = 2,
        http_client: stripe.HTTPClient | None = None,
    ):
        self.publishable_key = publishable_key
        self.client = stripe.StripeClient(
            secret_key,
            # Tests pass a recording client here: the library's own code runs, only the HTTP
            # edge is replaced.
            http_client=http_client or stripe.RequestsClient(timeout=timeout_seconds),
            max_network_retries=max_network_retries,
        )

    def customer_create(
        self, *, email: str, name: str, phone: str, metadata: dict[str, str], idempotency_key: str
    ) -> str:
        params: dict[str, Any] = {"email": email, "name": name, "metadata": metadata}
        if phone:
            params["phone"] = phone
        with _gateway_errors("customers.create"):
            customer = self.client.v1.customers.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        return customer.to_dict()["id"]

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
        params: dict[str, Any] = {
            "amount": amount_cents,
            "currency": currency,
            "description": description,
            "metadata": metadata,
            "automatic_payment_methods": {"enabled": True},
        }
        if customer_id:
            params["customer"] = customer_id
        with _gateway_errors("payment_intents.create"):
            intent = self.client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        return _payment_intent(intent)

    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentIntent:
        with _gateway_errors("payment_intents.retrieve"):
            intent = self.client.v1.payment_intents.retrieve(payment_intent_id)
        return _payment_intent(intent)

    def payment_intent_cancel(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        with _gateway_errors("payment_intents.cancel"):
            intent = self.client.v1.payment_intents.cancel(
                payment_intent_id, options={"idempotency_key": idempotency_key}
            )
        return _payment_intent(intent)

    def refund_create(
        self,
        *,
        payment_intent_id: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> Refund:
        with _gateway_errors("refunds.create"):
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment_intent_id, "amount": amount_cents, "metadata": metadata},
                options={"idempotency_key": idempotency_key},
            )
        # StripeObjects are not dicts (no .get): read their plain-dict form.
        values = refund.to_dict()
        return Refund(
            id=values["id"],
            amount_cents=values["amount"],
            currency=values.get("currency") or "",
            status=values.get("status") or "pending",
            payment_intent_id=_id_of(values.get("payment_intent")) or payment_intent_id,
            metadata=dict(values.get("metadata") or {}),
        )


def _payment_intent(intent: stripe.PaymentIntent) -> PaymentIntent:
    values = intent.to_dict()
    return PaymentIntent(
        id=values["id"],
        client_secret=values.get("client_secret") or "",
        amount_cents=values["amount"],
        currency=values.get("currency") or "",
        status=values.get("status") or "",
        metadata=dict(values.get("metadata") or {}),
    )


def _id_of(value: Any) -> str:
    """An expandable field: an id, or the expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


class _gateway_errors:
    """Every Stripe error becomes a PaymentGatewayError (503 in the API), logged with Stripe's request id."""

    def __init__(self, operation: str):
        self.operation = operation

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or not isinstance(exc, stripe.StripeError):
            return False
        logger.warning(
            "Stripe %s failed: %s (request id %s, http status %s)",
            self.operation,
            exc.user_message or exc.__class__.__name__,
            exc.request_id,
            exc.http_status,
        )
        raise PaymentGatewayError("The payment provider could not be reached. Please try again.") from exc
