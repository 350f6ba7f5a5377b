"""Money after a cancellation (issue 9, item 10): a cancelled booking accepts no further payment,
what was owed back stops being owed once refunded, and an unpaid booking simply cancels."""

import datetime

import pytest

from audit.actor import Actor
from core.models import Booking, Payment
from core.services.bookings import booking_cancel
from core.services.payments import booking_net_paid_cents, payment_balance_intent
from tests.core.conftest import SIX_PM, event_date
from tests.core.factories import BookingFactory, PaymentFactory
from tests.core.payments.conftest import event, intent_object

pytestmark = pytest.mark.django_db

STAFF = Actor.system("test staff")
CUSTOMER = Actor.customer(ip_address="203.0.113.9")


def confirmed_with_card_deposit(days: int = 14) -> Booking:
    booking = BookingFactory(
        status=Booking.Status.CONFIRMED,
        date=event_date(days),
        slot=SIX_PM,
        total_due_cents=77000,
        deposit_due_cents=10000,
    )
    PaymentFactory(booking=booking, amount_cents=10000, stripe_payment_id=f"pi_dep_{booking.pk.hex[:8]}")
    return booking


def test_a_cancelled_booking_accepts_no_further_payment(
    fake_gateway, deliver, django_capture_on_commit_callbacks
):
    booking = confirmed_with_card_deposit()
    payment_balance_intent(booking=booking)
    balance = Payment.objects.get(booking=booking, kind=Payment.Kind.BALANCE)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=STAFF, by_customer=False, reason="Customer called")

    balance.refresh_from_db()
    assert balance.status == Payment.Status.FAILED  # the open intent is voided with the booking
    with pytest.raises(Exception) as refused:
        payment_balance_intent(booking=booking)
    assert refused.value.code == "balance_not_due"

    # Paid anyway (the card went through before Stripe saw the cancel): given back in full.
    with django_capture_on_commit_callbacks(execute=True):
        deliver(event("payment_intent.succeeded", intent_object(balance)))

    refund = Payment.objects.get(booking=booking, kind=Payment.Kind.REFUND, refund_of=balance)
    assert (refund.amount_cents, refund.status) == (67000, Payment.Status.SUCCEEDED)
    assert booking_net_paid_cents(booking) == 10000
    booking.refresh_from_db()
    assert booking.flagged_for_staff


def test_the_fake_gateway_refuses_to_pay_an_intent_voided_by_the_cancellation(
    fake_gateway, api_client, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    settings.FAKE_PAYMENTS_ENABLED = True
    booking = confirmed_with_card_deposit()
    payment_balance_intent(booking=booking)
    balance = Payment.objects.get(booking=booking, kind=Payment.Kind.BALANCE)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=STAFF, by_customer=False, reason="Customer called")

    response = api_client.post(f"/api/v1/payments/fake/{balance.stripe_payment_id}/succeed/")

    assert response.status_code == 409, response.content
    assert booking_net_paid_cents(booking) == 10000


def test_the_refund_due_falls_to_zero_once_the_cancellation_refund_succeeds(
    fake_gateway, django_capture_on_commit_callbacks
):
    booking = confirmed_with_card_deposit(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=CUSTOMER, by_customer=True)

    booking.refresh_from_db()
    refund = Payment.objects.get(booking=booking, kind=Payment.Kind.REFUND)
    assert refund.status == Payment.Status.SUCCEEDED
    assert booking.refund_due_cents == 0


def test_a_refund_that_fails_after_succeeding_is_owed_again(
    stripe_http, deliver, django_capture_on_commit_callbacks
):
    from tests.core.payments.conftest import refund_object

    booking = confirmed_with_card_deposit(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=CUSTOMER, by_customer=True)
    refund = Payment.objects.get(booking=booking, kind=Payment.Kind.REFUND)
    deposit = refund.refund_of
    as_stripe = {
        "refund_id": refund.stripe_payment_id,
        "payment_intent": deposit.stripe_payment_id,
        "amount": 10000,
    }
    deliver(event("refund.updated", refund_object(**as_stripe, status="succeeded"), event_id="evt_r1"))
    booking.refresh_from_db()
    assert booking.refund_due_cents == 0

    deliver(event("refund.failed", refund_object(**as_stripe, status="failed"), event_id="evt_r2"))

    booking.refresh_from_db()
    assert booking.refund_due_cents == 10000


def test_an_unpaid_booking_cancelled_inside_4_days_cancels_outright(db):
    booking = BookingFactory(
        status=Booking.Status.DEPOSIT_PENDING, date=event_date(2), slot=SIX_PM, deposit_due_cents=10000
    )

    cancelled = booking_cancel(booking=booking, actor=CUSTOMER, by_customer=True)

    assert cancelled.status == Booking.Status.CANCELLED
    assert cancelled.refund_due_cents == 0
    assert not Booking.objects.filter(
        pk=booking.pk, status__in=Booking.ACTIVE_STATUSES
    ).exists()  # its chef and slot are free again


def test_a_paid_booking_cancelled_inside_4_days_is_still_a_request(db):
    booking = confirmed_with_card_deposit(days=2)

    requested = booking_cancel(booking=booking, actor=CUSTOMER, by_customer=True)

    assert requested.status == Booking.Status.CANCELLATION_REQUESTED
    assert datetime.date.today() < requested.date
