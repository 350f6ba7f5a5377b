"""Chefs hear about their parties: assigned, taken off, moved, cancelled — once each, by email,
and by SMS only with their consent; never money or the customer's contact details."""

import pytest

from audit.actor import Actor
from core.models import Notification
from core.services.bookings import booking_assign_chef, booking_cancel, booking_create, booking_reschedule
from identity.models import Station
from ops.models import Chef
from tests.core.conftest import booking_request, event_date
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

STAFF = Actor.system(label="pytest staff")


@pytest.fixture
def fremont(db) -> Station:
    PricingPolicyFactory()
    create_menu()
    station = StationFactory()
    ChefFactory.create_batch(2, station=station)
    return station


@pytest.fixture
def booked(fremont, django_capture_on_commit_callbacks, mailoutbox, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(request=booking_request(date=event_date(20)), actor=STAFF)
    return booking


def to_chef(mailoutbox, chef: Chef) -> list:
    return [email for email in mailoutbox if email.to == [chef.email]]


def test_a_new_booking_tells_its_chef_without_money_or_the_customers_contact(booked, mailoutbox):
    [email] = to_chef(mailoutbox, booked.chef)

    assert email.subject.startswith(f"New party for you: {booked.reference}")
    assert booked.chef.name in email.body and "13 guests" not in email.body
    assert "10 adults, 2 kids, 1 toddler" in email.body
    assert "$" not in email.body and "$" not in email.alternatives[0][0]
    assert "ada@example.com" not in email.body and "555" not in email.body
    assert "123 Main St" not in email.body
    assert "/admin/schedule/run-sheet/" in email.body


def test_a_reassigned_party_tells_the_previous_chef_it_is_off_and_the_new_chef_it_is_theirs(
    booked, django_capture_on_commit_callbacks, mailoutbox
):
    first = booked.chef
    second = Chef.objects.filter(station=booked.station).exclude(pk=first.pk).get()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_assign_chef(booking=booked, chef=second, actor=STAFF)

    assert [email.subject.split(":")[0] for email in to_chef(mailoutbox, first)] == ["Off your list"]
    assert [email.subject.split(":")[0] for email in to_chef(mailoutbox, second)] == ["New party for you"]


def test_a_moved_party_tells_its_chef_the_new_date(booked, django_capture_on_commit_callbacks, mailoutbox):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booked, date=event_date(22), slot="15:00", actor=STAFF, by_customer=False)

    booked.refresh_from_db()
    [email] = to_chef(mailoutbox, booked.chef)
    assert email.subject.startswith(f"Moved: {booked.reference}") and "3:00 PM" in email.subject


def test_a_cancelled_party_tells_its_chef_once(booked, django_capture_on_commit_callbacks, mailoutbox):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booked, actor=STAFF, reason="Customer called", by_customer=False)
        booking_cancel(booking=booked, actor=STAFF, reason="Again", by_customer=False)  # idempotent

    assert [email.subject.split(":")[0] for email in to_chef(mailoutbox, booked.chef)] == ["Cancelled"]
    assert Notification.objects.filter(kind=Notification.Kind.CHEF_CANCELLED).count() == 1


def test_a_chef_gets_texts_only_with_their_consent(fremont, django_capture_on_commit_callbacks, sms_outbox):
    Chef.objects.filter(station=fremont).update(sms_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(request=booking_request(date=event_date(20)), actor=STAFF)
    chef_texts = [text for text in sms_outbox if text.to == booking.chef.phone]
    assert len(chef_texts) == 1 and booking.reference in chef_texts[0].body

    Chef.objects.filter(pk=booking.chef_id).update(sms_consent=False)
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=STAFF, reason="Rain", by_customer=False)

    assert not [text for text in sms_outbox if text.to == booking.chef.phone]
