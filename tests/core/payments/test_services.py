"""The payment services: manual payments, refunds, balances, the cancellation refund, customer totals."""

import pytest

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Booking, Payment
from core.payment_gateway.factory import get_gateway
from core.payment_gateway.gateway import PaymentGatewayError
from core.services.payments import (
    booking_balance_due_cents,
    payment_balance_intent,
    payment_deposit_intent,
    payment_record_manual,
    payment_refund,
    payment_refund_for_cancellation,
    payment_refund_submit,
)
from kernel.errors import ServiceError
from tests.core.factories import BookingFactory, PaymentFactory
from tests.core.payments.conftest import event, intent_object
from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Actor:
    return Actor.staff(UserFactory(), role="admin")


def spend(booking: Booking) -> int:
    booking.customer.refresh_from_db()
    return booking.customer.total_spend_cents


def stripe_payment(
    booking: Booking, amount: int = 10000, kind: str = "deposit", pi: str = "pi_paid"
) -> Payment:
    """A card payment already received."""
    payment = PaymentFactory(booking=booking, kind=kind, amount_cents=amount, stripe_payment_id=pi)
    booking.customer.__class__.objects.filter(pk=booking.customer_id).update(total_spend_cents=amount)
    return payment


# --- Manual payments -----------------------------------------------------------------------------


def test_a_recorded_cash_deposit_confirms_the_booking_and_counts_at_once(pending_booking, staff):
    payment = payment_record_manual(
        booking=pending_booking,
        kind="deposit",
        method="cash",
        amount_cents=10000,
        actor=staff,
        reason="Paid at office",
    )

    pending_booking.refresh_from_db()
    assert (payment.status, payment.method, payment.recorded_by_id) == ("succeeded", "cash", staff.id)
    assert payment.succeeded_at is not None
    assert pending_booking.status == "confirmed"
    assert spend(pending_booking) == 10000
    recorded = AuditLog.objects.get(action="payment.record_manual")
    assert (recorded.actor_id, recorded.after["amount_cents"], recorded.reason) == (
        staff.id,
        10000,
        "Paid at office",
    )
    assert AuditLog.objects.get(action="booking.confirm").actor_label == staff.label


def test_a_manual_payment_is_cash_zelle_or_venmo_and_never_more_than_is_due(pending_booking, staff):
    def record(**kwargs):
        values = {"kind": "deposit", "method": "zelle", "amount_cents": 10000} | kwargs
        return payment_record_manual(booking=pending_booking, actor=staff, **values)

    with pytest.raises(ServiceError, match="card payments come from Stripe"):
        record(method="stripe")
    with pytest.raises(ServiceError, match="deposit or a balance"):
        record(kind="refund")
    with pytest.raises(ServiceError, match="above zero"):
        record(amount_cents=0)
    with pytest.raises(ServiceError, match=r"At most \$610.00 is due"):
        record(amount_cents=61001)
    assert Payment.objects.count() == 0


def test_no_payment_is_recorded_for_a_cancelled_booking(staff):
    booking = BookingFactory(status="cancelled")

    with pytest.raises(ServiceError, match="cancelled"):
        payment_record_manual(booking=booking, kind="balance", method="cash", amount_cents=100, actor=staff)


def test_a_manual_balance_payment_on_a_confirmed_booking_leaves_it_confirmed(staff):
    booking = BookingFactory(status="confirmed", total_due_cents=61000)
    payment_record_manual(booking=booking, kind="deposit", method="venmo", amount_cents=10000, actor=staff)

    payment_record_manual(booking=booking, kind="balance", method="cash", amount_cents=51000, actor=staff)

    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert booking_balance_due_cents(booking) == 0
    assert spend(booking) == 61000


# --- Refunds -------------------------------------------------------------------------------------


def test_a_refund_is_capped_at_what_was_paid_and_not_yet_refunded(fake_gateway, staff):
    booking = BookingFactory(status="confirmed")
    stripe_payment(booking, amount=10000)
    payment_refund(booking=booking, amount_cents=4000, reason="Late start", actor=staff)

    with pytest.raises(ServiceError) as too_much:
        payment_refund(booking=booking, amount_cents=6001, reason="Goodwill", actor=staff)

    assert too_much.value.message.startswith("At most $60.00 can be refunded")
    assert too_much.value.fields == {"amount_cents": [too_much.value.message]}
    assert Payment.objects.filter(kind="refund").count() == 1


def test_pending_refunds_count_against_the_cap(stripe_http, staff):
    booking = BookingFactory(status="confirmed")
    stripe_payment(booking, amount=10000)
    payment_refund(booking=booking, amount_cents=10000, reason="Rain", actor=staff)  # pending at Stripe

    with pytest.raises(ServiceError, match=r"At most \$0.00"):
        payment_refund(booking=booking, amount_cents=100, reason="Again", actor=staff)


