"""Tips on the balance (issue 11): their own amount on the payment, paid to the chef, never part of
the booking's total; given back with everything else when a party is cancelled in time."""

import pytest

from core.models import Booking, Payment
from core.payment_gateway.fake_gateway import FakeGateway
from core.payments.webhooks import fake_payment_intent_succeed
from core.selectors import (
    booking_net_paid_cents,
    booking_timely_cancel_refund_cents,
    booking_tips_held_cents,
)
from core.services.payments import payment_balance_intent
from kernel.errors import ServiceError
from tests.core.factories import BookingFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_gateway(monkeypatch):
    monkeypatch.setattr("core.services.payments.intents.get_gateway", FakeGateway)


@pytest.fixture
def booking(station) -> Booking:
    booking = BookingFactory(station=station, total_due_cents=61000, status=Booking.Status.CONFIRMED)
    PaymentFactory(booking=booking, amount_cents=10000)  # the deposit, paid
    return booking


def test_the_balance_intent_adds_the_tip_and_records_it_apart(booking):
    intent = payment_balance_intent(booking=booking, tip_cents=12200)

    payment = Payment.objects.get(stripe_payment_id=intent["payment_intent_id"])
    assert (payment.amount_cents, payment.tip_cents) == (51000 + 12200, 12200)
    assert intent["amount_cents"] == 63200


def test_a_paid_tip_does_not_count_towards_the_total_and_is_no_overpayment(booking):
    intent = payment_balance_intent(booking=booking, tip_cents=12200)

    fake_payment_intent_succeed(payment_intent_id=intent["payment_intent_id"])

    booking.refresh_from_db()
    assert booking_net_paid_cents(booking) == 61000
    assert booking_tips_held_cents(booking=booking) == 12200
    assert not booking.flagged_for_staff


def test_another_tip_replaces_the_pending_intent(booking):
    first = payment_balance_intent(booking=booking, tip_cents=0)
    second = payment_balance_intent(booking=booking, tip_cents=5000)
    again = payment_balance_intent(booking=booking, tip_cents=5000)

    assert first["payment_intent_id"] != second["payment_intent_id"] == again["payment_intent_id"]
    assert Payment.objects.get(stripe_payment_id=first["payment_intent_id"]).status == Payment.Status.FAILED


def test_a_cancellation_in_time_gives_the_tip_back_too(booking):
    intent = payment_balance_intent(booking=booking, tip_cents=12200)
    fake_payment_intent_succeed(payment_intent_id=intent["payment_intent_id"])

    assert booking_timely_cancel_refund_cents(booking=booking) == 61000 + 12200


@pytest.mark.parametrize("tip", [-1, 1.5, True, 61001])
def test_a_tip_that_is_not_a_sensible_amount_is_refused(booking, tip):
    with pytest.raises(ServiceError) as refused:
        payment_balance_intent(booking=booking, tip_cents=tip)
    assert refused.value.field == "tip_cents"


def test_the_database_refuses_a_tip_above_the_payment(booking):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PaymentFactory(booking=booking, kind=Payment.Kind.BALANCE, amount_cents=100, tip_cents=101)
