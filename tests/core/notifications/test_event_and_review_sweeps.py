"""Event reminders 48 h and 24 h before (in the station's time zone), and review requests."""

import datetime

from core.models import Booking, Notification
from core.services.reminders import booking_event_reminders_send, booking_review_requests_send
from tests.core.factories import CustomerFactory, ReviewFactory
from tests.core.notifications.conftest import SIX_PM, local, make_booking
from tests.identity.factories import StationFactory

Kind = Notification.Kind
HOUR = datetime.timedelta(hours=1)
# Saturday, July 4, 2026 at 6 PM in Fremont is 2026-07-05 01:00 UTC.
EVENT_DATE = datetime.date(2026, 7, 4)
EVENT_START = local(2026, 7, 4, 18, 0)


def _confirmed(station, *, sms_consent: bool = True, **fields) -> Booking:
    fields.setdefault("date", EVENT_DATE)
    fields.setdefault("slot", SIX_PM)
    fields.setdefault("status", Booking.Status.CONFIRMED)
    return make_booking(station=station, customer=CustomerFactory(sms_consent=sms_consent), **fields)


def test_the_48_hour_reminder_goes_out_once_between_48_and_24_hours_before(
    station, run, mailoutbox, sms_outbox
):
    booking = _confirmed(station)

    # 49 hours before: too early
    assert run(booking_event_reminders_send, EVENT_START - 49 * HOUR) == 0
    # 47 h 50 min before, and again 10 minutes later: once
    assert run(booking_event_reminders_send, EVENT_START - 47.9 * HOUR) == 1
    assert run(booking_event_reminders_send, EVENT_START - 47.7 * HOUR) == 0

    assert [email.to for email in mailoutbox] == [[booking.customer.email]]
    assert "48 hours" in mailoutbox[0].subject
    assert [text.to for text in sms_outbox] == [booking.customer.phone]
    assert "about 48 hours" in sms_outbox[0].body


def test_the_24_hour_reminder_follows_once(station, run, mailoutbox, sms_outbox):
    booking = _confirmed(station)
    run(booking_event_reminders_send, EVENT_START - 47 * HOUR)
    mailoutbox.clear()
    sms_outbox.clear()

    assert run(booking_event_reminders_send, EVENT_START - 23.9 * HOUR) == 1
    assert run(booking_event_reminders_send, EVENT_START - 2 * HOUR) == 0

    assert [email.subject.split(":")[0] for email in mailoutbox] == ["24 hours to go"]
    assert [text.to for text in sms_outbox] == [booking.customer.phone]
    assert sorted(Notification.objects.values_list("kind", flat=True).distinct()) == [
        Kind.EVENT_REMINDER_24H,
        Kind.EVENT_REMINDER_48H,
    ]


def test_the_event_time_is_taken_in_the_stations_time_zone(db, run, mailoutbox):
    # Given a station in New York: its 6 PM is three hours before Fremont's
    new_york = StationFactory(code="NY-QUEENS-001", name="Queens", timezone="America/New_York")
    booking = _confirmed(new_york)
    new_york_start = datetime.datetime(
        2026, 7, 4, 18, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-4))
    )

    # When the sweep runs 23 h 30 min before the New York start (26 h 30 min before Fremont's 6 PM)
    sent = run(booking_event_reminders_send, new_york_start - 23.5 * HOUR)

    # Then the 24-hour reminder goes, not the 48-hour one
    assert sent == 1
    assert Notification.objects.get(booking=booking, channel="email").kind == Kind.EVENT_REMINDER_24H


def test_no_text_without_consent_and_no_reminder_for_a_booking_that_is_not_confirmed(
    station, run, mailoutbox, sms_outbox
):
    no_texts = _confirmed(station, sms_consent=False)
    cancelled = _confirmed(station)
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    pending = _confirmed(station)
    Booking.objects.filter(pk=pending.pk).update(status=Booking.Status.DEPOSIT_PENDING)

    run(booking_event_reminders_send, EVENT_START - 30 * HOUR)

    assert [email.to for email in mailoutbox] == [[no_texts.customer.email]]
    assert sms_outbox == []


def test_a_review_is_requested_by_email_24_hours_after_completion_once(station, run, mailoutbox, sms_outbox):
    completed_at = local(2026, 7, 4, 21, 0)
    done = _confirmed(station, status=Booking.Status.COMPLETED, completed_at=completed_at)
    reviewed = _confirmed(station, status=Booking.Status.COMPLETED, completed_at=completed_at)
    ReviewFactory(booking=reviewed, customer=reviewed.customer)

    assert run(booking_review_requests_send, completed_at + 23 * HOUR) == 0
    assert run(booking_review_requests_send, completed_at + 25 * HOUR) == 1
    assert run(booking_review_requests_send, completed_at + 26 * HOUR) == 0

    assert [email.to for email in mailoutbox] == [[done.customer.email]]
    assert "How was your My Hibachi party" in mailoutbox[0].subject
    assert "/manage/" in mailoutbox[0].body
    assert sms_outbox == []  # a review request asks for something: email only


def test_no_review_request_for_an_event_completed_long_ago(station, run, mailoutbox):
    completed_at = local(2026, 7, 4, 21, 0)
    _confirmed(station, status=Booking.Status.COMPLETED, completed_at=completed_at)

    assert run(booking_review_requests_send, completed_at + datetime.timedelta(days=8)) == 0
    assert mailoutbox == []


def test_a_booking_moved_after_its_48_hour_reminder_is_reminded_again_before_its_new_time(
    station, run, mailoutbox
):
    # Given a booking reminded 48 hours ahead, then moved by staff to the next week
    booking = _confirmed(station)
    assert run(booking_event_reminders_send, EVENT_START - 47 * HOUR) == 1
    Booking.objects.filter(pk=booking.pk).update(date=EVENT_DATE + datetime.timedelta(days=7))
    mailoutbox.clear()

    # When the sweep runs 47 hours before the new time, then 23 hours before it
    new_start = EVENT_START + datetime.timedelta(days=7)
    reminded_48 = run(booking_event_reminders_send, new_start - 47 * HOUR)
    reminded_24 = run(booking_event_reminders_send, new_start - 23 * HOUR)

    # Then each reminder goes out again, for the new date
    assert (reminded_48, reminded_24) == (1, 1)
    assert len(mailoutbox) == 2


def test_a_booking_moved_after_its_24_hour_reminder_still_gets_both_before_its_new_time(station, run):
    booking = _confirmed(station)
    run(booking_event_reminders_send, EVENT_START - 47 * HOUR)
    run(booking_event_reminders_send, EVENT_START - 23 * HOUR)
    Booking.objects.filter(pk=booking.pk).update(
        slot=datetime.time(21, 0), date=EVENT_DATE + datetime.timedelta(days=2)
    )
    new_start = EVENT_START + datetime.timedelta(days=2, hours=3)

    assert run(booking_event_reminders_send, new_start - 47 * HOUR) == 1
    assert run(booking_event_reminders_send, new_start - 23 * HOUR) == 1
    assert run(booking_event_reminders_send, new_start - 22 * HOUR) == 0
