"""booking_create: docs/business-rules.md "Time slots and availability", "Booking lifecycle",
"Customers and consent"."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from audit.models import AuditLog
from core.models import Booking, Customer
from core.services.bookings import booking_create
from core.services.customers import EMAIL_CONSENT_TEXT, SMS_CONSENT_TEXT
from crm.models import Lead
from kernel.errors import ConflictError, ServiceError
from leads.models import LeadEvent
from ops.slots import DEFAULT_SLOT_TIMES
from tests.core.conftest import LA, SIX_PM, booking_request, event_date
from tests.core.factories import BookingFactory, CustomerFactory
from tests.leads.factories import LeadContactFactory
from tests.ops.factories import ChefAvailabilityFactory, ChefFactory

pytestmark = pytest.mark.django_db


def test_a_new_booking_is_deposit_pending_priced_by_the_server_with_a_chef(station, chef, customer_actor):
    # Given a free chef at Fremont and a party of 10 adults, 2 kids, a toddler and 4 filet upgrades
    now = datetime.datetime.now(LA)

    # When the customer books
    with time_machine.travel(now, tick=False):
        booking = booking_create(request=booking_request(), actor=customer_actor)

    # Then the booking holds the slot and the chef, priced from the database's prices
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DEPOSIT_PENDING
    assert booking.chef == chef
    assert booking.station == station
    assert booking.zone == "94539"
    assert re.fullmatch(r"MH-[ABCDEFGHJKMNPQRTUVWXYZ2346789]{6}", booking.reference)
    assert booking.total_due_cents == 10 * 5500 + 2 * 3000 + 4 * 500 == 63000
    assert booking.deposit_due_cents == 10000
    assert booking.quote["total_cents"] == 63000
    assert {line["code"] for line in booking.quote["lines"]} == {"adult", "kid", "toddler", "filet_mignon"}
    assert booking.items == [{"code": "filet_mignon", "quantity": 4}]
    assert booking.deposit_due_at == now + datetime.timedelta(hours=24)
    assert booking.address == "123 Main St, Fremont, CA 94539"
    assert booking.special_requests == "Nut allergy at the table."
    assert booking.source == Booking.Source.WEBSITE


def test_the_address_is_encrypted_at_rest_and_kept_out_of_the_audit_row(station, chef, customer_actor):
    booking = booking_create(request=booking_request(), actor=customer_actor)

    with connection.cursor() as cursor:
        cursor.execute('SELECT address::text FROM "core"."bookings" WHERE id = %s', [booking.pk])
        (stored,) = cursor.fetchone()
    assert "Main St" not in stored
    audit = AuditLog.objects.get(action="booking.create", resource_id=str(booking.pk))
    assert audit.after["address"] == "[encrypted]"
    assert "manage_nonce" not in audit.after
    assert audit.actor_type == "customer" and audit.ip_address == "203.0.113.7"
    assert audit.station_id == station.pk


def test_the_chef_with_fewest_bookings_that_week_gets_the_booking_then_the_best_rated(
    station, customer_actor
):
    # Given a top-rated chef already booked that week, and two idle chefs rated 4.2 and 4.7
    date = event_date(14)
    busy = ChefFactory(station=station, rating=Decimal("5.0"))
    BookingFactory(station=station, chef=busy, date=date, slot=DEFAULT_SLOT_TIMES[0])
    ChefFactory(station=station, rating=Decimal("4.2"))
    rated_higher = ChefFactory(station=station, rating=Decimal("4.7"))

    # When a booking comes in for the evening
    booking = booking_create(request=booking_request(date=date), actor=customer_actor)

    # Then the idle, better rated chef gets it
    assert booking.chef == rated_higher


def test_a_chef_off_that_day_is_not_assigned(station, customer_actor):
    date = event_date(14)
    off = ChefFactory(station=station, rating=Decimal("5.0"))
    ChefAvailabilityFactory(chef=off, date=date, slot=None)
    working = ChefFactory(station=station, rating=Decimal("3.0"))

    booking = booking_create(request=booking_request(date=date), actor=customer_actor)

    assert booking.chef == working


def test_a_returning_customer_is_found_by_email_whatever_its_case(station, chef, customer_actor):
    # Given a customer on file
    existing = CustomerFactory(email="ada@example.com", first_name="Ada", last_name="Byron")

    # When they book with their email in capitals and a new surname and phone
    booking = booking_create(
        request=booking_request(customer={"email": "  ADA@Example.COM ", "last_name": "Lovelace"}),
        actor=customer_actor,
    )

    # Then the same customer is used, left as stored, and no duplicate exists; what the form
    # gave is the booking's day-of contact (docs/business-rules.md)
    assert booking.customer_id == existing.pk
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    assert existing.last_name == "Byron"
    assert (booking.contact_last_name, booking.contact_phone) == ("Lovelace", "+15105550142")


def test_a_new_customer_is_created_with_the_email_lower_cased_and_the_phone_in_e164(
    station, chef, customer_actor
):
    booking = booking_create(
        request=booking_request(customer={"email": "New@Example.com"}), actor=customer_actor
    )

    customer = booking.customer
    assert customer.email == "new@example.com"
    assert customer.phone == "+15105550142"
    assert AuditLog.objects.filter(action="customer.create", resource_id=str(customer.pk)).exists()


def test_sms_and_email_consent_are_recorded_only_on_explicit_opt_in_with_time_and_text(
    station, customer_actor
):
    ChefFactory.create_batch(3, station=station)

    # Without ticking the boxes (or with anything but a real true), nothing is consented
    quiet = booking_create(
        request=booking_request(customer={"email": "quiet@example.com", "sms_consent": "yes"}),
        actor=customer_actor,
    ).customer
    assert not quiet.sms_consent and not quiet.email_consent
    assert quiet.sms_consent_at is None and quiet.sms_consent_text == ""

    # Ticking them records the consent, the time and the words consented to
    keen = booking_create(
        request=booking_request(
            customer={"email": "keen@example.com", "sms_consent": True, "email_consent": True}
        ),
        actor=customer_actor,
    ).customer
    assert keen.sms_consent and keen.sms_consent_at is not None
    assert keen.sms_consent_text == SMS_CONSENT_TEXT
    assert keen.email_consent and keen.email_consent_at is not None
    assert keen.email_consent_text == EMAIL_CONSENT_TEXT


def test_an_unticked_box_never_revokes_consent_given_earlier(station, customer_actor):
    ChefFactory.create_batch(2, station=station)
    booking_create(request=booking_request(customer={"sms_consent": True}), actor=customer_actor)

    customer = booking_create(
        request=booking_request(customer={"sms_consent": False}, slot=DEFAULT_SLOT_TIMES[0]),
        actor=customer_actor,
    ).customer

    customer.refresh_from_db()
    assert customer.sms_consent is True


def test_a_booking_less_than_48_hours_ahead_is_refused(station, chef, customer_actor):
    now = datetime.datetime(2026, 6, 1, 12, 30, tzinfo=LA)
    with time_machine.travel(now, tick=False), pytest.raises(ServiceError) as error:
        booking_create(
            request=booking_request(date=datetime.date(2026, 6, 3), slot=DEFAULT_SLOT_TIMES[0]),
            actor=customer_actor,
        )

    assert error.value.field == "date"
    assert Booking.objects.count() == 0 and Customer.objects.count() == 0


def test_a_booking_48_hours_ahead_is_accepted(station, chef, customer_actor):
    now = datetime.datetime(2026, 6, 1, 12, 30, tzinfo=LA)
    with time_machine.travel(now, tick=False):
        booking = booking_create(
            request=booking_request(date=datetime.date(2026, 6, 3), slot=DEFAULT_SLOT_TIMES[1]),
            actor=customer_actor,
        )

    assert booking.status == Booking.Status.DEPOSIT_PENDING


def test_a_booking_more_than_365_days_ahead_is_refused(station, chef, customer_actor):
    with pytest.raises(ServiceError) as error:
        booking_create(request=booking_request(date=event_date(366)), actor=customer_actor)

    assert error.value.field == "date"


def test_a_booking_365_days_ahead_is_accepted(station, chef, customer_actor):
    assert booking_create(request=booking_request(date=event_date(365)), actor=customer_actor).pk


@pytest.mark.parametrize("slot", ["18:30", "9:00", "", "noon"])
def test_a_slot_that_is_not_one_of_the_four_is_refused(station, chef, customer_actor, slot):
    with pytest.raises(ServiceError) as error:
        booking_create(request=booking_request(slot=slot), actor=customer_actor)

    assert error.value.field == "slot"


def test_the_slot_may_be_given_as_its_label(station, chef, customer_actor):
    assert booking_create(request=booking_request(slot="18:00"), actor=customer_actor).slot == SIX_PM


@pytest.mark.parametrize("zip_code", ["9453", "abcde", "945391"])
def test_an_address_without_a_5_digit_zip_is_refused(station, chef, customer_actor, zip_code):
    address = {**booking_request().address, "zip_code": zip_code}
    with pytest.raises(ServiceError) as error:
        booking_create(request=booking_request(address=address), actor=customer_actor)

    assert error.value.field == "address.zip_code"


def test_an_address_outside_the_service_area_is_refused_with_a_clear_message(station, chef, customer_actor):
    address = {**booking_request().address, "zip_code": "10001", "city": "New York", "state": "NY"}
    with pytest.raises(ServiceError) as error:
        booking_create(request=booking_request(address=address), actor=customer_actor)

    assert error.value.field == "address.zip_code"
    assert "outside our service area" in error.value.message


def test_an_unknown_item_is_refused(station, chef, customer_actor):
    with pytest.raises(ServiceError) as error:
        booking_create(
            request=booking_request(items=[{"code": "caviar", "quantity": 1}]), actor=customer_actor
        )

    assert error.value.field == "items"
    assert Booking.objects.count() == 0


def test_when_no_chef_is_free_the_slot_is_full_and_the_attempt_becomes_a_booking_failed_lead(
    station, chef, customer_actor
):
    # Given the only chef is booked at 18:00
    BookingFactory(station=station, chef=chef, date=event_date(), slot=SIX_PM)
    customers_before = Customer.objects.count()

    # When someone else tries to book that slot
    with pytest.raises(ConflictError) as error:
        booking_create(
            request=booking_request(customer={"email": "late@example.com", "first_name": "Late"}),
            actor=customer_actor,
        )

    # Then the slot is unavailable, nothing of the booking is kept, and a booking_failed lead is
    assert error.value.code == "slot_unavailable"
    assert Booking.objects.count() == 1
    assert Customer.objects.count() == customers_before
    lead = Lead.objects.get(contacts__handle_or_address="late@example.com")
    assert lead.source == Lead.Source.BOOKING_FAILED
    assert lead.first_name == "Late"
    assert LeadEvent.objects.filter(lead=lead, event_type=LeadEvent.Type.BOOKING_FAILED).exists()


def test_a_booking_by_a_leads_contact_converts_the_lead_once_it_commits(
    station, chef, customer_actor, django_capture_on_commit_callbacks
):
    contact = LeadContactFactory(handle_or_address="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(request=booking_request(), actor=customer_actor)
        # Not inside the booking's transaction: core's follow-up task converts it after commit
        assert Lead.objects.get(pk=contact.lead_id).status == Lead.Status.NEW

    lead = Lead.objects.get(pk=contact.lead_id)
    assert lead.status == Lead.Status.CONVERTED
    assert lead.customer_id == booking.customer_id
    assert lead.conversion_date is not None


def test_the_same_customer_cannot_hold_two_active_bookings_in_one_slot(station, customer_actor):
    ChefFactory.create_batch(2, station=station)
    booking_create(request=booking_request(), actor=customer_actor)

    with pytest.raises(ConflictError) as error:
        booking_create(request=booking_request(special_requests="again"), actor=customer_actor)

    assert error.value.code == "duplicate_booking"
    assert Booking.objects.count() == 1


def test_the_same_idempotency_key_and_request_return_the_same_booking(station, customer_actor):
    ChefFactory.create_batch(2, station=station)

    first = booking_create(request=booking_request(), actor=customer_actor, idempotency_key="key-123")
    again = booking_create(request=booking_request(), actor=customer_actor, idempotency_key="key-123")

    assert again.pk == first.pk
    assert Booking.objects.count() == 1
    assert AuditLog.objects.filter(action="booking.create").count() == 1


def test_the_same_idempotency_key_with_another_request_is_refused(station, customer_actor):
    ChefFactory.create_batch(2, station=station)
    booking_create(request=booking_request(), actor=customer_actor, idempotency_key="key-123")

    with pytest.raises(ConflictError) as error:
        booking_create(
            request=booking_request(party_adults=20), actor=customer_actor, idempotency_key="key-123"
        )

    assert error.value.code == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_references_are_unique(station, customer_actor):
    ChefFactory.create_batch(4, station=station)
    references = {
        booking_create(request=booking_request(slot=slot), actor=customer_actor).reference
        for slot in DEFAULT_SLOT_TIMES
    }
    assert len(references) == 4


def test_the_customer_is_told_once_the_booking_commits_and_not_before(
    station, chef, customer_actor, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = booking_create(request=booking_request(), actor=customer_actor)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):  # the deliveries are on_commit too
        for callback in callbacks:
            callback()

    assert booking.customer.email in [address for email in mailoutbox for address in email.to]
