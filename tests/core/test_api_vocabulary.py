"""One vocabulary across the API as a client developer reads it (issue 9, item 18): the same
party fields with the same rules, `date`, `total_due_cents`, `deposit_due_cents` everywhere,
one quote body, "balance" = total - paid, 409 for a state conflict."""

import pytest

from core.models import Booking
from core.tokens import manage_token_for
from tests.core.factories import BookingFactory
from tests.core.test_api_bookings import URL as BOOKINGS
from tests.core.test_api_bookings import body as booking_body

pytestmark = pytest.mark.django_db

QUOTES = "/api/v1/quotes/"


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        **{scope: "1000/min" for scope in ("bookings", "public", "quotes", "manage")},
    }


def party_change_url(booking: Booking) -> str:
    return f"/api/v1/bookings/manage/{manage_token_for(booking)}/party/"


def test_every_party_count_but_adults_is_optional_and_defaults_to_0_everywhere(station, chef, api_client):
    quote = api_client.post(QUOTES, {"party_adults": 12, "zip_code": "94539"}, format="json")
    booking = api_client.post(
        BOOKINGS,
        {k: v for k, v in booking_body().items() if k not in ("party_kids", "party_toddlers", "items")},
        format="json",
    )
    change = api_client.post(party_change_url(Booking.objects.get()), {"party_adults": 12}, format="json")

    assert quote.status_code == 200, quote.content
    assert booking.status_code == 201, booking.content
    assert change.status_code == 200, change.content
    assert change.json()["party"] == {"adults": 12, "kids": 0, "toddlers": 0}
    assert quote.json()["total_due_cents"] == change.json()["total_due_cents"] == 12 * 5500


@pytest.mark.parametrize("field", ["party_adults", "party_kids", "party_toddlers"])
def test_a_number_sent_as_a_string_is_refused_alike_by_quote_booking_and_party_change(
    station, chef, api_client, field
):
    existing = BookingFactory(station=station)
    as_string = {field: "12" if field == "party_adults" else "1"}

    quote = api_client.post(QUOTES, {"party_adults": 12, "zip_code": "94539", **as_string}, format="json")
    booking = api_client.post(BOOKINGS, booking_body(**as_string), format="json")
    change = api_client.post(party_change_url(existing), {"party_adults": 12, **as_string}, format="json")

    for response in (quote, booking, change):
        assert response.status_code == 400, response.content
        assert field in response.json()["error"]["fields"]


def test_a_booking_shows_its_quote_in_the_quote_endpoints_own_shape(station, chef, api_client):
    party = {"party_adults": 10, "party_kids": 2, "items": [{"code": "filet_mignon", "quantity": 2}]}
    quote = api_client.post(
        QUOTES, {**party, "zip_code": "94539", "date": booking_body()["date"]}, format="json"
    )
    booking = api_client.post(BOOKINGS, booking_body(**party), format="json")

    assert booking.status_code == 201, booking.content
    assert booking.json()["quote"] == quote.json()
    assert {"total_due_cents", "deposit_due_cents", "due_after_deposit_cents"} <= set(quote.json())
    assert not {"total_cents", "deposit_cents", "balance_cents", "event_date"} & set(quote.json())


def test_the_manage_view_gives_what_is_paid_the_balance_due_and_the_deposit_deadline(station, api_client):
    booking = BookingFactory(station=station, status=Booking.Status.DEPOSIT_PENDING, total_due_cents=61000)
    Booking.objects.filter(pk=booking.pk).update(deposit_due_at=booking.created_at)
    booking.refresh_from_db()

    data = api_client.get(f"/api/v1/bookings/manage/{manage_token_for(booking)}/").json()

    assert (data["amount_paid_cents"], data["balance_due_cents"]) == (0, 61000)
    assert data["actions"]["can_pay_deposit"] is True
    assert data["actions"]["can_pay_balance"] is False
    assert data["actions"]["pay_deposit_by"] is not None
    assert {"phone", "address", "timezone"} <= set(data["station"])


def test_asking_to_pay_a_deposit_that_is_not_due_is_a_409_state_conflict(station, api_client, settings):
    settings.STRIPE_SECRET_KEY = ""
    booking = BookingFactory(station=station, status=Booking.Status.CONFIRMED)

    response = api_client.post(f"/api/v1/bookings/manage/{manage_token_for(booking)}/deposit/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "deposit_not_due"
