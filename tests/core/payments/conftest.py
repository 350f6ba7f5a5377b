"""Payment test helpers: Stripe replaced at its HTTP edge, signed webhook deliveries, event builders.

Nothing here reaches the network. `StripeHTTP` is a `stripe.HTTPClient` given to the real
`StripeClient`: the library builds, encodes and sends its requests as in production, and this
records them and answers like Stripe would (including its idempotency: the same key returns the
first answer).
"""

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe

from core.models import Booking
from core.payment_gateway import factory as gateway_module
from core.payment_gateway.stripe_gateway import StripeGateway
from tests.core.factories import BookingFactory

WEBHOOK_SECRET = "whsec_test_secret"
WEBHOOK_URL = "/api/v1/payments/stripe/webhook/"


@dataclass
class RecordedRequest:
    method: str
    url: str
    path: str
    headers: dict[str, str]
    params: dict[str, str]


@dataclass
class StripeHTTP(stripe.HTTPClient):
    """A fake Stripe API behind the library's HTTP client interface."""

    name = "recording"
    requests: list[RecordedRequest] = field(default_factory=list)
    down: bool = False  # every request fails as a connection error (Stripe unreachable)
    refund_status: str = "pending"
    _by_idempotency_key: dict[str, tuple[str, int]] = field(default_factory=dict)
    _objects: dict[str, dict] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self):
        super().__init__()

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or parts.query or "")
        recorded = RecordedRequest(
            method=method.upper(),
            url=url.split("?")[0],
            path=parts.path,
            headers=dict(headers or {}),
            params=dict(parse_qsl(body, keep_blank_values=True)),
        )
        self.requests.append(recorded)
        if self.down:
            raise stripe.APIConnectionError("Could not connect to Stripe (test).")
        key = recorded.headers.get("Idempotency-Key")
        if method.upper() == "POST" and key in self._by_idempotency_key:
            body, status = self._by_idempotency_key[key]
            return body, status, {"Request-Id": "req_replayed", "Idempotent-Replayed": "true"}
        status, payload = self._answer(recorded)
        answer = json.dumps(payload)
        if method.upper() == "POST" and key:
            self._by_idempotency_key[key] = (answer, status)
        return answer, status, {"Request-Id": f"req_{next(self._ids)}"}

    def close(self):
        pass

    def posts(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def _metadata(self, params: dict[str, str]) -> dict[str, str]:
        return {k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")}

    def _answer(self, request: RecordedRequest) -> tuple[int, dict]:
        params, path = request.params, request.path
        if request.method == "POST" and path == "/v1/customers":
            customer = {"id": f"cus_{next(self._ids)}", "object": "customer", "email": params.get("email")}
            return 200, customer
        if request.method == "POST" and path == "/v1/payment_intents":
            intent_id = f"pi_{next(self._ids)}"
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(params["amount"]),
                "currency": params["currency"],
                "customer": params.get("customer"),
                "client_secret": f"{intent_id}_secret_abc",
                "status": "requires_payment_method",
                "metadata": self._metadata(params),
            }
            self._objects[intent_id] = intent
            return 200, intent
        if request.method == "GET" and path.startswith("/v1/payment_intents/"):
            intent = self._objects.get(path.rsplit("/", 1)[1])
            if intent is None:
                return 404, {"error": {"type": "invalid_request_error", "message": "No such payment_intent"}}
            return 200, intent
        if request.method == "POST" and path.endswith("/cancel"):
            intent = self._objects[path.split("/")[3]]
            intent["status"] = "canceled"
            return 200, intent
        if request.method == "POST" and path == "/v1/refunds":
            refund = {
                "id": f"re_{next(self._ids)}",
                "object": "refund",
                "amount": int(params["amount"]),
                "currency": "usd",
                "status": self.refund_status,
                "payment_intent": params["payment_intent"],
                "metadata": self._metadata(params),
            }
            return 200, refund
        return 404, {
            "error": {"type": "invalid_request_error", "message": f"Unknown {request.method} {path}"}
        }


@pytest.fixture
def stripe_http(settings, monkeypatch) -> StripeHTTP:
    """Stripe configured, with the real StripeGateway talking to the fake Stripe above."""
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    http = StripeHTTP()
    gateway = StripeGateway(
        secret_key=settings.STRIPE_SECRET_KEY,
        publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
        max_network_retries=0,
        http_client=http,
    )
    key = (
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_PUBLISHABLE_KEY,
        settings.STRIPE_TIMEOUT_SECONDS,
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )
    monkeypatch.setitem(gateway_module._stripe_gateways, key, gateway)
    return http


@pytest.fixture
def fake_gateway(settings) -> None:
    """No Stripe key: the fake gateway (the development default)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


@pytest.fixture(autouse=True)
def webhook_secret(settings) -> str:
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = ""  # never a real key from the environment in tests
    return WEBHOOK_SECRET


@pytest.fixture
def pending_booking(db) -> Booking:
    return BookingFactory(
        status=Booking.Status.DEPOSIT_PENDING, deposit_due_cents=10000, total_due_cents=61000
    )


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed the way Stripe does."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


_event_ids = itertools.count(1)


def event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_event_ids)}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def intent_object(payment, *, status: str = "succeeded", **extra: Any) -> dict:
    return {
        "id": payment.stripe_payment_id,
        "object": "payment_intent",
        "amount": payment.amount_cents,
        "amount_received": payment.amount_cents if status == "succeeded" else 0,
        "currency": "usd",
        "status": status,
        "metadata": {
            "booking_id": str(payment.booking_id),
            "payment_id": str(payment.pk),
            "kind": payment.kind,
        },
        **extra,
    }


def refund_object(
    *, refund_id: str, payment_intent: str, amount: int, status: str = "succeeded", **extra
) -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": "usd",
        "status": status,
        "payment_intent": payment_intent,
        "metadata": {},
        **extra,
    }


def charge_refunded_object(*, payment_intent: str, amount: int, refunds: list[dict]) -> dict:
    return {
        "id": "ch_" + payment_intent,
        "object": "charge",
        "amount": amount,
        "amount_refunded": sum(r["amount"] for r in refunds if r["status"] == "succeeded"),
        "payment_intent": payment_intent,
        "refunded": True,
        "refunds": {"object": "list", "data": refunds},
    }


@pytest.fixture
def deliver(api_client) -> Callable[..., Any]:
    """POST an event to the webhook, signed like Stripe signs it (or with the header given)."""

    def post(payload: dict | str, *, header: str | None = "sign", timestamp: int | None = None):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        extra = {}
        if header == "sign":
            extra["HTTP_STRIPE_SIGNATURE"] = sign(body, timestamp=timestamp)
        elif header is not None:
            extra["HTTP_STRIPE_SIGNATURE"] = header
        return api_client.post(WEBHOOK_URL, data=body, content_type="application/json", **extra)

    return post
