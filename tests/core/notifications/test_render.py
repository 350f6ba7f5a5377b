"""Templates render real bookings: branded, in dollars, with the manage link, and nobody else's data."""

import datetime

import pytest

from core.models import Booking, Notification
from core.notifications.content import content_provider_for
from core.notifications.render import (
    SMS_OPT_OUT_TEXT,
    TEMPLATE_NAMES,
    notification_context,
    render_email,
    render_sms,
)
from core.tokens import manage_token_for
from tests.core.factories import CustomerFactory, PaymentFactory
from tests.core.notifications.conftest import SIX_PM, make_booking

Kind = Notification.Kind
CUSTOMER_KINDS = [
    Kind.BOOKING_RECEIVED,
    Kind.DEPOSIT_REMINDER_2H,
    Kind.DEPOSIT_REMINDER_12H,
    Kind.BOOKING_CONFIRMED,
    Kind.BOOKING_RESCHEDULED,
    Kind.BOOKING_CANCELLED,
    Kind.EVENT_REMINDER_48H,
    Kind.EVENT_REMINDER_24H,
    Kind.REVIEW_REQUEST,
]
STAFF_BOOKING_KINDS = [
    Kind.STAFF_NEW_BOOKING,
    Kind.STAFF_CANCELLATION_REQUEST,
    Kind.STAFF_UNASSIGNED_CHEF,
    Kind.STAFF_PAYMENT_FLAGGED,
]
SMS_KINDS = [
    Kind.BOOKING_RECEIVED,
    Kind.DEPOSIT_REMINDER_2H,
    Kind.BOOKING_CONFIRMED,
    Kind.BOOKING_RESCHEDULED,
    Kind.BOOKING_CANCELLED,
    Kind.EVENT_REMINDER_24H,
]


def _context(booking: Booking, kind: str, channel: str = Notification.Channel.EMAIL, **extra) -> dict:
    return notification_context(Notification(kind=kind, channel=channel, booking=booking, context=extra))


@pytest.fixture
def ada_booking(station) -> Booking:
    customer = CustomerFactory(
        first_name="Ada", last_name="O'Hara", email="ada@example.com", phone="+15105550142"
    )
    booking = make_booking(
        station=station,
        customer=customer,
        reference="MH-ADA111",
        date=datetime.date(2026, 7, 4),
        slot=SIX_PM,
        address="12 Ocean View Rd, Fremont, CA 94539",
        party_adults=10,
        party_kids=2,
        party_toddlers=1,
        total_due_cents=61_050,
        deposit_due_cents=10_000,
        refund_due_cents=10_000,
        status=Booking.Status.CONFIRMED,
    )
    PaymentFactory(booking=booking, amount_cents=10_000)
    return booking


@pytest.fixture
def bob_booking(station) -> Booking:
    customer = CustomerFactory(
        first_name="Bob", last_name="Nakamura", email="bob@example.com", phone="+15105550177"
    )
    return make_booking(
        station=station,
        customer=customer,
        reference="MH-BOB222",
        date=datetime.date(2026, 8, 15),
        address="98 Hillside Ave, Fremont, CA 94536",
        party_adults=20,
        total_due_cents=120_000,
    )


@pytest.mark.parametrize("kind", CUSTOMER_KINDS)
def test_every_customer_email_is_branded_with_the_booking_in_dollars_and_the_manage_link(ada_booking, kind):
    email = render_email(kind, _context(ada_booking, kind))

    # An email to the customer's stored address carries the emailed link (it may change their contact)
    manage_link = f"https://myhibachi.test/manage/{manage_token_for(ada_booking, emailed=True)}"
    for part in (email.text, email.html):
        assert "My Hibachi" in part or "MY HIBACHI" in part
        assert "MH-ADA111" in part
        assert manage_link in part
        assert "Saturday, July 4, 2026" in part
    assert "MH-ADA111" in email.subject or "July 4" in email.subject or "Ada" in email.subject
    if kind != Kind.REVIEW_REQUEST:
        for part in (email.text, email.html):
            assert "6:00 PM" in part
            assert "12 Ocean View Rd, Fremont, CA 94539" in part
            assert "10 adults, 2 kids, 1 toddler" in part
            assert "$610.50" in part  # the total
            assert "$100.00" in part  # the deposit


def test_plain_text_is_not_html_escaped_and_html_is(ada_booking):
    email = render_email(Kind.STAFF_NEW_BOOKING, _context(ada_booking, Kind.STAFF_NEW_BOOKING))

    assert "Ada O'Hara" in email.text
    assert "<p>" not in email.text
    assert "Ada O&#x27;Hara" in email.html


