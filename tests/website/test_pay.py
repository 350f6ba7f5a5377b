"""The payment step /pay/<token>/ and the confirmation /manage/<token>/paid/."""

import pytest

from audit.models import SecurityEvent
from core.models import Booking, Payment
from tests.website.conftest import manage_url, pay_url

pytestmark = pytest.mark.django_db


def test_the_deposit_step_shows_a_clearly_labelled_test_card_with_the_fake_gateway(client, make_booking):
    booking = make_booking()

    response = client.get(pay_url(booking))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Test mode: no real card is charged." in page
    assert "Pay deposit" in page and "$100.00" in page
    assert Payment.objects.get(booking=booking).status == Payment.Status.PENDING  # the intent, made now
    assert "stripe" not in response["Content-Security-Policy"]


def test_paying_the_deposit_with_the_test_card_confirms_the_booking_through_the_webhook_path(
    client, make_booking
):
    booking = make_booking()
    client.get(pay_url(booking))

    response = client.post(pay_url(booking), {"kind": "deposit"})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Payment.objects.get(booking=booking).status == Payment.Status.SUCCEEDED
    assert response.status_code == 302 and response["Location"].endswith("/paid/?kind=deposit")
    assert "You're booked!" in client.get(response["Location"]).content.decode()


def test_a_double_click_on_pay_deposit_pays_once(client, make_booking):
    booking = make_booking()

    client.post(pay_url(booking), {"kind": "deposit"})
    second = client.post(pay_url(booking), {"kind": "deposit"})

    assert Payment.objects.filter(booking=booking, status=Payment.Status.SUCCEEDED).count() == 1
    assert second.status_code == 302 and second["Location"] == manage_url(booking)


def test_paying_the_balance_leaves_nothing_due(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})

    page = client.get(pay_url(booking)).content.decode()
    response = client.post(pay_url(booking), {"kind": "balance"})

    assert "Pay balance" in page
    booking.refresh_from_db()
    paid = Payment.objects.filter(booking=booking, status=Payment.Status.SUCCEEDED)
    assert sum(payment.amount_cents for payment in paid) == booking.total_due_cents
    assert "all paid" in client.get(response["Location"]).content.decode()


def test_a_cancelled_booking_has_nothing_to_pay(client, make_booking):
    booking = make_booking()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)

    response = client.post(pay_url(booking), {"kind": "deposit"})

    assert response.status_code == 302 and response["Location"] == manage_url(booking)
    assert not Payment.objects.filter(status=Payment.Status.SUCCEEDED).exists()


def test_with_stripe_configured_the_page_loads_the_payment_element_and_allows_stripe_only_there(
    client, make_booking, settings, monkeypatch
):
    from core.payment_gateway.fake_gateway import FakeGateway

    settings.STRIPE_SECRET_KEY = "sk_test_configured"
    monkeypatch.setattr("core.services.payments.intents.get_gateway", FakeGateway)
    booking = make_booking()

    response = client.get(pay_url(booking))
    home = client.get("/")

    page = response.content.decode()
    assert 'id="payment-element"' in page and "https://js.stripe.com/v3/" in page
    assert "Test mode" not in page
    assert f"/manage/{pay_url(booking).split('/')[2]}/paid/?kind=deposit" in page  # return_url
    assert "script-src 'self' https://js.stripe.com" in response["Content-Security-Policy"]
    assert "stripe" not in home["Content-Security-Policy"]
    assert (
        client.post(pay_url(booking), {"kind": "deposit"}).status_code == 404
    )  # no test card when Stripe is live


def test_the_confirmation_keeps_polling_until_the_webhook_has_recorded_the_payment(client, make_booking):
    booking = make_booking()

    page = client.get(manage_url(booking, "paid") + "?kind=deposit").content.decode()

    assert "Confirming your payment" in page
    assert 'hx-trigger="every 2s"' in page


def test_a_failed_stripe_redirect_says_nothing_was_charged(client, make_booking):
    booking = make_booking()

    page = client.get(manage_url(booking, "paid") + "?kind=deposit&redirect_status=failed").content.decode()

    assert "did not go through" in page and "hx-trigger" not in page


def test_a_bad_token_on_the_payment_step_is_a_friendly_404_and_a_security_event(client, station):
    response = client.get("/pay/not-a-token/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()
    assert SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID).count() == 1


def test_the_balance_step_offers_the_suggested_tips_from_the_policy(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})
    booking.refresh_from_db()

    page = client.get(pay_url(booking)).content.decode()

    assert "Tip for your chef" in page
    for percent in (20, 25, 30, 35):
        assert f"{percent}% (${booking.total_due_cents * percent / 10000:,.2f})" in page
    assert "No tip" in page and "Another amount" in page


def test_a_tip_is_paid_with_the_balance_as_its_own_amount(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})
    booking.refresh_from_db()
    balance = booking.total_due_cents - 10000
    tip = booking.total_due_cents * 25 // 100

    page = client.get(pay_url(booking), {"tip": "25"}).content.decode()
    response = client.post(pay_url(booking), {"kind": "balance", "tip": "25"})

    assert f"Amount due now: ${(balance + tip) / 100:,.2f}" in page
    assert response.status_code == 302
    payment = Payment.objects.get(booking=booking, kind=Payment.Kind.BALANCE, status=Payment.Status.SUCCEEDED)
    assert (payment.amount_cents, payment.tip_cents) == (balance + tip, tip)
    booking.refresh_from_db()
    assert not booking.flagged_for_staff  # the tip is not an overpayment
    assert 'data-testid="balance">$0.00<' in client.get(manage_url(booking)).content.decode()


def test_another_tip_amount_in_dollars(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})

    client.post(pay_url(booking), {"kind": "balance", "tip": "other", "tip_amount": "42.50"})

    payment = Payment.objects.get(booking=booking, kind=Payment.Kind.BALANCE, status=Payment.Status.SUCCEEDED)
    assert payment.tip_cents == 4250


def test_another_amount_without_an_amount_is_refused_at_the_field(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})

    response = client.get(pay_url(booking), {"tip": "other"})

    assert response.status_code == 400
    assert 'id="id_tip_amount-error"' in response.content.decode()
    assert not Payment.objects.filter(kind=Payment.Kind.BALANCE).exists()
