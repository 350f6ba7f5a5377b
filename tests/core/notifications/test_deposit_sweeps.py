"""Deposit reminders 2 h and 12 h after booking, and unpaid bookings cancelled after 24 h."""

import datetime

from audit.models import AuditLog
from core.models import Booking, Message, Notification
from core.services.reminders import booking_deposit_reminders_send, booking_unpaid_cancel
from tests.core.factories import CustomerFactory, PaymentFactory
from tests.core.notifications.conftest import local, make_booking

NOW = local(2026, 3, 10, 12, 0)
HOUR = datetime.timedelta(hours=1)
Kind = Notification.Kind


def _pending(station, *, hours_ago: float, sms_consent: bool = False, **fields) -> Booking:
    return make_booking(
        station=station,
        status=Booking.Status.DEPOSIT_PENDING,
        customer=CustomerFactory(sms_consent=sms_consent),
        created_at=NOW - hours_ago * HOUR,
        deposit_due_at=NOW - hours_ago * HOUR + 24 * HOUR,
        date=datetime.date(2026, 3, 28),
        **fields,
    )


def test_the_2_hour_reminder_goes_by_email_and_sms_to_a_customer_who_consented_exactly_once(
    station, run, mailoutbox, sms_outbox
):
    # Given a booking made 2 h 10 min ago, deposit unpaid, by a customer who accepts texts
    booking = _pending(station, hours_ago=2.2, sms_consent=True)
    # And one made an hour ago (not due yet)
    _pending(station, hours_ago=1)

    # When the sweep runs, and runs again 5 minutes later
    first = run(booking_deposit_reminders_send, NOW)
    second = run(booking_deposit_reminders_send, NOW + datetime.timedelta(minutes=5))

    # Then the due customer got one email and one text, and nobody else got anything
    assert (first, second) == (1, 0)
    assert [email.to for email in mailoutbox] == [[booking.customer.email]]
    assert booking.reference in mailoutbox[0].subject
    assert "$100.00" in mailoutbox[0].body
    assert [text.to for text in sms_outbox] == [booking.customer.phone]
    assert sms_outbox[0].body.endswith("Reply STOP to opt out.")
    # And each is recorded as sent, and stored in the customer's threads
    sent = Notification.objects.filter(booking=booking, kind=Kind.DEPOSIT_REMINDER_2H)
    assert sorted(sent.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    messages = Message.objects.filter(thread__customer=booking.customer).order_by("channel")
    assert [(m.channel, m.direction, m.status, bool(m.provider_id)) for m in messages] == [
        ("email", "outbound", "sent", True),
        ("sms", "outbound", "sent", True),
    ]
    assert messages[1].provider_id == sms_outbox[0].provider_id


def test_a_customer_without_sms_consent_gets_the_email_and_no_text(station, run, mailoutbox, sms_outbox):
    booking = _pending(station, hours_ago=3, sms_consent=False)

    run(booking_deposit_reminders_send, NOW)

    assert [email.to for email in mailoutbox] == [[booking.customer.email]]
    assert sms_outbox == []
    assert not Notification.objects.filter(channel=Notification.Channel.SMS).exists()


def test_the_12_hour_reminder_follows_and_a_missed_2_hour_one_is_not_sent_late(station, run, mailoutbox):
    # Given a booking reminded at 2 h, and one the sweep never saw before 12 h (workers down)
    reminded = _pending(station, hours_ago=2.5)
    run(booking_deposit_reminders_send, NOW)
    late = _pending(station, hours_ago=12.5)
    mailoutbox.clear()

    # When the sweep runs 10 hours later (the first booking is 12.5 h old, the second 22.5 h)
    run(booking_deposit_reminders_send, NOW + 10 * HOUR)

    # Then each gets the 12-hour reminder, and the late one no 2-hour reminder
    kinds = sorted(Notification.objects.values_list("booking__reference", "kind"))
    assert kinds == sorted(
        [
            (reminded.reference, Kind.DEPOSIT_REMINDER_2H),
            (reminded.reference, Kind.DEPOSIT_REMINDER_12H),
            (late.reference, Kind.DEPOSIT_REMINDER_12H),
        ]
    )
    assert len(mailoutbox) == 2


def test_no_reminder_for_a_paid_booking_or_one_on_staff_hold(station, run, mailoutbox):
    paid = _pending(station, hours_ago=3)
    Booking.objects.filter(pk=paid.pk).update(status=Booking.Status.CONFIRMED)
    _pending(station, hours_ago=3, payment_hold=True)

    assert run(booking_deposit_reminders_send, NOW) == 0
    assert mailoutbox == []


def test_a_reminder_claimed_before_the_deposit_was_paid_is_skipped_not_sent(
    station, run, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a reminder claimed, whose delivery has not run yet
    booking = _pending(station, hours_ago=3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_deposit_reminders_send(now=NOW)
    # When the deposit is paid before the worker delivers it
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    for callback in callbacks:
        callback()

    # Then nothing is sent, and the notification says why
    assert mailoutbox == []
    notification = Notification.objects.get(booking=booking)
    assert notification.status == Notification.Status.SKIPPED
    assert "deposit" in notification.last_error


def test_unpaid_bookings_are_cancelled_after_24_hours_by_the_system_with_an_email(station, run, mailoutbox):
    # Given bookings unpaid for 25 h, 23 h, on staff hold, and one with a succeeded deposit
    unpaid = _pending(station, hours_ago=25)
    recent = _pending(station, hours_ago=23)
    held = _pending(station, hours_ago=30, payment_hold=True)
    paid = _pending(station, hours_ago=30)
    PaymentFactory(booking=paid)

    # When the sweep runs twice
    cancelled = [run(booking_unpaid_cancel, NOW), run(booking_unpaid_cancel, NOW)]

    # Then only the unpaid one is cancelled, once, audited as the system
    assert cancelled == [1, 0]
    statuses = dict(Booking.objects.values_list("reference", "status"))
    assert statuses == {
        unpaid.reference: Booking.Status.CANCELLED,
        recent.reference: Booking.Status.DEPOSIT_PENDING,
        held.reference: Booking.Status.DEPOSIT_PENDING,
        paid.reference: Booking.Status.DEPOSIT_PENDING,
    }
    audit = AuditLog.objects.get(action="booking.cancel", resource_id=str(unpaid.pk))
    assert audit.actor_type == AuditLog.ActorType.SYSTEM
    assert "24 hours" in audit.reason
    # And the customer is told, once, with the refund (none: nothing was paid); so is the chef
    assert sorted(email.to for email in mailoutbox) == sorted([[unpaid.customer.email], [unpaid.chef.email]])
    customer_email = next(email for email in mailoutbox if email.to == [unpaid.customer.email])
    assert "cancelled" in customer_email.body
    assert "Refund: $0.00" in mailoutbox[0].body
