"""The real StripeGateway through the stripe library, only Stripe's HTTP replaced: the exact requests."""

import datetime

import pytest

from audit.actor import Actor
from core.models import Payment
from core.payment_gateway.gateway import PaymentGatewayError
from core.services.payments import payment_balance_intent, payment_deposit_intent, payment_refund
from tests.core.factories import BookingFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_a_deposit_intent_is_created_with_amount_currency_customer_metadata_and_idempotency_key(
    stripe_http, pending_booking
):
    payment = payment_deposit_intent(booking=pending_booking)

    customer_post, intent_post = stripe_http.requests
    assert customer_post.method == "POST"
    assert customer_post.url == "https://api.stripe.com/v1/customers"
    assert customer_post.params["email"] == pending_booking.customer.email
    assert customer_post.params["metadata[customer_id]"] == str(pending_booking.customer_id)
    assert customer_post.headers["Idempotency-Key"] == f"customer:{pending_booking.customer_id}:stripe"

    assert intent_post.method == "POST"
    assert intent_post.url == "https://api.stripe.com/v1/payment_intents"
    assert intent_post.headers["Authorization"] == "Bearer sk_test_123"
    assert intent_post.headers["Idempotency-Key"] == f"booking:{pending_booking.pk}:deposit"
    row = Payment.objects.get(booking=pending_booking)
    assert intent_post.params == {
        "amount": "10000",
        "currency": "usd",
        "customer": "cus_1",
        "description": f"My Hibachi {pending_booking.reference} deposit",
        "automatic_payment_methods[enabled]": "true",
        "metadata[booking_id]": str(pending_booking.pk),
        "metadata[booking_reference]": pending_booking.reference,
        "metadata[payment_id]": str(row.pk),
        "metadata[kind]": "deposit",
        "metadata[customer_id]": str(pending_booking.customer_id),
    }
    assert payment == {
        "provider": "stripe",
        "payment_intent_id": "pi_3",
        "client_secret": "pi_3_secret_abc",
        "publishable_key": "pk_test_123",
        "amount_cents": 10000,
        "currency": "usd",
    }
    pending_booking.customer.refresh_from_db()
    assert pending_booking.customer.stripe_customer_id == "cus_1"
    assert (row.kind, row.method, row.status, row.amount_cents) == ("deposit", "stripe", "pending", 10000)
    assert row.stripe_payment_id == "pi_3"


def test_asking_again_retrieves_the_same_intent_and_creates_nothing(stripe_http, pending_booking):
    first = payment_deposit_intent(booking=pending_booking)

    second = payment_deposit_intent(booking=pending_booking)

    assert second == first
    assert len(stripe_http.posts("/v1/payment_intents")) == 1
    assert len(stripe_http.posts("/v1/customers")) == 1
    retrieve = stripe_http.requests[-1]
    assert (retrieve.method, retrieve.path) == ("GET", f"/v1/payment_intents/{first['payment_intent_id']}")
    assert Payment.objects.filter(booking=pending_booking).count() == 1


def test_the_stripe_customer_is_created_once_per_customer(stripe_http, pending_booking):
    other_booking = BookingFactory(
        customer=pending_booking.customer,
        status="deposit_pending",
        date=pending_booking.date + datetime.timedelta(days=1),
    )

    payment_deposit_intent(booking=pending_booking)
    payment_deposit_intent(booking=other_booking)

    assert len(stripe_http.posts("/v1/customers")) == 1
    intents = stripe_http.posts("/v1/payment_intents")
    assert [r.params["customer"] for r in intents] == ["cus_1", "cus_1"]


def test_a_retry_after_a_timeout_sends_the_same_idempotency_key_and_gets_the_same_intent(
    stripe_http, pending_booking
):
    # The intent was created at Stripe, but our process never saved its id (a timeout).
    payment_deposit_intent(booking=pending_booking)
    Payment.objects.filter(booking=pending_booking).update(stripe_payment_id="")

    again = payment_deposit_intent(booking=pending_booking)

    keys = [r.headers["Idempotency-Key"] for r in stripe_http.posts("/v1/payment_intents")]
    assert keys == [f"booking:{pending_booking.pk}:deposit"] * 2
    assert again["payment_intent_id"] == "pi_3"  # Stripe replayed the first answer
    assert Payment.objects.get(booking=pending_booking).stripe_payment_id == "pi_3"


def test_a_balance_intent_asks_for_the_total_minus_what_was_paid(stripe_http):
    booking = BookingFactory(status="confirmed", total_due_cents=61000)
    PaymentFactory(booking=booking, kind="deposit", method="cash", amount_cents=10000)

    payment = payment_balance_intent(booking=booking)

    (intent_post,) = stripe_http.posts("/v1/payment_intents")
    row = Payment.objects.get(booking=booking, kind="balance")
    assert intent_post.params["amount"] == "51000"
    assert intent_post.params["metadata[kind]"] == "balance"
    assert intent_post.headers["Idempotency-Key"] == f"booking:{booking.pk}:balance:{row.pk}"
    assert payment["amount_cents"] == 51000


def test_a_refund_is_sent_with_the_payment_intent_amount_metadata_and_the_refund_rows_key(stripe_http):
    booking = BookingFactory(status="confirmed")
    original = PaymentFactory(booking=booking, stripe_payment_id="pi_paid")
    staff = Actor.system("test")

    refund = payment_refund(booking=booking, amount_cents=2500, reason="Late chef", actor=staff)

    (refund_post,) = stripe_http.posts("/v1/refunds")
    assert refund_post.url == "https://api.stripe.com/v1/refunds"
    assert refund_post.params == {
        "payment_intent": "pi_paid",
        "amount": "2500",
        "metadata[booking_id]": str(booking.pk),
        "metadata[booking_reference]": booking.reference,
        "metadata[payment_id]": str(refund.pk),
        "metadata[kind]": "refund",
        "metadata[customer_id]": str(booking.customer_id),
    }
    assert refund_post.headers["Idempotency-Key"] == f"refund:{refund.pk}"
    assert (refund.kind, refund.status, refund.refund_of_id, refund.amount_cents) == (
        "refund",
        "pending",
        original.pk,
        2500,
    )
    assert refund.stripe_payment_id == "re_1"


def test_stripe_unreachable_is_a_gateway_error_and_leaves_the_pending_row_to_retry(
    stripe_http, pending_booking
):
    stripe_http.down = True

    with pytest.raises(PaymentGatewayError) as raised:
        payment_deposit_intent(booking=pending_booking)

    assert raised.value.status_code == 503
    row = Payment.objects.get(booking=pending_booking)
    assert (row.status, row.stripe_payment_id) == ("pending", "")


def test_a_stripe_server_error_is_a_gateway_error(stripe_http, pending_booking, monkeypatch):
    monkeypatch.setattr(
        stripe_http, "_answer", lambda request: (500, {"error": {"type": "api_error", "message": "x"}})
    )

    with pytest.raises(PaymentGatewayError):
        payment_deposit_intent(booking=pending_booking)