def test_a_refund_needs_a_reason(fake_gateway, staff):
    booking = BookingFactory(status="confirmed")
    stripe_payment(booking)

    with pytest.raises(ServiceError) as raised:
        payment_refund(booking=booking, amount_cents=100, reason="  ", actor=staff)

    assert raised.value.field == "reason"


def test_with_the_fake_gateway_a_refund_succeeds_at_once_through_the_reconciliation(fake_gateway, staff):
    booking = BookingFactory(status="confirmed")
    original = stripe_payment(booking, amount=10000)

    refund = payment_refund(booking=booking, amount_cents=2500, reason="Short on gyoza", actor=staff)

    original.refresh_from_db()
    assert (refund.kind, refund.status, refund.refund_of_id) == ("refund", "succeeded", original.pk)
    assert refund.stripe_payment_id.startswith("re_fake_")
    assert original.status == "succeeded"  # partly refunded
    assert spend(booking) == 7500
    assert AuditLog.objects.get(action="payment.refund_create").reason == "Short on gyoza"
    assert AuditLog.objects.get(action="payment.refund_succeed").after["amount_cents"] == 2500

    payment_refund(booking=booking, amount_cents=7500, reason="Event called off", actor=staff)

    original.refresh_from_db()
    assert original.status == "refunded"
    assert spend(booking) == 0


def test_a_refund_larger_than_one_payment_is_split_one_row_per_payment(fake_gateway, staff):
    booking = BookingFactory(status="confirmed")
    deposit = stripe_payment(booking, amount=10000, pi="pi_dep")
    balance = PaymentFactory(booking=booking, kind="balance", amount_cents=51000, stripe_payment_id="pi_bal")

    payment_refund(booking=booking, amount_cents=55000, reason="Chef no-show", actor=staff)

    parts = {p.refund_of_id: p.amount_cents for p in Payment.objects.filter(kind="refund")}
    assert parts == {balance.pk: 51000, deposit.pk: 4000}


def test_a_cash_payment_is_refunded_by_hand_and_recorded_at_once(stripe_http, staff):
    booking = BookingFactory(status="confirmed")
    payment_record_manual(booking=booking, kind="deposit", method="cash", amount_cents=10000, actor=staff)

    refund = payment_refund(booking=booking, amount_cents=10000, reason="Paid back in cash", actor=staff)

    assert (refund.method, refund.status) == ("cash", "succeeded")
    assert stripe_http.requests == []
    assert spend(booking) == 0


def test_stripe_unreachable_at_refund_keeps_the_row_pending_and_a_resubmit_sends_it_once(stripe_http, staff):
    booking = BookingFactory(status="confirmed")
    stripe_payment(booking)
    stripe_http.down = True

    with pytest.raises(PaymentGatewayError, match="recorded"):
        payment_refund(booking=booking, amount_cents=10000, reason="Storm", actor=staff)

    refund = Payment.objects.get(kind="refund")
    assert (refund.status, refund.stripe_payment_id) == ("pending", "")
    stripe_http.down = False
    payment_refund_submit(refund=refund)
    payment_refund_submit(refund=refund)

    refund.refresh_from_db()
    assert refund.stripe_payment_id == "re_1"
    posts = stripe_http.posts("/v1/refunds")
    assert len(posts) == 2  # the failed attempt, then one that reached Stripe
    assert {p.headers["Idempotency-Key"] for p in posts} == {f"refund:{refund.pk}"}


# --- The cancellation refund -----------------------------------------------------------------


def test_the_cancellation_refund_refunds_the_card_deposit_once(fake_gateway):
    booking = BookingFactory(status="cancelled", refund_due_cents=10000)
    deposit = stripe_payment(booking)

    first = payment_refund_for_cancellation(booking=booking)
    again = payment_refund_for_cancellation(booking=booking)

    assert [r.pk for r in first] == [r.pk for r in again]
    assert Payment.objects.filter(kind="refund").count() == 1
    deposit.refresh_from_db()
    assert deposit.status == "refunded"
    assert spend(booking) == 0


def test_a_cancellation_refund_of_a_cash_deposit_is_flagged_for_staff(staff, fake_gateway):
    booking = BookingFactory(status="deposit_pending")
    payment_record_manual(booking=booking, kind="deposit", method="cash", amount_cents=10000, actor=staff)
    Booking.objects.filter(pk=booking.pk).update(status="cancelled", refund_due_cents=10000)

    assert payment_refund_for_cancellation(booking=booking) == []

    booking.refresh_from_db()
    assert booking.flagged_for_staff
    assert booking.flag_reason == "Refund $100.00 by hand (not paid by card)"
    assert Payment.objects.filter(kind="refund").count() == 0


