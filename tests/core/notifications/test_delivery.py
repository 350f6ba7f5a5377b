"""Delivery: at most once, retried on provider failures, skipped when consent is gone; the booking hooks."""

import datetime
import io
import json
import smtplib
import urllib.error
import urllib.parse
from unittest import mock

import pytest
import time_machine
from django.db import transaction

from core.models import Booking, Message, MessageThread, Notification
from core.notifications import dispatch
from core.notifications.sms import SmsDeliveryError, TwilioSmsGateway
from core.services import messaging
from core.services.bookings.followup import booking_created_followup_on_commit
from core.services.messaging import (
    MAX_ATTEMPTS,
    DeliveryDeferred,
    notification_claim,
    notification_deliver,
    notifications_deliver_pending,
)
from tests.core.factories import CustomerFactory
from tests.core.notifications.conftest import local, make_booking

Kind = Notification.Kind
NOW = local(2026, 3, 10, 12, 0)


@pytest.fixture
def texting_booking(station) -> Booking:
    return make_booking(station=station, customer=CustomerFactory(sms_consent=True))


def _claim(booking: Booking, kind: str = Kind.BOOKING_CONFIRMED, channel: str = "sms") -> Notification:
    """A claimed notification whose delivery has not run."""
    with mock.patch.object(dispatch, "delivery_on_commit"):
        return notification_claim(kind=kind, channel=channel, booking=booking, customer=booking.customer)


class FailingGateway:
    name = "failing"

    def __init__(self, *, retryable: bool):
        self.retryable = retryable
        self.calls = 0

    def send(self, *, to, body):
        self.calls += 1
        raise SmsDeliveryError("provider down", retryable=self.retryable)


