"""The manage page's "change guests and menu": booking_change_party through the signed link."""

import pytest

from core.models import Booking
from tests.core.conftest import event_date
from tests.core.factories import BookingFactory
from tests.website.conftest import manage_url

pytestmark = pytest.mark.django_db


def party(**overrides):
    data = {"party-party_adults": "14", "party-party_kids": "0", "party-party_toddlers": "0"}
    data.update(overrides)
    return data


def test_the_manage_page_offers_the_party_form_prefilled(client, make_booking):
    booking = make_booking()

    page = client.get(manage_url(booking)).content.decode()

    assert "Change guests and menu" in page
    assert 'name="party-party_adults" value="10"' in page
    assert 'name="party-item_filet_mignon" value="4"' in page


def test_changing_the_guests_reprices_the_party(client, make_booking):
    booking = make_booking()

    response = client.post(manage_url(booking, "party"), party(**{"party-item_lobster_tail": "2"}))

    assert response.status_code == 302 and response["Location"].endswith("?done=party")
    booking.refresh_from_db()
    assert booking.party_adults == 14
    assert booking.items == [{"code": "lobster_tail", "quantity": 2}]
    assert booking.total_due_cents == 14 * 5500 + 2 * 1500


def test_too_many_upgrades_are_refused_next_to_the_form(client, make_booking):
    booking = make_booking()

    response = client.post(
        manage_url(booking, "party"), party(**{"party-party_adults": "1", "party-item_lobster_tail": "9"})
    )

    assert response.status_code == 400
    assert "protein upgrades" in response.content.decode()
    booking.refresh_from_db()
    assert booking.party_adults == 10


def test_inside_72_hours_the_party_cannot_be_changed_online(client, station):
    booking = BookingFactory(station=station, date=event_date(2), status=Booking.Status.CONFIRMED)

    page = client.get(manage_url(booking)).content.decode()
    response = client.post(manage_url(booking, "party"), party())

    assert "Change guests and menu" not in page
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.party_adults == 10