def test_booking_received_gives_the_deposit_deadline_in_the_stations_time(ada_booking):
    Booking.objects.filter(pk=ada_booking.pk).update(
        deposit_due_at=datetime.datetime(2026, 3, 11, 1, 30, tzinfo=datetime.UTC)
    )
    ada_booking.refresh_from_db()

    email = render_email(Kind.BOOKING_RECEIVED, _context(ada_booking, Kind.BOOKING_RECEIVED))

    assert "pay the $100.00 deposit by Tuesday, March 10 at 6:30 PM PDT" in email.text
    assert "Zelle" in email.text


def test_the_cancellation_email_states_the_refund(ada_booking):
    email = render_email(Kind.BOOKING_CANCELLED, _context(ada_booking, Kind.BOOKING_CANCELLED))

    assert "Refund: $100.00" in email.text
    assert "Refund: $100.00" in email.html
    assert "MH-ADA111" in email.subject


def test_a_cancellation_without_refund_says_so(bob_booking):
    email = render_email(Kind.BOOKING_CANCELLED, _context(bob_booking, Kind.BOOKING_CANCELLED))

    assert "Refund: $0.00 - no refund is due" in email.text


@pytest.mark.parametrize("kind", CUSTOMER_KINDS + STAFF_BOOKING_KINDS)
def test_no_message_carries_another_customers_data(ada_booking, bob_booking, kind):
    ada = render_email(kind, _context(ada_booking, kind, reason="Card declined twice"))
    bob = render_email(kind, _context(bob_booking, kind, reason="Card declined twice"))

    for rendered, own, other in ((ada, ada_booking, bob_booking), (bob, bob_booking, ada_booking)):
        everything = rendered.subject + rendered.text + rendered.html
        assert own.reference in everything
        # Its own random manage token could spell "Bob" by chance; it is checked below.
        for emailed in (True, False):
            everything = everything.replace(manage_token_for(own, emailed=emailed), "<own manage token>")
        assert other.reference not in everything
        assert other.customer.first_name not in everything
        assert other.customer.email not in everything
        assert other.address not in everything
        assert manage_token_for(other) not in everything
        assert manage_token_for(other, emailed=True) not in everything


@pytest.mark.parametrize("kind", STAFF_BOOKING_KINDS)
def test_staff_alerts_link_to_the_booking_in_the_staff_panel(ada_booking, kind):
    email = render_email(kind, _context(ada_booking, kind, reason="Stripe dispute opened"))

    admin_link = f"https://api.myhibachi.test/admin/core/booking/{ada_booking.pk}/change/"
    assert admin_link in email.text
    assert admin_link in email.html
    assert "Ada O'Hara" in email.text
    assert "Fremont" in email.subject


def test_the_payment_flag_alert_gives_the_reason(ada_booking):
    email = render_email(
        Kind.STAFF_PAYMENT_FLAGGED, _context(ada_booking, Kind.STAFF_PAYMENT_FLAGGED, reason="Dispute opened")
    )

    assert "Reason: Dispute opened" in email.text


@pytest.mark.parametrize("kind", SMS_KINDS)
def test_every_booking_sms_is_one_line_with_the_manage_link_and_ends_with_the_opt_out_text(ada_booking, kind):
    body = render_sms(kind, _context(ada_booking, kind, Notification.Channel.SMS))

    assert "\n" not in body
    assert body.startswith("My Hibachi")
    assert "MH-ADA111" in body or "July 4" in body
    assert f"https://myhibachi.test/manage/{manage_token_for(ada_booking)}" in body
    assert body.endswith(SMS_OPT_OUT_TEXT)


def test_help_and_opt_in_replies_end_with_the_opt_out_text_and_the_opt_out_confirmation_with_start(
    ada_booking,
):
    help_reply = render_sms(Kind.SMS_HELP, _context(ada_booking, Kind.SMS_HELP))
    opt_in = render_sms(Kind.SMS_OPT_IN, _context(ada_booking, Kind.SMS_OPT_IN))
    opt_out = render_sms(Kind.SMS_OPT_OUT, _context(ada_booking, Kind.SMS_OPT_OUT))

    assert "hello@myhibachi.test" in help_reply and "+15105550100" in help_reply
    assert help_reply.endswith(SMS_OPT_OUT_TEXT)
    assert opt_in.endswith(SMS_OPT_OUT_TEXT)
    assert "Reply START" in opt_out


def test_every_kind_has_a_template_or_an_upper_layers_composer():
    # Marketing kinds are composed by crm (core.notifications.content), not by a core template.
    composed = {kind for kind in Kind.values if content_provider_for(kind) is not None}
    assert composed == {Kind.MARKETING_EMAIL, Kind.MARKETING_SMS}
    assert set(TEMPLATE_NAMES) | composed == set(Kind.values)
    assert not set(TEMPLATE_NAMES) & composed
