"""The payment endpoints: deposit and balance through the manage link, the fake-payment endpoint."""

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory

from core.models import Booking, Payment, StripeEvent
from core.payments.api import FakePaymentIntentSucceedApi
from core.tokens import manage_token_for
from tests.core.factories import BookingFactory, PaymentFactory
from tests.core.payments.conftest import event, intent_object

pytestmark = pytest.mark.django_db


def deposit_url(booking: Booking) -> str:
    return f"/api/v1/bookings/manage/{manage_token_for(booking)}/deposit/"


def balance_url(booking: Booking) -> str:
    return f"/api/v1/bookings/manage/{manage_token_for(booking)}/balance/"


def succeed_url(payment_intent_id: str) -> str:
    return f"/api/v1/payments/fake/{payment_intent_id}/succeed/"


def test_the_deposit_endpoint_returns_the_same_intent_every_time(api_client, fake_gateway, pending_booking):
    first = api_client.post(deposit_url(pending_booking))
    second = api_client.post(deposit_url(pending_booking))

    assert first.status_code == 200
    body = first.json()
    assert body["provider"] == "fake"
    assert body["amount_cents"] == 10000 and body["currency"] == "usd"
    assert body["client_secret"].startswith(body["payment_intent_id"] + "_secret_")
    assert second.json() == body
    assert Payment.objects.filter(booking=pending_booking).count() == 1