def test_the_cancellation_refund_never_raises_when_stripe_is_down_and_flags_the_booking(stripe_http):
    booking = BookingFactory(status="cancelled", refund_due_cents=10000)
    stripe_payment(booking)
    stripe_http.down = True

    rows = payment_refund_for_cancellation(booking=booking)

    assert [(r.status, r.stripe_payment_id) for r in rows] == [("pending", "")]
    booking.refresh_from_db()
    assert "Stripe unreachable" in booking.flag_reason


# --- Balance -------------------------------------------------------------------------------------


def test_the_balance_is_the_total_minus_what_was_paid_plus_what_was_refunded(fake_gateway, staff):
    booking = BookingFactory(status="confirmed", total_due_cents=61000)
    stripe_payment(booking, amount=10000)
    payment_refund(booking=booking, amount_cents=3000, reason="Partial", actor=staff)

    intent = payment_balance_intent(booking=booking)

    assert intent["amount_cents"] == 61000 - 10000 + 3000
    assert intent["provider"] == "fake"


def test_the_same_balance_asked_twice_is_the_same_intent_and_a_changed_balance_replaces_it(
    fake_gateway, staff
):
    booking = BookingFactory(status="confirmed", total_due_cents=61000)
    stripe_payment(booking, amount=10000)

    first = payment_balance_intent(booking=booking)
    again = payment_balance_intent(booking=booking)
    payment_record_manual(booking=booking, kind="balance", method="cash", amount_cents=1000, actor=staff)
    changed = payment_balance_intent(booking=booking)

    assert again == first
    assert changed["amount_cents"] == 50000 and changed["payment_intent_id"] != first["payment_intent_id"]
    stale = Payment.objects.get(stripe_payment_id=first["payment_intent_id"])
    assert (stale.status, stale.failure_reason) == ("failed", "Superseded: the balance due is now $500.00")


def test_no_balance_before_confirmation_or_when_nothing_is_due(fake_gateway, pending_booking, staff):
    with pytest.raises(ServiceError, match="once the booking is confirmed") as not_confirmed:
        payment_balance_intent(booking=pending_booking)
    assert not_confirmed.value.code == "balance_not_due"

    paid = BookingFactory(status="confirmed", total_due_cents=61000)
    payment_record_manual(booking=paid, kind="balance", method="cash", amount_cents=61000, actor=staff)
    with pytest.raises(ServiceError, match="Nothing is due") as nothing:
        payment_balance_intent(booking=paid)
    assert nothing.value.code == "nothing_due"


# --- Deposit -------------------------------------------------------------------------------------


def test_stripe_unreachable_at_booking_then_the_deposit_is_created_once(stripe_http, pending_booking):
    stripe_http.down = True
    with pytest.raises(PaymentGatewayError):
        payment_deposit_intent(booking=pending_booking)
    stripe_http.down = False

    first = payment_deposit_intent(booking=pending_booking)
    second = payment_deposit_intent(booking=pending_booking)

    assert first == second
    assert Payment.objects.filter(booking=pending_booking).count() == 1
    (created,) = stripe_http.posts("/v1/payment_intents")  # the unreachable attempt failed before it
    assert created.headers["Idempotency-Key"] == f"booking:{pending_booking.pk}:deposit"
    assert stripe_http.requests[-1].method == "GET"


def test_no_deposit_intent_once_the_deposit_is_paid(fake_gateway, staff, pending_booking):
    payment_record_manual(
        booking=pending_booking, kind="deposit", method="cash", amount_cents=10000, actor=staff
    )

    with pytest.raises(ServiceError, match="not due: this booking is confirmed"):
        payment_deposit_intent(booking=pending_booking)


def test_a_stripe_deposit_after_a_cash_deposit_is_flagged_as_paid_twice(fake_gateway, staff, pending_booking):
    intent = payment_deposit_intent(booking=pending_booking)
    payment_record_manual(
        booking=pending_booking, kind="deposit", method="cash", amount_cents=10000, actor=staff
    )
    card = Payment.objects.get(stripe_payment_id=intent["payment_intent_id"])

    from core.payments.webhooks import stripe_event_handle

    stripe_event_handle(event("payment_intent.succeeded", intent_object(card)))

    pending_booking.refresh_from_db()
    assert pending_booking.flagged_for_staff
    assert "Deposit paid more than once" in pending_booking.flag_reason


def test_the_fake_gateway_is_never_used_in_production(settings):
    settings.PRODUCTION = True
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(PaymentGatewayError):
        get_gateway()
