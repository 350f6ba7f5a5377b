"""booking_build_for_seed: the seeding-only row of a BookingRequest with a past
(core/services/bookings/seeding.py)."""

import datetime

import pytest

from audit.models import AuditLog
from core.models import Booking, Notification
from core.services.bookings.seeding import booking_build_for_seed
from kernel.errors import ServiceError
from tests.core.conftest import booking_request, event_date
from tests.core.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def build(customer, **overrides):
    values = {
        "request": booking_request(),
        "customer": customer,
        "reference": "MH-SEED01",
        "status": Booking.Status.COMPLETED,
        "chef": None,
        "quoted_on": event_date(-30),
    }
    values.update(overrides)
    return booking_build_for_seed(**values)


def test_a_past_party_is_built_from_the_request_priced_and_written_as_booking_create_writes_it(station):
    customer = CustomerFactory(email="ada@example.com")

    booking = build(customer, request=booking_request(date=event_date(-30)))

    assert booking.pk is not None and booking._state.adding  # built, not saved
    assert (booking.reference, booking.status, booking.date) == ("MH-SEED01", "completed", event_date(-30))
    assert booking.station == station and booking.zone == "94539"
    assert booking.total_due_cents == 10 * 5500 + 2 * 3000 + 4 * 500
    assert booking.address == "123 Main St, Fremont, CA 94539"
    assert (booking.contact_first_name, booking.contact_phone) == ("Ada", "+15105550142")


def test_building_a_seed_row_writes_nothing(station):
    customer = CustomerFactory(email="ada@example.com")

    build(customer)

    assert not Booking.objects.exists()
    assert not AuditLog.objects.filter(action="booking.create").exists()
    assert not Notification.objects.exists()


def test_a_request_of_another_customer_is_refused(station):
    with pytest.raises(ServiceError) as refused:
        build(CustomerFactory(email="someone.else@example.com"))

    assert refused.value.field == "customer.email"


def test_an_unknown_status_is_refused(station):
    with pytest.raises(ServiceError) as refused:
        build(CustomerFactory(email="ada@example.com"), status="paid_maybe")

    assert refused.value.field == "status"


def test_the_request_is_checked_as_booking_create_checks_it(station):
    customer = CustomerFactory(email="ada@example.com")

    with pytest.raises(ServiceError) as refused:
        build(customer, request=booking_request(slot="17:00"))

    assert refused.value.field == "slot"


def test_texts_are_allowed_with_the_consent_and_time_the_request_gives(station):
    customer = CustomerFactory(email="ada@example.com")
    consented_at = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC)

    texting = build(
        customer, request=booking_request(customer={"sms_consent": True}), contact_consent_at=consented_at
    )
    silent = build(customer, contact_consent_at=consented_at)

    assert (texting.contact_sms_consent, texting.contact_sms_consent_at) == (True, consented_at)
    assert (silent.contact_sms_consent, silent.contact_sms_consent_at) == (False, None)
