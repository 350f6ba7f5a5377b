"""The Stripe webhook: signature on the raw body, each event processed exactly once, in any order."""

import json
import time

import pytest

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Payment, StripeEvent
from core.payments import webhooks
from tests.core.factories import PaymentFactory
from tests.core.payments.conftest import (
    WEBHOOK_SECRET,
    charge_refunded_object,
    event,
    intent_object,
    refund_object,
    sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposit(pending_booking) -> Payment:
    """A deposit PaymentIntent the customer is paying."""
    return PaymentFactory(
        booking=pending_booking,
        kind="deposit",
        status="pending",
        amount_cents=10000,
        stripe_payment_id="pi_dep",
    )


def spend(booking: Booking) -> int:
    booking.customer.refresh_from_db()
    return booking.customer.total_spend_cents


def signature_events() -> int:
    return SecurityEvent.objects.filter(type=SecurityEvent.Type.WEBHOOK_SIGNATURE_INVALID).count()


# --- Signature -------------------------------------------------------------------------------


def test_a_signed_payment_succeeded_event_confirms_the_booking_and_counts_the_payment(deliver, deposit):
    booking = deposit.booking

    response = deliver(event("payment_intent.succeeded", intent_object(deposit), event_id="evt_ok"))

    assert response.status_code == 200
    assert response.json() == {"received": True, "event_id": "evt_ok", "status": "processed"}
    deposit.refresh_from_db()
    booking.refresh_from_db()
    assert deposit.status == "succeeded" and deposit.succeeded_at is not None
    assert booking.status == "confirmed"
    assert spend(booking) == 10000
    stored = StripeEvent.objects.get(event_id="evt_ok")
    assert (stored.type, stored.status, stored.attempts) == ("payment_intent.succeeded", "processed", 1)
    assert stored.processed_at is not None
    audit = AuditLog.objects.get(action="payment.succeed", resource_id=str(deposit.pk))
    assert (audit.before["status"], audit.after["status"], audit.after["amount_cents"]) == (
        "pending",
        "succeeded",
        10000,
    )
    assert AuditLog.objects.filter(action="booking.confirm", resource_id=str(booking.pk)).count() == 1


def test_a_tampered_body_is_refused_and_recorded_as_a_security_event(api_client, deposit):
    signed = json.dumps(event("payment_intent.succeeded", intent_object(deposit)))
    tampered = signed.replace('"amount": 10000', '"amount": 1')

    response = api_client.post(
        "/api/v1/payments/stripe/webhook/",
        data=tampered,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(signed),
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_signature_invalid"
    assert signature_events() == 1
    assert StripeEvent.objects.count() == 0
    deposit.refresh_from_db()
    assert deposit.status == "pending"


def test_a_stale_signature_is_refused(deliver, deposit):
    six_minutes_ago = int(time.time()) - 360

    response = deliver(event("payment_intent.succeeded", intent_object(deposit)), timestamp=six_minutes_ago)

    assert response.status_code == 400
    assert "tolerance" in response.json()["error"]["message"]
    assert signature_events() == 1
    assert StripeEvent.objects.count() == 0


def test_a_signature_just_inside_five_minutes_is_accepted(deliver, deposit):
    response = deliver(
        event("payment_intent.succeeded", intent_object(deposit)), timestamp=int(time.time()) - 290
    )

    assert response.status_code == 200


def test_a_missing_signature_is_refused(deliver, deposit):
    response = deliver(event("payment_intent.succeeded", intent_object(deposit)), header=None)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_signature_invalid"
    assert SecurityEvent.objects.get(type="webhook_signature_invalid").details["signature_present"] is False


def test_a_signature_made_with_another_secret_is_refused(deliver, deposit):
    body = json.dumps(event("payment_intent.succeeded", intent_object(deposit)))

    response = deliver(body, header=sign(body, secret="whsec_someone_else"))

    assert response.status_code == 400
    assert signature_events() == 1


def test_without_a_webhook_secret_every_event_is_refused_with_503_not_500(deliver, deposit, settings, caplog):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = deliver(event("payment_intent.succeeded", intent_object(deposit)))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "webhook_not_configured"
    assert "STRIPE_WEBHOOK_SECRET is not set" in caplog.text
    assert StripeEvent.objects.count() == 0


def test_a_signed_body_that_is_not_an_event_is_a_400(deliver):
    assert deliver("[1, 2, 3]").status_code == 400
    assert deliver(json.dumps({"object": "event", "id": "evt_x"})).status_code == 400
    assert deliver("not json").status_code == 400


def test_a_signed_body_nested_past_the_json_parser_is_a_400(deliver):
    """json.loads raises RecursionError, not ValueError, for it: that was a 500."""
    response = deliver("[" * 20_000 + "]" * 20_000)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_event"
    assert not StripeEvent.objects.exists()


def test_a_signed_event_with_a_nul_or_a_lone_surrogate_is_processed_and_stored(deliver, deposit):
    """jsonb stores neither: the event failed on every delivery (a 500 that Stripe retried forever)."""
    obj = intent_object(deposit, description="PARTY", statement_descriptor="HIBACHI")
    body = (
        json.dumps(event("payment_intent.succeeded", obj, event_id="evt_nul"))
        .replace("PARTY", "Party\\u0000time")
        .replace("HIBACHI", "Hibachi \\ud800")
    )

    response = deliver(body)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processed"
    stored = StripeEvent.objects.get(event_id="evt_nul").payload["data"]["object"]
    assert (stored["description"], stored["statement_descriptor"]) == ("Party\ufffdtime", "Hibachi \ufffd")
    deposit.refresh_from_db()
    assert deposit.status == "succeeded"


# --- Exactly once, any order --------------------------------------------------------------------


def test_the_same_event_delivered_three_times_has_one_effect(deliver, deposit):
    payload = event("payment_intent.succeeded", intent_object(deposit), event_id="evt_dup")

    responses = [deliver(payload) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert spend(deposit.booking) == 10000
    assert AuditLog.objects.filter(action="payment.succeed").count() == 1
    assert AuditLog.objects.filter(action="booking.confirm").count() == 1
    stored = StripeEvent.objects.get(event_id="evt_dup")
    assert stored.attempts == 1


def test_two_events_for_the_same_success_count_it_once(deliver, deposit):
    deliver(event("payment_intent.succeeded", intent_object(deposit)))
    deliver(event("payment_intent.succeeded", intent_object(deposit)))

    assert spend(deposit.booking) == 10000
    assert StripeEvent.objects.count() == 2


def test_an_unknown_event_type_is_recorded_and_acknowledged(deliver):
    response = deliver(event("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_other"))

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    stored = StripeEvent.objects.get(event_id="evt_other")
    assert (stored.status, stored.note) == ("ignored", "type not handled")
    assert stored.payload["data"]["object"]["id"] == "cus_1"


def test_an_event_for_a_payment_intent_that_is_not_ours_is_acknowledged_and_ignored(deliver):
    foreign = {"id": "pi_elsewhere", "object": "payment_intent", "amount": 500, "metadata": {}}

    response = deliver(event("payment_intent.succeeded", foreign))

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"


def test_a_refund_arriving_before_the_payment_success_still_ends_right(deliver, deposit):
    booking = deposit.booking
    refund = refund_object(refund_id="re_dash", payment_intent="pi_dep", amount=10000)

    deliver(event("refund.updated", refund))
    deliver(event("payment_intent.succeeded", intent_object(deposit)))

    deposit.refresh_from_db()
    booking.refresh_from_db()
    refund_row = Payment.objects.get(kind="refund")
    assert (refund_row.status, refund_row.refund_of_id, refund_row.amount_cents) == (
        "succeeded",
        deposit.pk,
        10000,
    )
    assert deposit.status == "refunded"
    assert spend(booking) == 0
    # The same end as success-then-refund (issue 9, item 12): confirmed, and staff are told.
    assert booking.status == "confirmed"
    assert booking.flagged_for_staff and "deposit refunded in full" in booking.flag_reason


def test_charge_refunded_before_success_and_redelivered_counts_each_once(deliver, deposit):
    charge = charge_refunded_object(
        payment_intent="pi_dep",
        amount=10000,
        refunds=[refund_object(refund_id="re_1", payment_intent="pi_dep", amount=4000)],
    )
    refunded = event("charge.refunded", charge)

    deliver(refunded)
    deliver(event("payment_intent.succeeded", intent_object(deposit)))
    deliver(refunded)
    deliver(event("refund.updated", refund_object(refund_id="re_1", payment_intent="pi_dep", amount=4000)))

    deposit.refresh_from_db()
    assert deposit.status == "succeeded"  # partly refunded
    assert Payment.objects.filter(kind="refund").count() == 1
    assert spend(deposit.booking) == 6000
    assert deposit.booking.__class__.objects.get(pk=deposit.booking_id).status == "confirmed"


def test_a_failed_attempt_then_a_success_ends_succeeded(deliver, deposit):
    declined = intent_object(
        deposit, status="requires_payment_method", last_payment_error={"message": "Card declined"}
    )

    deliver(event("payment_intent.payment_failed", declined))
    deposit.refresh_from_db()
    assert (deposit.status, deposit.failure_reason) == ("failed", "Card declined")

    deliver(event("payment_intent.succeeded", intent_object(deposit)))
    deposit.refresh_from_db()
    assert deposit.status == "succeeded"
    assert spend(deposit.booking) == 10000


def test_a_failure_delivered_after_the_success_changes_nothing(deliver, deposit):
    deliver(event("payment_intent.succeeded", intent_object(deposit)))

    deliver(event("payment_intent.payment_failed", intent_object(deposit, status="requires_payment_method")))

    deposit.refresh_from_db()
    assert deposit.status == "succeeded"
    assert spend(deposit.booking) == 10000


def test_a_failing_handler_answers_500_records_the_failure_and_the_redelivery_processes_it(
    deliver, deposit, monkeypatch
):
    payload = event("payment_intent.succeeded", intent_object(deposit), event_id="evt_retry")
    real = webhooks.EVENT_HANDLERS["payment_intent.succeeded"]

    def broken(obj):
        real(obj)  # its writes must be rolled back with the failure
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(webhooks.EVENT_HANDLERS, "payment_intent.succeeded", broken)
    first = deliver(payload)

    assert first.status_code == 500
    assert first.json()["error"]["code"] == "webhook_processing_failed"
    stored = StripeEvent.objects.get(event_id="evt_retry")
    assert (stored.status, stored.attempts, stored.processed_at) == ("failed", 1, None)
    assert "database hiccup" in stored.last_error
    deposit.refresh_from_db()
    assert deposit.status == "pending" and spend(deposit.booking) == 0

    monkeypatch.setitem(webhooks.EVENT_HANDLERS, "payment_intent.succeeded", real)
    second = deliver(payload)

    assert second.status_code == 200
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("processed", 2)
    assert spend(deposit.booking) == 10000


# --- What each event does -----------------------------------------------------------------------


def test_a_payment_for_a_booking_cancelled_meanwhile_is_flagged_to_staff_and_audited(deliver, deposit):
    booking = deposit.booking
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")

    deliver(event("payment_intent.succeeded", intent_object(deposit)))

    booking.refresh_from_db()
    deposit.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.flagged_for_staff
    assert booking.flag_reason == "$100.00 deposit received after cancellation"
    assert deposit.status == "succeeded"  # counted, never silently dropped
    flag = AuditLog.objects.get(action="booking.flag", resource_id=str(booking.pk))
    assert flag.after == {"flagged_for_staff": True, "flag_reason": booking.flag_reason}


def test_a_dispute_flags_the_booking_and_is_a_high_severity_security_event(deliver, deposit):
    deliver(event("payment_intent.succeeded", intent_object(deposit)))
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "amount": 10000,
        "charge": "ch_1",
        "payment_intent": "pi_dep",
        "reason": "fraudulent",
        "status": "needs_response",
    }

    response = deliver(event("charge.dispute.created", dispute))

    assert response.status_code == 200
    booking = Booking.objects.get(pk=deposit.booking_id)
    assert booking.flagged_for_staff
    assert "disputed (fraudulent)" in booking.flag_reason
    security = SecurityEvent.objects.get(type=SecurityEvent.Type.PAYMENT_DISPUTED)
    assert security.severity == "high"
    assert security.details["booking_reference"] == booking.reference
    assert security.details["amount_cents"] == 10000


def test_a_refund_that_fails_after_succeeding_gives_the_money_back_to_the_totals_and_flags(deliver, deposit):
    deliver(event("payment_intent.succeeded", intent_object(deposit)))
    refund = refund_object(refund_id="re_x", payment_intent="pi_dep", amount=10000)
    deliver(event("refund.updated", refund))
    deposit.refresh_from_db()
    assert (deposit.status, spend(deposit.booking)) == ("refunded", 0)

    deliver(
        event("refund.failed", {**refund, "status": "failed", "failure_reason": "expired_or_canceled_card"})
    )
    deliver(event("refund.updated", refund))  # a late, stale "succeeded": failed is final

    deposit.refresh_from_db()
    refund_row = Payment.objects.get(kind="refund")
    assert (refund_row.status, refund_row.failure_reason) == ("failed", "expired_or_canceled_card")
    assert deposit.status == "succeeded"
    assert spend(deposit.booking) == 10000
    booking = Booking.objects.get(pk=deposit.booking_id)
    assert "Refund of $100.00 failed" in booking.flag_reason


def test_charge_refunded_without_the_refund_list_settles_our_pending_refunds_up_to_the_amount(
    deliver, deposit
):
    deliver(event("payment_intent.succeeded", intent_object(deposit)))
    first = PaymentFactory(
        booking=deposit.booking, kind="refund", status="pending", amount_cents=3000, refund_of=deposit
    )
    second = PaymentFactory(
        booking=deposit.booking, kind="refund", status="pending", amount_cents=7000, refund_of=deposit
    )
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_dep",
        "amount_refunded": 3000,
        "refunded": False,
    }

    deliver(event("charge.refunded", charge))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("succeeded", "pending")
    assert spend(deposit.booking) == 7000


def test_the_signature_is_checked_on_the_raw_bytes_not_a_re_serialisation(api_client, deposit):
    # Stripe's bytes, with its own spacing: re-encoding the JSON would break the signature.
    body = json.dumps(event("payment_intent.succeeded", intent_object(deposit)), indent=2, ensure_ascii=False)

    response = api_client.post(
        "/api/v1/payments/stripe/webhook/",
        data=body.encode(),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, secret=WEBHOOK_SECRET),
    )

    assert response.status_code == 200


