"""The manage page /manage/<token>/ and its forms: reschedule, cancel, proteins, review, calendar file."""

import datetime

import pytest
import time_machine

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Review
from core.tokens import manage_token_for
from ops.models import ChefAvailability
from tests.core.conftest import LA, event_date
from tests.core.factories import BookingFactory, PaymentFactory
from tests.ops.factories import ChefFactory
from tests.website.conftest import manage_url, pay_url
from website.forms import when_value

pytestmark = pytest.mark.django_db

SIX_PM = datetime.time(18, 0)
NOON = datetime.time(12, 0)
PROTEINS_OF_THE_STANDARD_BOOKING = {  # 10 adults + 2 kids, 4 filet upgrades: 24 - 4 = 20
    "protein_chicken": "8",
    "protein_ny_strip_steak": "6",
    "protein_shrimp": "6",
}


def confirmed(client, booking) -> Booking:
    client.post(pay_url(booking), {"kind": "deposit"})
    booking.refresh_from_db()
    return booking


def test_the_manage_page_shows_status_details_quote_lines_paid_and_balance(client, make_booking):
    booking = confirmed(client, make_booking())

    response = client.get(manage_url(booking))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirmed" in page and booking.reference in page
    assert "123 Main St, Fremont, CA 94539" in page
    assert "6:00 PM" in page and ("PST" in page or "PDT" in page)
    assert "Filet Mignon" in page
    assert 'data-testid="paid">$100.00<' in page
    assert f'data-testid="balance">${(booking.total_due_cents - 10000) / 100:,.2f}<' in page
    assert "Pay balance" in page and "Reschedule" in page and "Cancel booking" in page
    assert 'content="noindex"' in page


def test_a_pending_booking_asks_for_the_deposit_with_its_deadline(client, make_booking):
    page = client.get(manage_url(make_booking())).content.decode()

    assert "Waiting for your deposit" in page
    assert "Pay the deposit by" in page and "Pay deposit" in page


def test_the_link_without_its_trailing_slash_as_emails_send_it_reaches_the_page(client, make_booking):
    booking = make_booking()

    response = client.get(f"/manage/{manage_token_for(booking)}", follow=True)

    assert response.status_code == 200 and booking.reference in response.content.decode()


def test_a_tampered_link_is_a_friendly_404_and_a_security_event(client, make_booking):
    booking = make_booking()

    response = client.get(f"/manage/{manage_token_for(booking)[:-2]}xx/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()
    assert "Email me my booking links" in response.content.decode()
    assert SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID).count() == 1


def test_a_bad_token_on_a_form_changes_nothing(client, make_booking):
    booking = make_booking()

    response = client.post("/manage/forged/cancel/", {"confirm": "on"})

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DEPOSIT_PENDING


# --- Reschedule --------------------------------------------------------------------------


def test_reschedule_shows_the_calendar_of_the_bookings_month(client, make_booking):
    booking = make_booking()

    page = client.get(manage_url(booking, "reschedule")).content.decode()

    assert booking.date.strftime("%B %Y") in page
    assert f'value="{when_value(event_date(15), SIX_PM)}"' in page


def test_reschedule_moves_the_booking_and_the_calendar_file_follows(client, make_booking):
    booking = make_booking()
    new_date = event_date(20)

    response = client.post(manage_url(booking, "reschedule"), {"when": when_value(new_date, NOON)})

    assert response.status_code == 302 and response["Location"].endswith("?done=rescheduled")
    booking.refresh_from_db()
    assert (booking.date, booking.slot) == (new_date, NOON)
    ics = client.get(manage_url(booking) + "booking.ics").content.decode()
    expected = datetime.datetime.combine(new_date, NOON, tzinfo=LA).astimezone(datetime.UTC)
    assert f"DTSTART:{expected:%Y%m%dT%H%M%SZ}" in ics
    assert "moved" in client.get(response["Location"]).content.decode()


def test_reschedule_to_a_full_slot_comes_back_with_the_slot_marked(client, make_booking, chef):
    booking = make_booking()
    other = event_date(16)
    ChefAvailability.objects.create(chef=chef, date=other, slot=None, is_available=False)

    response = client.post(manage_url(booking, "reschedule"), {"when": when_value(other, SIX_PM)})

    assert response.status_code == 409
    assert "fully booked" in response.content.decode()
    booking.refresh_from_db()
    assert booking.date == event_date(14)


def test_inside_72_hours_the_customer_cannot_reschedule(client, station):
    booking = BookingFactory(
        station=station, date=event_date(2), slot=SIX_PM, status=Booking.Status.CONFIRMED
    )

    page = client.get(manage_url(booking)).content.decode()
    response = client.post(manage_url(booking, "reschedule"), {"when": when_value(event_date(20), SIX_PM)})

    assert "Changes inside 72 hours of the party are made by our team" in page
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.date == event_date(2)


# --- Cancel --------------------------------------------------------------------------------


def test_the_cancel_page_states_the_refund_before_the_customer_confirms(client, make_booking):
    booking = confirmed(client, make_booking())

    page = client.get(manage_url(booking, "cancel")).content.decode()

    assert "4 days or more away: we will refund $100.00" in page
    assert "Yes, cancel my booking" in page


