"""After a booking commits, core's follow-up task sends booking_created (core/hooks.py): the lead
conversion and the assistant's link run there, all or nothing, idempotent, retried, and swept
again when an enqueue was lost (core/services/bookings/followup.py)."""

import datetime
import uuid

import pytest
from django.db import DatabaseError
from django.utils import timezone

from audit.models import AuditLog
from core import tasks
from core.models import Booking
from core.services.bookings import booking_create, followup
from crm.models import Lead
from kernel import queue
from kernel.queue import enqueue
from leads.models import LeadEvent
from tests.core.conftest import booking_request
from tests.core.factories import BookingFactory, CustomerFactory
from tests.leads.factories import LeadContactFactory

pytestmark = pytest.mark.django_db


def _converted(lead_id) -> bool:
    return Lead.objects.get(pk=lead_id).status == Lead.Status.CONVERTED


def test_booking_create_enqueues_the_follow_up_on_commit(station, chef, customer_actor, monkeypatch):
    sent = []
    monkeypatch.setattr(followup, "enqueue_on_commit", lambda name, *args: sent.append((name, args)))

    booking = booking_create(request=booking_request(), actor=customer_actor)

    # One task, carrying the notifications: the customer's (and staff's) and the chef's news
    [(name, (booking_id, events))] = sent
    assert (name, booking_id) == ("core.booking_created_followup", str(booking.pk))
    assert [event for event, _occurrence, _context in events] == ["booking_received", "party_given_to_chef"]
    assert events[1][2] == {"chef_id": str(chef.pk)} and events[1][1]  # the chef's, with its occurrence


def test_a_booking_sends_one_message_to_the_broker(
    station, chef, customer_actor, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(queue, "enqueue", lambda name, *args, **kwargs: sent.append(name))

    with django_capture_on_commit_callbacks(execute=True):
        booking_create(request=booking_request(), actor=customer_actor)

    assert sent == ["core.booking_created_followup"]


def test_staff_can_leave_the_customer_unnotified_and_the_chef_is_still_told(
    station, chef, customer_actor, monkeypatch
):
    sent = []
    monkeypatch.setattr(followup, "enqueue_on_commit", lambda name, *args: sent.append(args))
    booking = booking_create(request=booking_request(), actor=customer_actor)

    followup.booking_created_followup_on_commit(booking, notify_customer=False)

    assert [event for event, _o, _c in sent[-1][1]] == ["party_given_to_chef"]


def test_the_follow_up_claims_each_notification_once_however_often_it_runs(
    station, chef, customer_actor, mailoutbox, monkeypatch, django_capture_on_commit_callbacks, settings
):
    sent = []
    monkeypatch.setattr(followup, "enqueue_on_commit", lambda name, *args: sent.append(args))
    booking = booking_create(request=booking_request(), actor=customer_actor)
    [(booking_id, events)] = sent

    for _ in range(2):  # a retry, or the broker delivering twice
        with django_capture_on_commit_callbacks(execute=True):
            tasks.booking_created_followup(booking_id, events)

    recipients = sorted(email.to[0] for email in mailoutbox)
    assert recipients == sorted([booking.customer.email, *settings.STAFF_ALERT_EMAILS, chef.email])


def test_the_follow_up_task_converts_the_customers_lead_by_name(station, chef, customer_actor):
    contact = LeadContactFactory(handle_or_address="ada@example.com")
    booking = booking_create(request=booking_request(), actor=customer_actor)
    assert not _converted(contact.lead_id)

    assert enqueue("core.booking_created_followup", str(booking.pk)).get() is True

    lead = Lead.objects.get(pk=contact.lead_id)
    assert lead.status == Lead.Status.CONVERTED
    assert lead.customer_id == booking.customer_id
    assert AuditLog.objects.filter(action="lead.converted", resource_id=str(lead.pk)).count() == 1


def test_a_second_follow_up_of_the_same_booking_changes_nothing(station, chef, customer_actor):
    contact = LeadContactFactory(handle_or_address="ada@example.com")
    booking = booking_create(request=booking_request(), actor=customer_actor)

    followup.booking_created_followup(booking_id=booking.pk)
    followup.booking_created_followup(booking_id=booking.pk)

    assert _converted(contact.lead_id)
    assert AuditLog.objects.filter(action="lead.converted").count() == 1
    assert (
        LeadEvent.objects.filter(lead_id=contact.lead_id, event_type=LeadEvent.Type.COMPLETED_BOOKING).count()
        == 1
    )


def test_a_failing_receiver_rolls_every_receivers_writes_back_and_a_retry_does_them(
    station, chef, customer_actor, monkeypatch
):
    contact = LeadContactFactory(handle_or_address="ada@example.com")
    booking = booking_create(request=booking_request(), actor=customer_actor)

    def broken(**kwargs):
        raise DatabaseError("the assistant's table is locked")

    with monkeypatch.context() as patch:
        patch.setattr("ai.hook_receivers.conversations_link_customer", broken)
        with pytest.raises(DatabaseError):
            followup.booking_created_followup(booking_id=booking.pk)

    # The lead conversion (the first receiver) was rolled back with the failure, so a retry redoes it
    assert not _converted(contact.lead_id)
    assert not AuditLog.objects.filter(action="lead.converted").exists()

    followup.booking_created_followup(booking_id=booking.pk)

    assert _converted(contact.lead_id)


def test_the_follow_up_task_is_retried_on_any_error():
    task = tasks.booking_created_followup
    assert Exception in task.autoretry_for
    assert task.max_retries >= 3


def test_a_lead_kept_after_the_booking_is_not_converted_by_a_late_follow_up(station, chef, customer_actor):
    booking = booking_create(request=booking_request(), actor=customer_actor)
    later = LeadContactFactory(handle_or_address="ada@example.com")
    Lead.objects.filter(pk=later.lead_id).update(
        created_at=booking.created_at + datetime.timedelta(minutes=30)
    )

    followup.booking_created_followup(booking_id=booking.pk)

    assert not _converted(later.lead_id)


def test_the_follow_up_of_a_booking_that_is_not_there_does_nothing():
    assert followup.booking_created_followup(booking_id=uuid.uuid4()) is False


def test_the_sweep_enqueues_the_follow_up_again_for_the_bookings_of_the_last_hours(monkeypatch):
    now = timezone.now()
    ages = {"just made": 2, "half an hour": 30, "ninety minutes": 90, "three hours": 180}
    bookings = {}
    for name, minutes in ages.items():
        booking = BookingFactory(customer=CustomerFactory())
        Booking.objects.filter(pk=booking.pk).update(created_at=now - datetime.timedelta(minutes=minutes))
        bookings[name] = booking
    sent = []
    monkeypatch.setattr(followup, "enqueue", lambda name, *args: sent.append((name, args)))

    assert followup.booking_created_followups_sweep(now=now) == 2

    assert sent == [
        ("core.booking_created_followup", (str(bookings["ninety minutes"].pk),)),
        ("core.booking_created_followup", (str(bookings["half an hour"].pk),)),
    ]
