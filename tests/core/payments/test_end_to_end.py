"""Through the API: book, pay the deposit, cancel in time, get it back (Stripe replaced at its HTTP edge)."""

import pytest

from audit.models import AuditLog
from core.models import Booking, Customer, Payment
from tests.core.conftest import event_date
from tests.core.payments.conftest import charge_refunded_object, event, intent_object, refund_object

pytestmark = pytest.mark.django_db


def booking_body() -> dict:
    return {
        "customer": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone": "(510) 555-0142",
        },
        "date": event_date(14).isoformat(),
        "slot": "18:00",
        "address": {"line1": "123 Main St", "city": "Fremont", "state": "CA", "zip_code": "94539"},
        "party_adults": 10,
        "party_kids": 2,
    }


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {key: "1000/min" for key in settings.API_THROTTLE_RATES}


def test_book_pay_cancel_in_time_and_the_deposit_comes_back(
    api_client, station, chef, stripe_http, deliver, django_capture_on_commit_callbacks
):
    # Book: no call to Stripe; the answer says how to pay the deposit.
    booked = api_client.post("/api/v1/bookings/", booking_body(), format="json")

    assert booked.status_code == 201, booked.content
    step = booked.json()["payment"]
    assert (step["amount_cents"], step["currency"]) == (10000, "usd")
    assert step["intent_url"] == f"/api/v1/bookings/manage/{booked.json()['manage_token']}/deposit/"
    assert stripe_http.posts("/v1/payment_intents") == []

    # The payment step: the deposit PaymentIntent is made now.
    payment = api_client.post(step["intent_url"]).json()
    assert payment["provider"] == "stripe"
    assert payment["publishable_key"] == "pk_test_123"
    assert payment["amount_cents"] == 10000
    assert payment["client_secret"] == f"{payment['payment_intent_id']}_secret_abc"
    booking = Booking.objects.get(reference=booked.json()["reference"])
    assert booking.status == "deposit_pending"
    (intent_post,) = stripe_http.posts("/v1/payment_intents")
    assert intent_post.params["metadata[booking_reference]"] == booking.reference
    deposit = Payment.objects.get(booking=booking)
    assert deposit.stripe_payment_id == payment["payment_intent_id"]

    # Stripe says it is paid: the booking is confirmed.
    assert deliver(event("payment_intent.succeeded", intent_object(deposit))).status_code == 200

    booking.refresh_from_db()
    assert booking.status == "confirmed"
    customer = Customer.objects.get(pk=booking.customer_id)
    assert customer.total_spend_cents == 10000

    # Cancel 14 days ahead through the manage link: the deposit refund goes to Stripe after commit.
    token = booked.json()["manage_token"]
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = api_client.post(
            f"/api/v1/bookings/manage/{token}/cancel/", {"reason": "Moved"}, format="json"
        )

    assert cancelled.status_code == 200, cancelled.content
    booking.refresh_from_db()
    assert (booking.status, booking.refund_due_cents) == ("cancelled", 10000)
    (refund_post,) = stripe_http.posts("/v1/refunds")
    assert refund_post.params["payment_intent"] == deposit.stripe_payment_id
    assert refund_post.params["amount"] == "10000"
    refund = Payment.objects.get(booking=booking, kind="refund")
    assert refund_post.headers["Idempotency-Key"] == f"booking:{booking.pk}:cancellation-refund:{deposit.pk}"
    assert (refund.status, refund.refund_of_id) == ("pending", deposit.pk)

    # Stripe says the charge is refunded: the refund and the deposit are settled, totals right.
    settled = refund_object(
        refund_id=refund.stripe_payment_id, payment_intent=deposit.stripe_payment_id, amount=10000
    )
    charge = charge_refunded_object(payment_intent=deposit.stripe_payment_id, amount=10000, refunds=[settled])
    assert deliver(event("charge.refunded", charge)).status_code == 200

    refund.refresh_from_db()
    deposit.refresh_from_db()
    customer.refresh_from_db()
    assert refund.status == "succeeded"
    assert deposit.status == "refunded"
    assert customer.total_spend_cents == 0
    actions = list(
        AuditLog.objects.filter(resource_type="core.payment")
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == [
        "payment.create",
        "payment.intent_create",
        "payment.succeed",
        "payment.refund_create",
        "payment.refund_submit",
        "payment.refund_succeed",
        "payment.refunded",
    ]


def test_booking_needs_no_payment_provider_and_the_payment_step_creates_the_intent_once(
    api_client, station, chef, stripe_http
):
    stripe_http.down = True
    booked = api_client.post("/api/v1/bookings/", booking_body(), format="json")

    assert booked.status_code == 201
    assert Booking.objects.get().status == "deposit_pending"
    url = booked.json()["payment"]["intent_url"]
    assert api_client.post(url).status_code == 503  # Stripe is down at the payment step: ask again

    stripe_http.down = False
    first = api_client.post(url)
    second = api_client.post(url)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(stripe_http.posts("/v1/payment_intents")) == 1
    assert Payment.objects.count() == 1


def test_with_the_fake_gateway_booking_and_paying_works_with_no_stripe_account(
    api_client, station, chef, fake_gateway
):
    booked = api_client.post("/api/v1/bookings/", booking_body(), format="json").json()
    intent = api_client.post(booked["payment"]["intent_url"]).json()

    assert intent["provider"] == "fake"
    paid = api_client.post(f"/api/v1/payments/fake/{intent['payment_intent_id']}/succeed/")

    assert paid.status_code == 200
    assert Booking.objects.get(reference=booked["reference"]).status == "confirmed"