def test_cancelling_four_or_more_days_ahead_cancels_and_refunds(client, make_booking):
    booking = confirmed(client, make_booking())

    response = client.post(manage_url(booking, "cancel"), {"confirm": "on", "reason": "Moved away"})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert response["Location"].endswith("?done=cancelled")
    page = client.get(response["Location"]).content.decode()
    assert "Your booking is cancelled." in page and "Cancelled" in page


def test_cancelling_inside_four_days_becomes_a_request_and_says_so_first(client, station, chef):
    booking = BookingFactory(
        station=station, chef=chef, date=event_date(3), slot=SIX_PM, status=Booking.Status.CONFIRMED
    )
    PaymentFactory(booking=booking, amount_cents=10000)  # the deposit paid: there is something to keep

    page = client.get(manage_url(booking, "cancel")).content.decode()
    response = client.post(manage_url(booking, "cancel"), {"confirm": "on"})

    assert "less than 4 days away" in page and "not refunded unless" in page
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLATION_REQUESTED
    assert response["Location"].endswith("?done=cancellation_requested")


def test_cancelling_without_ticking_the_confirmation_is_refused(client, make_booking):
    booking = make_booking()

    response = client.post(manage_url(booking, "cancel"), {})

    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DEPOSIT_PENDING


# --- Proteins ------------------------------------------------------------------------------


def test_the_customer_chooses_the_proteins_and_they_are_audited(client, make_booking):
    booking = make_booking()

    response = client.post(manage_url(booking, "proteins"), PROTEINS_OF_THE_STANDARD_BOOKING)

    assert response.status_code == 302 and response["Location"].endswith("?done=proteins")
    booking.refresh_from_db()
    assert booking.protein_counts == {"chicken": 8, "ny_strip_steak": 6, "shrimp": 6}
    assert AuditLog.objects.filter(action="booking.set_proteins", resource_id=str(booking.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Chicken \u00d7 8" in page


def test_proteins_that_do_not_add_up_are_refused_with_the_count_to_reach(client, make_booking):
    booking = make_booking()

    response = client.post(manage_url(booking, "proteins"), {"protein_chicken": "3"})

    assert response.status_code == 400
    assert "Choose 20 proteins in all" in response.content.decode()
    booking.refresh_from_db()
    assert booking.protein_counts == {}


def test_proteins_cannot_be_changed_by_the_customer_inside_72_hours(client, station):
    booking = BookingFactory(station=station, date=event_date(2), slot=SIX_PM, items=[])
    # 10 adults and 2 kids: 24 proteins.

    page = client.get(manage_url(booking)).content.decode()
    response = client.post(manage_url(booking, "proteins"), {"protein_chicken": "24"})

    assert "Save proteins" not in page
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.protein_counts == {}


# --- Review --------------------------------------------------------------------------------


def test_after_the_event_the_customer_leaves_a_review(client, station):
    booking = BookingFactory(station=station, date=event_date(-2), status=Booking.Status.COMPLETED)

    page = client.get(manage_url(booking)).content.decode()
    response = client.post(manage_url(booking, "review"), {"rating": "5", "content": "Fantastic show"})

    assert "How was your party?" in page
    assert response["Location"].endswith("?done=reviewed")
    review = Review.objects.get(booking=booking)
    assert (review.rating, review.status) == (5, Review.Status.PENDING)


def test_a_review_before_the_event_is_refused(client, make_booking):
    booking = make_booking()

    page = client.get(manage_url(booking)).content.decode()
    response = client.post(manage_url(booking, "review"), {"rating": "5"})

    assert "How was your party?" not in page
    assert response.status_code == 409
    assert not Review.objects.exists()


def test_a_review_without_a_rating_is_refused_at_the_rating(client, station):
    booking = BookingFactory(station=station, date=event_date(-2), status=Booking.Status.COMPLETED)

    response = client.post(manage_url(booking, "review"), {"content": "Great"})

    assert response.status_code == 400
    assert 'id="id_rating-error"' in response.content.decode()


# --- Calendar file -------------------------------------------------------------------------


def test_the_calendar_file_is_an_ics_event_at_the_party(client, make_booking):
    booking = make_booking()

    response = client.get(manage_url(booking) + "booking.ics")

    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="my-hibachi-{booking.reference}.ics"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:booking-{booking.pk}@myhibachi" in body
    assert "LOCATION:123 Main St\\, Fremont\\, CA 94539" in body


def test_the_manage_page_reads_few_queries(client, make_booking, django_assert_max_num_queries):
    booking = confirmed(client, make_booking())
    ChefFactory(station=booking.station)

    with django_assert_max_num_queries(14):
        client.get(manage_url(booking))


def test_manage_forms_are_throttled(client, make_booking, settings):
    booking = make_booking()
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "1/min"}
    client.post(manage_url(booking, "proteins"), {"protein_chicken": "1"})

    response = client.post(manage_url(booking, "proteins"), {"protein_chicken": "1"})

    assert response.status_code == 429


@pytest.mark.parametrize("days", [3])
def test_the_page_states_until_when_changes_are_open(client, make_booking, days):
    booking = make_booking(days=14)

    with time_machine.travel(datetime.datetime.now(LA), tick=False):
        page = client.get(manage_url(booking)).content.decode()

    assert "online until" in page and "(72 hours before)" in page
