"""Two deliveries at the same moment, with real threads against the real database: one effect."""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from audit.models import AuditLog
from core.models import Booking, Payment, StripeEvent
from core.payments import webhooks
from core.services.payments import payment_deposit_intent
from tests.core.factories import BookingFactory, PaymentFactory
from tests.core.payments.conftest import WEBHOOK_URL, event, intent_object, sign


def run_together(target, count: int = 2) -> list:
    """Run `target` in `count` threads released at the same instant; each closes its connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # reported by the assertions of the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_twice_at_the_same_time_is_processed_once(monkeypatch):
    booking = BookingFactory(status=Booking.Status.DEPOSIT_PENDING)
    deposit = PaymentFactory(
        booking=booking, status="pending", amount_cents=10000, stripe_payment_id="pi_race"
    )
    body = json.dumps(event("payment_intent.succeeded", intent_object(deposit), event_id="evt_race"))
    real = webhooks.EVENT_HANDLERS["payment_intent.succeeded"]
    calls = []

    def slow(obj):
        # Hold the event's lock long enough for the other delivery to arrive and wait on it.
        calls.append(threading.get_ident())
        time.sleep(0.3)
        return real(obj)

    monkeypatch.setitem(webhooks.EVENT_HANDLERS, "payment_intent.succeeded", slow)

    def post():
        return (
            Client()
            .post(WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body))
            .status_code
        )

    results = run_together(post)

    assert results == [200, 200]
    assert len(calls) == 1
    booking.customer.refresh_from_db()
    assert booking.customer.total_spend_cents == 10000
    assert AuditLog.objects.filter(action="payment.succeed").count() == 1
    stored = StripeEvent.objects.get(event_id="evt_race")
    assert (stored.status, stored.attempts) == ("processed", 1)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_two_deposit_requests_at_the_same_time_make_one_row_and_one_intent(stripe_http):
    booking = BookingFactory(status=Booking.Status.DEPOSIT_PENDING)

    results = run_together(lambda: payment_deposit_intent(booking=booking))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0]["payment_intent_id"] == results[1]["payment_intent_id"]
    assert Payment.objects.filter(booking=booking).count() == 1
    # Both may reach Stripe, with the same idempotency key: Stripe answers with the one intent.
    keys = {r.headers["Idempotency-Key"] for r in stripe_http.posts("/v1/payment_intents")}
    assert keys == {f"booking:{booking.pk}:deposit"}
