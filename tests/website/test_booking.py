"""Booking: /book/ — the availability calendar by month, and the form that books through booking_create."""

import datetime
from typing import Any

import pytest

from core.models import Booking, Customer
from core.services.customers import SMS_CONSENT_TEXT
from ops.models import ChefAvailability
from tests.core.conftest import event_date
from website.forms import when_value

pytestmark = pytest.mark.django_db

SIX_PM = datetime.time(18, 0)


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "when": when_value(event_date(14), SIX_PM),
        "zip_code": "94539",
        "party_adults": "10",
        "party_kids": "2",
        "party_toddlers": "0",
        "item_filet_mignon": "2",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "(510) 555-0142",
        "line1": "123 Main St",
        "line2": "",
        "city": "Fremont",
        "state": "CA",
        "special_requests": "",
        "idempotency_key": "0f8e3f0a5b7c4d7e9a1b2c3d4e5f6a7b",
    }
    data.update(overrides)
    return data


def test_the_calendar_shows_a_month_of_free_slots_for_the_zip_code(client, chef):
    date = event_date(14)

    response = client.get("/book/", {"zip_code": "94539", "month": date.strftime("%Y-%m")})

    assert response.status_code == 200
    page = response.content.decode()
    assert date.strftime("%B %Y") in page
    assert f'value="{when_value(date, SIX_PM)}"' in page
    assert "Chefs from our Fremont station" in page


def test_the_calendar_offers_nothing_inside_48_hours(client, chef):
    tomorrow = event_date(1)

    page = client.get("/book/", {"zip_code": "94539", "month": tomorrow.strftime("%Y-%m")}).content.decode()

    assert f'value="{when_value(tomorrow, SIX_PM)}"' not in page


def test_a_slot_whose_only_chef_is_off_is_not_offered(client, chef):
    date = event_date(14)
    ChefAvailability.objects.create(chef=chef, date=date, slot=None, is_available=False)

    page = client.get("/book/", {"zip_code": "94539", "month": date.strftime("%Y-%m")}).content.decode()

    assert f'value="{when_value(date, SIX_PM)}"' not in page


def test_the_calendar_pages_by_month_and_htmx_gets_only_the_calendar(client, chef):
    next_month = (event_date(0).replace(day=1) + datetime.timedelta(days=32)).replace(day=1)

    response = client.get(
        "/book/",
        {"zip_code": "94539", "month": next_month.strftime("%Y-%m")},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="calendar",
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="calendar"')
    assert next_month.strftime("%B %Y") in page
    assert "Previous month" in page


def test_the_calendar_for_a_zip_code_outside_the_area_says_so(client, chef):
    response = client.get("/book/", {"zip_code": "10001"})

    assert response.status_code == 400
    assert 'id="id_zip_code-error"' in response.content.decode()


def test_the_party_from_the_quote_is_prefilled(client, chef):
    page = client.get(
        "/book/", {"zip_code": "94539", "party_adults": "14", "item_gyoza": "3"}
    ).content.decode()

    assert 'name="party_adults" value="14"' in page
    assert 'name="item_gyoza" value="3"' in page


def test_the_consent_boxes_are_unticked_and_show_the_stored_text(client, chef):
    page = client.get("/book/", {"zip_code": "94539"}).content.decode()

    assert 'name="sms_consent"' in page and 'name="sms_consent" checked' not in page
    assert "Reply STOP to unsubscribe, HELP for help." in page


def test_booking_creates_the_booking_priced_by_the_server_and_goes_to_the_payment_step(client, chef):
    response = client.post("/book/", form_data())

    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"].startswith("/pay/")
    assert booking.status == Booking.Status.DEPOSIT_PENDING
    assert booking.party_adults == 10 and booking.items == [{"code": "filet_mignon", "quantity": 2}]
    assert booking.total_due_cents == 10 * 5500 + 2 * 3000 + 2 * 500
    assert booking.source == Booking.Source.WEBSITE
    assert booking.address == "123 Main St, Fremont, CA 94539"


def test_unticked_consent_boxes_grant_nothing(client, chef):
    client.post("/book/", form_data())

    customer = Customer.objects.get()
    assert customer.sms_consent is False and customer.email_consent is False


def test_a_ticked_sms_box_stores_the_exact_text_shown(client, chef):
    client.post("/book/", form_data(sms_consent="on"))

    customer = Customer.objects.get()
    assert customer.sms_consent is True
    assert customer.sms_consent_text == SMS_CONSENT_TEXT


def test_a_double_submitted_form_makes_one_booking(client, chef):
    first = client.post("/book/", form_data())
    second = client.post("/book/", form_data())

    assert Booking.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_slot_taken_meanwhile_sends_the_customer_back_to_the_calendar_with_the_slot_marked(client, chef):
    client.post("/book/", form_data(email="first@example.com", idempotency_key="a" * 32))

    response = client.post("/book/", form_data(email="second@example.com", idempotency_key="b" * 32))

    assert response.status_code == 409
    page = response.content.decode()
    assert "fully booked" in page
    assert "slot--taken" in page
    assert 'value="second@example.com"' in page  # what was typed is kept
    assert Booking.objects.count() == 1


def test_a_booking_without_a_time_is_refused_at_the_calendar(client, chef):
    response = client.post("/book/", form_data(when=""))

    assert response.status_code == 400
    assert "Choose a date and time in the calendar." in response.content.decode()
    assert not Booking.objects.exists()


def test_invalid_contact_details_are_explained_next_to_their_fields(client, chef):
    response = client.post("/book/", form_data(email="not-an-email", phone="12", state="California"))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_email-error"' in page and 'id="id_state-error"' in page
    assert not Booking.objects.exists()


def test_a_phone_the_service_cannot_read_is_explained_at_the_phone(client, chef):
    response = client.post("/book/", form_data(phone="12"))

    assert response.status_code == 400
    assert 'id="id_phone-error"' in response.content.decode()


def test_a_slot_inside_48_hours_is_refused_by_the_booking_window(client, chef):
    response = client.post("/book/", form_data(when=when_value(event_date(1), SIX_PM)))

    assert response.status_code == 400
    assert "at least 48 hours" in response.content.decode()
    assert not Booking.objects.exists()


def test_too_many_upgrades_are_refused_with_the_reason(client, chef):
    response = client.post("/book/", form_data(party_adults="1", party_kids="0", item_lobster_tail="5"))

    assert response.status_code == 400
    assert "protein upgrades" in response.content.decode()


def test_bookings_are_throttled_like_the_api(client, chef, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "bookings": "1/min"}
    client.post("/book/", form_data())

    response = client.post("/book/", form_data(idempotency_key="c" * 32))

    assert response.status_code == 429
    assert response["Retry-After"]