# --- Query counts of the hot path ------------------------------------------------------------------


def test_processing_a_payment_success_takes_a_bounded_number_of_queries(
    deliver, deposit, django_assert_max_num_queries
):
    payload = event("payment_intent.succeeded", intent_object(deposit))

    # Record, lock, find the payment, lock booking and payment, count it, audit, confirm, audit,
    # the checks after payment, mark processed (savepoints included); then the receipt (one
    # INSERT ... ON CONFLICT, the customer, and claiming its email: savepoint, insert, release).
    with django_assert_max_num_queries(27):
        deliver(payload)


def test_a_repeated_delivery_costs_two_queries(deliver, deposit, django_assert_num_queries):
    payload = event("payment_intent.succeeded", intent_object(deposit))
    deliver(payload)

    with django_assert_num_queries(2):  # INSERT ... ON CONFLICT DO NOTHING, then read it back
        deliver(payload)


@pytest.mark.parametrize(
    ("event_type", "obj"),
    [
        (
            "refund.updated",
            {"object": "refund", "amount": 100, "status": "succeeded", "payment_intent": "pi_dep"},
        ),
        ("refund.updated", refund_object(refund_id="re_big", payment_intent="pi_dep", amount=2**31)),
        ("refund.updated", refund_object(refund_id="re_neg", payment_intent="pi_dep", amount=-5)),
        ("refund.updated", refund_object(refund_id="re_str", payment_intent="pi_dep", amount="100")),
        ("charge.refunded", {"object": "charge", "payment_intent": "pi_dep", "refunds": ["re_1"]}),
        ("charge.refunded", {"object": "charge", "payment_intent": "pi_dep", "refunds": {"data": "re_1"}}),
        ("charge.refunded", {"object": "charge", "payment_intent": "pi_dep", "amount_refunded": "all"}),
    ],
)
def test_a_signed_event_of_the_wrong_shape_is_a_400_and_changes_nothing(deliver, deposit, event_type, obj):
    response = deliver(event(event_type, obj))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_event"
    assert not Payment.objects.filter(kind="refund").exists()
    deposit.refresh_from_db()
    assert deposit.status == "pending"


def test_a_payment_success_whose_metadata_is_not_an_object_is_matched_by_its_intent_id(deliver, deposit):
    response = deliver(event("payment_intent.succeeded", {**intent_object(deposit), "metadata": "ours?"}))

    assert response.status_code == 200
    deposit.refresh_from_db()
    assert deposit.status == "succeeded"
