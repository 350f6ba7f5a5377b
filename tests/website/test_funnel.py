"""The booking form sent with contact details that does not book is a started_booking step on the
person's lead (leads' funnel); a booking that completes is a conversion, not a started booking."""

import pytest

from core.models import Booking
from crm.models import Lead
from leads.models import LeadContact, LeadEvent
from tests.core.conftest import event_date
from tests.website.test_booking import SIX_PM, form_data
from website.forms import when_value

pytestmark = pytest.mark.django_db

STARTED = LeadEvent.Type.STARTED_BOOKING


def test_a_booking_form_with_a_valid_email_that_does_not_book_records_started_booking(client, chef):
    response = client.post("/book/", form_data(when="", phone="12"))

    assert response.status_code == 400
    lead = Lead.objects.get()
    assert (lead.source, lead.first_name, lead.last_name) == ("website", "Ada", "Lovelace")
    assert LeadContact.objects.filter(lead=lead, handle_or_address="ada@example.com").exists()
    event = LeadEvent.objects.get(lead=lead, event_type=STARTED)
    assert (event.payload["via"], event.payload["reason"]) == ("website", "invalid")
    assert not Booking.objects.exists()


def test_a_booking_refused_by_the_service_records_started_booking_for_the_email_and_phone(client, chef):
    client.post("/book/", form_data(when=when_value(event_date(1), SIX_PM)))

    lead = LeadEvent.objects.get(event_type=STARTED).lead
    assert set(LeadContact.objects.filter(lead=lead).values_list("handle_or_address", flat=True)) == {
        "ada@example.com",
        "+15105550142",
    }


def test_a_booking_form_without_a_valid_email_or_phone_records_no_started_booking(client, chef):
    response = client.post("/book/", form_data(when="", email="not-an-email", phone="12"))

    assert response.status_code == 400
    assert not Lead.objects.exists()
    assert not LeadEvent.objects.filter(event_type=STARTED).exists()


def test_a_completed_booking_records_no_started_booking(client, chef):
    response = client.post("/book/", form_data())

    assert response.status_code == 302
    assert Booking.objects.count() == 1
    assert not LeadEvent.objects.filter(event_type=STARTED).exists()


def test_the_same_person_sending_the_form_twice_keeps_one_lead_with_two_started_booking_steps(client, chef):
    client.post("/book/", form_data(when=""))
    client.post("/book/", form_data(when="", first_name="Ada"))

    assert Lead.objects.count() == 1
    assert LeadEvent.objects.filter(event_type=STARTED).count() == 2
