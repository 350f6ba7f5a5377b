"""The customer website at a station on its own slot times: the calendar offers them, a booking at
one of them is made, and a time the station does not offer is refused next to the date and time."""

import datetime

import pytest

from core.models import Booking
from ops.models import BookingPolicy
from tests.core.conftest import event_date
from tests.website.test_booking import form_data
from website.forms import when_value

pytestmark = pytest.mark.django_db

TWO_THIRTY, SIX_PM = datetime.time(14, 30), datetime.time(18)


@pytest.fixture
def own_times(chef):
    BookingPolicy.objects.update_or_create(
        station=chef.station,
        defaults={"slot_times": [datetime.time(11, 30), TWO_THIRTY, datetime.time(17, 30)]},
    )
    return chef


def test_the_booking_calendar_offers_the_stations_own_times(client, own_times):
    date = event_date(14)

    page = client.get("/book/", {"zip_code": "94539", "month": date.strftime("%Y-%m")}).content.decode()

    assert f'value="{when_value(date, TWO_THIRTY)}"' in page
    assert f'value="{when_value(date, SIX_PM)}"' not in page


def test_a_customer_books_one_of_the_stations_own_times(client, own_times):
    response = client.post("/book/", form_data(when=when_value(event_date(14), TWO_THIRTY)))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Booking.objects.get().slot == TWO_THIRTY


def test_a_time_the_station_does_not_offer_is_refused_with_the_times_it_does(client, own_times):
    response = client.post("/book/", form_data(when=when_value(event_date(14), SIX_PM)))

    assert response.status_code == 400
    assert "offers these slots: 11:30, 14:30, 17:30." in response.content.decode()
    assert not Booking.objects.exists()
