"""The booking and payment services tell customers and staff, after commit, through the real services."""

import pytest

from audit.actor import Actor
from core.models import Booking, Payment
from core.services.bookings import (
    booking_cancel,
    booking_cancellation_approve,
    booking_confirm,
    booking_create,
    booking_reschedule,
)
from core.services.payments import payment_record_manual
from identity.models import Station
from ops.models import Chef
from tests.core.conftest import booking_request, event_date
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

CUSTOMER = Actor.customer(label="pytest customer")
STAFF = Actor.system(label="pytest staff")


@pytest.fixture
def fremont(db) -> Station:
    PricingPolicyFactory()
    create_menu()
    station = StationFactory()
    ChefFactory.create_batch(2, station=station)
    return station


@pytest.fixture
def book(fremont, django_capture_on_commit_callbacks, mailoutbox, sms_outbox):
    """book(days=…, sms_consent=…): a booking made through booking_create; the outboxes emptied."""

    def make(*, days: int = 14, sms_consent: bool = True) -> Booking:
        request = booking_request(date=event_date(days), customer={"sms_consent": sms_consent})
        with django_capture_on_commit_callbacks(execute=True):
            booking = booking_create(request=request, actor=CUSTOMER)
        mailoutbox.clear()
        sms_outbox.clear()
        return booking

    return make


def _subjects(mailoutbox) -> list[tuple[str, tuple[str, ...]]]:
    """Customer and staff messages (the chef's own are in test_chef_notifications.py)."""
    chefs = set(Chef.objects.values_list("email", flat=True))
    return sorted(
        (email.subject.split(" ")[0], tuple(email.to)) for email in mailoutbox if not set(email.to) & chefs
    )


def test_a_new_booking_sends_deposit_instructions_and_alerts_staff(
    fremont, django_capture_on_commit_callbacks, mailoutbox, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(request=booking_request(customer={"sms_consent": True}), actor=CUSTOMER)

    customer_email = next(email for email in mailoutbox if email.to == ["ada@example.com"])
    assert "deposit" in customer_email.subject
    assert "/manage/" in customer_email.body
    assert booking.reference in customer_email.body
    staff_email = next(email for email in mailoutbox if email.to == ["ops@myhibachi.test"])
    assert staff_email.subject.startswith(f"[My Hibachi] New booking {booking.reference}")
    assert [text.to for text in sms_outbox] == ["+15105550142"]


def test_confirming_sends_the_confirmation_once(
    book, django_capture_on_commit_callbacks, mailoutbox, sms_outbox
):
    booking = book()

    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=booking, actor=STAFF)
        booking_confirm(booking=booking, actor=STAFF)  # idempotent: already confirmed

    assert _subjects(mailoutbox) == [("Confirmed:", ("ada@example.com",))]
    assert len(sms_outbox) == 1


def test_a_reschedule_is_confirmed_by_email(book, django_capture_on_commit_callbacks, mailoutbox):
    booking = book()

    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(
            booking=booking, date=event_date(21), slot="15:00", actor=CUSTOMER, by_customer=True
        )

    assert _subjects(mailoutbox) == [("Rescheduled:", ("ada@example.com",))]
    customer_email = next(email for email in mailoutbox if email.to == ["ada@example.com"])
    assert "3:00 PM" in customer_email.body


def test_a_timely_cancellation_states_the_refunded_deposit(
    book, django_capture_on_commit_callbacks, mailoutbox
):
    booking = book(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        payment_record_manual(
            booking=booking,
            kind=Payment.Kind.DEPOSIT,
            method=Payment.Method.ZELLE,
            amount_cents=10_000,
            actor=STAFF,
        )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=CUSTOMER, by_customer=True)

    cancelled = [email for email in mailoutbox if email.subject.startswith("Cancelled")]
    assert [email.to for email in cancelled] == [["ada@example.com"], [booking.chef.email]]
    assert "Refund: $100.00" in cancelled[0].body


def test_a_late_cancellation_request_alerts_staff_and_its_approval_tells_the_customer(
    book, django_capture_on_commit_callbacks, mailoutbox
):
    booking = book(days=3)
    # Paid: an unpaid booking cancels outright instead (nothing is owed back).
    with django_capture_on_commit_callbacks(execute=True):
        payment_record_manual(
            booking=booking,
            kind=Payment.Kind.DEPOSIT,
            method=Payment.Method.CASH,
            amount_cents=10000,
            actor=STAFF,
        )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=CUSTOMER, by_customer=True, reason="Rain forecast")
    assert _subjects(mailoutbox) == [("[My", ("ops@myhibachi.test",))]
    assert "Cancellation requested" in mailoutbox[0].subject
    assert "Rain forecast" in mailoutbox[0].body
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancellation_approve(booking=booking, actor=STAFF)
    assert _subjects(mailoutbox) == [("Cancelled:", ("ada@example.com",))]
    customer_email = next(email for email in mailoutbox if email.to == ["ada@example.com"])
    assert "Refund: $0.00" in customer_email.body


def test_a_flagged_payment_alerts_staff_with_the_reason(book, django_capture_on_commit_callbacks, mailoutbox):
    booking = book()

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            payment_record_manual(
                booking=booking,
                kind=Payment.Kind.DEPOSIT,
                method=Payment.Method.CASH,
                amount_cents=10_000,
                actor=STAFF,
            )

    flagged = [email for email in mailoutbox if "Payment flagged" in email.subject]
    assert [email.to for email in flagged] == [["ops@myhibachi.test"]]
    assert "Deposit paid more than once" in flagged[0].body


def test_nothing_is_sent_for_a_booking_that_was_never_committed(fremont, mailoutbox, sms_outbox):
    # Without the commit (the test's transaction is rolled back), nothing leaves
    booking_create(request=booking_request(date=event_date(30)), actor=CUSTOMER)

    assert mailoutbox == []
    assert sms_outbox == []