def test_a_notification_is_claimed_once_and_delivered_once(texting_booking, sms_outbox):
    notification = _claim(texting_booking)
    assert _claim(texting_booking) is None  # the second claim is refused

    assert notification_deliver(notification_id=notification.pk) == Notification.Status.SENT
    assert notification_deliver(notification_id=notification.pk) is None

    assert len(sms_outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.recipient == texting_booking.customer.phone
    assert notification.message.provider_id == sms_outbox[0].provider_id
    assert notification.message.thread.customer == texting_booking.customer


def test_a_provider_failure_is_retried_and_given_up_after_the_last_attempt(
    texting_booking, monkeypatch, sms_outbox
):
    gateway = FailingGateway(retryable=True)
    monkeypatch.setattr(messaging.sending, "sms_gateway", lambda: gateway)
    notification = _claim(texting_booking)

    for _attempt in range(MAX_ATTEMPTS - 1):
        with pytest.raises(DeliveryDeferred):
            notification_deliver(notification_id=notification.pk)
        notification.refresh_from_db()
        assert notification.status == Notification.Status.PENDING
    assert notification_deliver(notification_id=notification.pk) == Notification.Status.FAILED

    notification.refresh_from_db()
    assert (notification.attempts, gateway.calls) == (MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert "provider down" in notification.last_error
    # One message in the thread, however many attempts: it failed
    assert list(Message.objects.values_list("status", flat=True)) == [Message.Status.FAILED]


def test_a_permanent_provider_refusal_fails_at_once(texting_booking, monkeypatch):
    monkeypatch.setattr(messaging.sending, "sms_gateway", lambda: FailingGateway(retryable=False))
    notification = _claim(texting_booking)

    assert notification_deliver(notification_id=notification.pk) == Notification.Status.FAILED


def test_an_email_backend_failure_is_deferred(station, monkeypatch):
    booking = make_booking(station=station)
    notification = _claim(booking, channel="email")

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(messaging.sending, "email_send", refuse)
    with pytest.raises(DeliveryDeferred):
        notification_deliver(notification_id=notification.pk)


def test_an_sms_claimed_before_the_customer_opted_out_is_not_sent(texting_booking, sms_outbox):
    notification = _claim(texting_booking)
    texting_booking.customer.__class__.objects.filter(pk=texting_booking.customer_id).update(
        sms_consent=False
    )

    assert notification_deliver(notification_id=notification.pk) == Notification.Status.SKIPPED
    assert sms_outbox == []
    notification.refresh_from_db()
    assert notification.last_error == "no SMS consent"


def test_the_pending_sweep_enqueues_forgotten_notifications_and_expires_old_ones(texting_booking, sms_outbox):
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        stale = _claim(texting_booking, kind=Kind.BOOKING_RECEIVED)
    with time_machine.travel(NOW - datetime.timedelta(minutes=10), tick=False):
        forgotten = _claim(texting_booking, kind=Kind.BOOKING_CONFIRMED)
    with time_machine.travel(NOW, tick=False):
        fresh = _claim(texting_booking, kind=Kind.BOOKING_CANCELLED)
        enqueued = notifications_deliver_pending()

    assert enqueued == 1
    statuses = {n.pk: n.status for n in Notification.objects.all()}
    assert statuses == {
        stale.pk: Notification.Status.FAILED,
        forgotten.pk: Notification.Status.SENT,
        fresh.pk: Notification.Status.PENDING,  # its own task is on its way
    }
    assert len(sms_outbox) == 1


def test_a_new_bookings_notifications_are_sent_after_commit_and_nothing_after_a_rollback(
    station, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(station=station, status=Booking.Status.DEPOSIT_PENDING)

    # A transaction that rolls back sends nothing
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        booking_created_followup_on_commit(booking)
        raise RuntimeError("the booking failed")
    assert mailoutbox == []

    # One that commits sends the customer's email, the staff alert and the chef's news
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        booking_created_followup_on_commit(booking)
    subjects = {email.to[0]: email.subject for email in mailoutbox}
    assert sorted(subjects) == sorted([booking.customer.email, "ops@myhibachi.test", booking.chef.email])
    assert subjects[booking.customer.email].startswith("My Hibachi: booking ")
    assert subjects["ops@myhibachi.test"].startswith("[My Hibachi] New booking")
    assert len(mailoutbox) == 3


def test_a_booking_received_twice_notifies_once_but_each_reschedule_notifies(
    station, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(station=station)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.notify_booking_confirmed(booking)
        dispatch.notify_booking_confirmed(booking)
        dispatch.notify_booking_rescheduled(booking)
        dispatch.notify_booking_rescheduled(booking)

    subjects = sorted(email.subject.split(":")[0] for email in mailoutbox)
    # Each reschedule tells the customer and the party's chef ("Moved").
    assert subjects == ["Confirmed", "Moved", "Moved", "Rescheduled", "Rescheduled"]


def test_the_payment_flag_alert_reaches_staff_with_the_reason(
    station, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(station=station)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.notify_payment_flagged(booking, reason="Dispute opened: fraudulent")

    assert [email.to for email in mailoutbox] == [["ops@myhibachi.test"]]
    assert "Reason: Dispute opened: fraudulent" in mailoutbox[0].body


def test_messages_of_one_customer_share_one_thread_per_channel(station, sms_outbox, mailoutbox):
    booking = make_booking(station=station, customer=CustomerFactory(sms_consent=True))
    for kind in (Kind.BOOKING_RECEIVED, Kind.BOOKING_CONFIRMED):
        for channel in ("sms", "email"):
            notification_deliver(notification_id=_claim(booking, kind=kind, channel=channel).pk)

    threads = MessageThread.objects.filter(customer=booking.customer)
    assert sorted((t.channel, t.messages.count()) for t in threads) == [("email", 2), ("sms", 2)]
    assert all(thread.booking_id == booking.pk for thread in threads)


# --- The Twilio adapter, at the HTTP edge (no network) ------------------------------------------


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_twilio_adapter_posts_the_message_with_basic_auth_and_returns_the_sid():
    gateway = TwilioSmsGateway(account_sid="AC123", auth_token="secret", from_number="+15105550000")
    with mock.patch("urllib.request.urlopen", return_value=FakeResponse(b'{"sid": "SM42"}')) as urlopen:
        sent = gateway.send(to="+15105550142", body="Hello Reply STOP to opt out.")

    request = urlopen.call_args.args[0]
    assert request.full_url == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    assert request.get_method() == "POST"
    assert request.headers["Authorization"] == "Basic QUMxMjM6c2VjcmV0"  # AC123:secret
    assert urllib.parse.parse_qs(request.data.decode()) == {
        "To": ["+15105550142"],
        "Body": ["Hello Reply STOP to opt out."],
        "From": ["+15105550000"],
    }
    assert sent.provider_id == "SM42"


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (429, True), (503, True)])
def test_twilio_errors_say_whether_a_retry_may_help(status, retryable):
    gateway = TwilioSmsGateway(account_sid="AC123", auth_token="secret", messaging_service_sid="MG1")
    body = io.BytesIO(
        json.dumps({"code": 21610, "message": "Attempt to send to unsubscribed recipient"}).encode()
    )
    error = urllib.error.HTTPError("https://api.twilio.com", status, "error", {}, body)
    with mock.patch("urllib.request.urlopen", side_effect=error), pytest.raises(SmsDeliveryError) as raised:
        gateway.send(to="+15105550142", body="Hi")

    assert raised.value.retryable is retryable
    assert "21610" in str(raised.value)


def test_tests_never_reach_a_real_sms_provider(settings):
    from core.notifications.sms import RecordingSmsGateway, sms_gateway

    assert settings.SMS_GATEWAY == "recording"
    assert isinstance(sms_gateway(), RecordingSmsGateway)


def test_an_event_reminder_delivered_after_the_event_started_is_skipped(station, mailoutbox):
    booking = make_booking(station=station, date=datetime.date(2026, 3, 11))
    notification = _claim(booking, kind=Kind.EVENT_REMINDER_24H, channel="email")

    with time_machine.travel(local(2026, 3, 11, 18, 30), tick=False):
        assert notification_deliver(notification_id=notification.pk) == Notification.Status.SKIPPED

    assert mailoutbox == []