def test_the_deposit_endpoint_with_a_bad_token_is_a_404(api_client, fake_gateway, pending_booking):
    response = api_client.post("/api/v1/bookings/manage/not-a-token/deposit/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_no_deposit_to_pay_on_a_confirmed_booking(api_client, fake_gateway):
    booking = BookingFactory(status="confirmed")

    response = api_client.post(deposit_url(booking))

    assert response.status_code == 409  # a state conflict, not invalid input
    assert response.json()["error"]["code"] == "deposit_not_due"


def test_stripe_unreachable_is_a_503_in_the_error_shape(api_client, stripe_http, pending_booking):
    stripe_http.down = True

    response = api_client.post(deposit_url(pending_booking))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payment_provider_unavailable"


def test_the_balance_endpoint_asks_for_what_is_left(api_client, fake_gateway):
    booking = BookingFactory(status="confirmed", total_due_cents=61000)
    PaymentFactory(booking=booking, kind="deposit", amount_cents=10000, stripe_payment_id="pi_dep")

    response = api_client.post(balance_url(booking))

    assert response.status_code == 200
    assert response.json()["amount_cents"] == 51000


def test_the_balance_endpoint_refuses_an_unconfirmed_booking_clearly(
    api_client, fake_gateway, pending_booking
):
    response = api_client.post(balance_url(pending_booking))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "balance_not_due"
    assert error["message"] == (
        "The balance can be paid once the booking is confirmed (this booking is deposit pending)."
    )


def test_manage_payment_endpoints_use_the_manage_throttle(
    api_client, fake_gateway, pending_booking, settings
):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "2/min"}

    codes = [api_client.post(deposit_url(pending_booking)).status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_the_webhook_is_never_throttled(deliver, settings):
    settings.API_THROTTLE_RATES = {key: "1/min" for key in settings.API_THROTTLE_RATES}

    codes = [deliver(event("customer.updated", {"id": "cus_1"})).status_code for _ in range(3)]

    assert codes == [200, 200, 200]


# --- The development "pay" endpoint ----------------------------------------------------------------


def test_paying_a_fake_intent_goes_through_the_webhook_processing_once(
    api_client, fake_gateway, pending_booking
):
    intent = api_client.post(deposit_url(pending_booking)).json()

    first = api_client.post(succeed_url(intent["payment_intent_id"]))
    second = api_client.post(succeed_url(intent["payment_intent_id"]))

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "processed"
    assert first.json()["event_id"] == second.json()["event_id"]
    pending_booking.refresh_from_db()
    pending_booking.customer.refresh_from_db()
    assert pending_booking.status == "confirmed"
    assert pending_booking.customer.total_spend_cents == 10000
    assert Payment.objects.get(booking=pending_booking).status == "succeeded"


def test_the_fake_pay_endpoint_is_a_404_when_stripe_is_configured(api_client, stripe_http, pending_booking):
    PaymentFactory(booking=pending_booking, status="pending", stripe_payment_id="pi_real")

    response = api_client.post(succeed_url("pi_real"))

    assert response.status_code == 404
    assert Payment.objects.get(stripe_payment_id="pi_real").status == "pending"


def test_the_fake_pay_endpoint_is_a_404_in_production(api_client, fake_gateway, pending_booking, settings):
    PaymentFactory(booking=pending_booking, status="pending", stripe_payment_id="pi_fake_x")
    settings.PRODUCTION = True

    assert api_client.post(succeed_url("pi_fake_x")).status_code == 404


def test_the_fake_pay_endpoint_is_a_404_for_an_unknown_intent(api_client, fake_gateway):
    assert api_client.post(succeed_url("pi_fake_unknown")).status_code == 404


@pytest.mark.parametrize("payment_intent_id", ["pi_\x00", "pi_" + "x" * 300, "pi_é"])
def test_the_fake_pay_endpoint_is_a_404_for_what_cannot_be_an_intent_id(fake_gateway, payment_intent_id):
    """Called past the middleware that refuses a NUL in a URL: a NUL reached the query (a 500)."""
    request = APIRequestFactory().post(succeed_url("x"))

    response = FakePaymentIntentSucceedApi.as_view()(request, payment_intent_id=payment_intent_id)

    assert response.status_code == 404
    assert response.data["error"]["code"] == "not_found"
    assert not StripeEvent.objects.exists()


def test_a_real_webhook_delivery_and_the_fake_endpoint_end_the_same(deliver, api_client, fake_gateway):
    by_webhook = BookingFactory(status="deposit_pending")
    by_fake = BookingFactory(status="deposit_pending")
    webhook_payment = PaymentFactory(booking=by_webhook, status="pending", stripe_payment_id="pi_fake_a")
    PaymentFactory(booking=by_fake, status="pending", stripe_payment_id="pi_fake_b")

    deliver(event("payment_intent.succeeded", intent_object(webhook_payment)))
    api_client.post(succeed_url("pi_fake_b"))

    for booking in (by_webhook, by_fake):
        booking.refresh_from_db()
        assert booking.status == "confirmed"
        assert booking.payments.get().status == "succeeded"


def test_the_openapi_schema_of_the_payment_endpoints_generates_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("core.payments.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/bookings/manage/{token}/deposit/",
        "/api/v1/bookings/manage/{token}/balance/",
        "/api/v1/payments/stripe/webhook/",
        "/api/v1/payments/fake/{payment_intent_id}/succeed/",
    }
    webhook = paths["/api/v1/payments/stripe/webhook/"]["post"]
    assert webhook["operationId"] == "stripe_webhook_receive"
    assert {"200", "400", "503"} <= set(webhook["responses"])
    assert any(p["name"] == "Stripe-Signature" and p["in"] == "header" for p in webhook["parameters"])


def test_the_fake_pay_endpoint_is_a_404_unless_explicitly_enabled(
    api_client, fake_gateway, pending_booking, settings
):
    # Given a non-production deployment without Stripe (e.g. staging) that did not enable it
    PaymentFactory(booking=pending_booking, status="pending", stripe_payment_id="pi_fake_y")
    settings.FAKE_PAYMENTS_ENABLED = False

    response = api_client.post(succeed_url("pi_fake_y"))

    assert response.status_code == 404
    assert Payment.objects.get(stripe_payment_id="pi_fake_y").status == "pending"


def _fake_payments_enabled(**environment: str) -> bool:
    """FAKE_PAYMENTS_ENABLED as the settings compute it in a fresh process with this environment."""
    import os
    import subprocess
    import sys

    base = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "FAKE_PAYMENTS_ENABLED")}
    base.update(DJANGO_SETTINGS_MODULE="myhibachi.settings", MYHIBACHI_TESTING="0", **environment)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.FAKE_PAYMENTS_ENABLED)"],
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip() == "True"


PRODUCTION_ENVIRONMENT = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "production-secret-key-for-a-settings-test-0123456789abcdef",
    "DATABASE_URL": "postgres://app@127.0.0.1:5432/app",
    "FIELD_ENCRYPTION_KEY": "another-field-encryption-key-for-this-test-0123456789",
    "ALLOWED_HOSTS": "myhibachi.test",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "REDIS_URL": "redis://127.0.0.1:6379/2",
}


def test_fake_payments_are_on_by_default_only_in_development_with_debug():
    assert _fake_payments_enabled(DJANGO_ENV="development") is True
    assert _fake_payments_enabled(DJANGO_ENV="staging", DEBUG="0") is False
    assert _fake_payments_enabled(DJANGO_ENV="staging", DEBUG="0", FAKE_PAYMENTS_ENABLED="1") is True
    assert _fake_payments_enabled(**PRODUCTION_ENVIRONMENT, FAKE_PAYMENTS_ENABLED="1") is False
