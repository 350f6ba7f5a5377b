"""DOMAIN.md "Payments": the same Stripe events in any order leave the same booking state and the
same money (issue 9, item 12). Every permutation of each set is delivered to the real webhook."""

import itertools

import pytest

from core.models import Booking, Payment
from core.services.payments import booking_net_paid_cents
from tests.core.factories import PaymentFactory
from tests.core.payments.conftest import charge_refunded_object, event, intent_object, refund_object

pytestmark = pytest.mark.django_db


def end_state(booking: Booking) -> dict:
    """Status, whether staff must look, every payment row, and the money. The flag's reasons are
    a history (a refund that failed after succeeding leaves both stories) and are not compared."""
    booking.refresh_from_db()
    booking.customer.refresh_from_db()
    payments = Payment.objects.filter(booking=booking).order_by("kind", "amount_cents", "stripe_payment_id")
    return {
        "status": booking.status,
        "flagged": booking.flagged_for_staff,
        "payments": [(p.kind, p.amount_cents, p.status) for p in payments],
        "net_paid_cents": booking_net_paid_cents(booking),
        "spend_cents": booking.customer.total_spend_cents,
    }


def deposit_for(pending_booking) -> Payment:
    return PaymentFactory(
        booking=pending_booking,
        kind="deposit",
        status="pending",
        amount_cents=10000,
        stripe_payment_id="pi_dep",
    )


def succeeded(deposit):
    return ("payment_intent.succeeded", intent_object(deposit))


def declined(deposit):
    return ("payment_intent.payment_failed", intent_object(deposit, status="requires_payment_method"))


def refund(status: str, amount: int = 10000, refund_id: str = "re_1"):
    return (
        f"refund.{'failed' if status == 'failed' else 'updated'}",
        refund_object(refund_id=refund_id, payment_intent="pi_dep", amount=amount, status=status),
    )


def charge_refunded(amount: int = 10000, refund_id: str = "re_1"):
    listed = [refund_object(refund_id=refund_id, payment_intent="pi_dep", amount=amount)]
    return ("charge.refunded", charge_refunded_object(payment_intent="pi_dep", amount=10000, refunds=listed))


EVENT_SETS = {
    "paid then refunded in full": lambda d: [succeeded(d), refund("succeeded")],
    "paid, declined attempt, refunded via the charge": lambda d: [
        succeeded(d),
        declined(d),
        charge_refunded(),
    ],
    "paid, refund pending then succeeded": lambda d: [succeeded(d), refund("pending"), refund("succeeded")],
    "paid, partly refunded twice": lambda d: [
        succeeded(d),
        refund("succeeded", amount=3000, refund_id="re_a"),
        refund("succeeded", amount=2000, refund_id="re_b"),
    ],
    "paid, refund succeeded then failed": lambda d: [succeeded(d), refund("succeeded"), refund("failed")],
}


@pytest.mark.parametrize("name", list(EVENT_SETS))
def test_the_same_stripe_events_in_any_order_leave_the_same_booking_and_money(
    name, deliver, pending_booking, django_db_blocker
):
    results = {}
    deposit = deposit_for(pending_booking)
    for order in itertools.permutations(range(len(EVENT_SETS[name](deposit)))):
        # Each order on a fresh booking: a savepoint rolled back between orders.
        from django.db import transaction

        with transaction.atomic():
            sid = transaction.savepoint()
            events = EVENT_SETS[name](deposit)
            for position, index in enumerate(order):
                event_type, obj = events[index]
                response = deliver(event(event_type, obj, event_id=f"evt_{index}_{position}_{order}"))
                assert response.status_code == 200, response.content
            results[order] = end_state(pending_booking)
            transaction.savepoint_rollback(sid)

    first = next(iter(results.values()))
    assert all(state == first for state in results.values()), results
    assert first["status"] == Booking.Status.CONFIRMED
