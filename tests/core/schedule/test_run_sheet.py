"""The printable run sheet: a chef's day, their own only, details from 7 days before, no money."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from identity.models import Station
from ops.models import Chef
from tests.core.factories import BookingFactory
from tests.staff_panel import CHEF, MANAGER_FREMONT, MANAGER_SACRAMENTO, client_for

pytestmark = pytest.mark.django_db

RUN_SHEET = reverse("staff-run-sheet")
ADDRESS = "77 Secret Lane, Fremont, CA 94539"


def kenji() -> Chef:
    return Chef.objects.get(user__email=CHEF)


def party_on(day: datetime.date, **fields):
    chef = kenji()
    defaults = dict(
        station=chef.station,
        chef=chef,
        date=day,
        address=ADDRESS,
        special_requests="Peanut allergy at table two",
        items=[{"code": "lobster_tail", "quantity": 3}],
        quote={
            "lines": [
                {
                    "code": "adult",
                    "label": "Adults",
                    "quantity": 10,
                    "unit_cents": 5500,
                    "total_cents": 55000,
                },
                {
                    "code": "lobster_tail",
                    "label": "Lobster Tail",
                    "quantity": 3,
                    "unit_cents": 1500,
                    "total_cents": 4500,
                },
            ],
            "total_cents": 61000,
        },
        total_due_cents=61000,
    )
    return BookingFactory(**{**defaults, **fields})


def test_a_chef_sees_address_phone_and_what_to_bring_for_a_party_within_seven_days(demo_data):
    day = timezone.localdate() + datetime.timedelta(days=5)
    booking = party_on(day, reference="MH-RUN001")

    response = client_for(CHEF).get(RUN_SHEET, {"date": day.isoformat()})

    assert response.status_code == 200
    content = response.content.decode()
    assert booking.reference in content
    assert ADDRESS in content
    assert booking.customer.phone in content
    assert "Lobster Tail \N{MULTIPLICATION SIGN} 3" in content
    assert "Peanut allergy" in content
    # Never money: the total (610, 610.00, 61000 cents) as a number of its own, not the digits
    # inside an id of the page's links.
    assert not re.search(r"(?<![\w-])(610|610\.00|61000)(?![\w-])", content) and "$" not in content


def test_a_chef_does_not_see_the_address_of_a_party_more_than_seven_days_away(demo_data):
    day = timezone.localdate() + datetime.timedelta(days=9)
    booking = party_on(day, reference="MH-RUN002")

    response = client_for(CHEF).get(RUN_SHEET, {"date": day.isoformat()})

    content = response.content.decode()
    assert booking.reference in content
    assert ADDRESS not in content
    assert booking.customer.phone not in content
    assert "shown 7 days before the party" in content


def test_a_chef_cannot_open_another_chefs_run_sheet(demo_data):
    other = Chef.objects.filter(station=kenji().station).exclude(pk=kenji().pk).first()

    response = client_for(CHEF).get(RUN_SHEET, {"chef": str(other.pk)})

    assert response.status_code == 404


def test_a_manager_prints_any_of_their_stations_chefs_run_sheets_but_not_another_stations(demo_data):
    day = timezone.localdate() + datetime.timedelta(days=12)
    booking = party_on(day, reference="MH-RUN003")

    own_station = client_for(MANAGER_FREMONT).get(
        RUN_SHEET, {"chef": str(kenji().pk), "date": day.isoformat()}
    )
    other_station = client_for(MANAGER_SACRAMENTO).get(RUN_SHEET, {"chef": str(kenji().pk)})

    assert own_station.status_code == 200
    assert ADDRESS in own_station.content.decode() and booking.reference in own_station.content.decode()
    assert other_station.status_code == 404


def test_the_run_sheet_leaves_out_other_chefs_and_cancelled_parties(demo_data):
    day = timezone.localdate() + datetime.timedelta(days=3)
    other = Chef.objects.filter(station=kenji().station).exclude(pk=kenji().pk).first()
    BookingFactory(station=other.station, chef=other, date=day, reference="MH-RUN004")
    party_on(day, reference="MH-RUN005", status="cancelled", slot=datetime.time(12))

    response = client_for(CHEF).get(RUN_SHEET, {"date": day.isoformat()})

    content = response.content.decode()
    assert "MH-RUN004" not in content and "MH-RUN005" not in content
    assert Station.objects.filter(code="CA-SACRAMENTO-001").exists()


def test_a_chefs_booking_page_shows_the_party_details_within_seven_days_and_never_money(demo_data):
    near = party_on(
        timezone.localdate() + datetime.timedelta(days=6), reference="MH-RUN006", slot=datetime.time(21)
    )
    far = party_on(
        timezone.localdate() + datetime.timedelta(days=15), reference="MH-RUN007", slot=datetime.time(21)
    )
    client = client_for(CHEF)

    near_page = client.get(reverse("admin:core_booking_change", args=[near.pk])).content.decode()
    far_page = client.get(reverse("admin:core_booking_change", args=[far.pk])).content.decode()
    listing = client.get(reverse("admin:core_booking_changelist")).content.decode()

    assert ADDRESS in near_page and near.customer.phone in near_page
    assert ADDRESS not in far_page and "Shown from 7 days before the party" in far_page
    for page in (near_page, far_page, listing):
        assert "$" not in page
    assert near.customer.email not in near_page


def test_the_run_sheet_gives_the_bookings_day_of_contact_rather_than_the_customers_own(demo_data):
    day = timezone.localdate() + datetime.timedelta(days=2)
    booking = party_on(
        day,
        reference="MH-RUN008",
        contact_first_name="Dana",
        contact_last_name="Host",
        contact_phone="+15105559876",
    )

    content = client_for(CHEF).get(RUN_SHEET, {"date": day.isoformat()}).content.decode()

    assert "Dana Host" in content and "+15105559876" in content
    assert booking.customer.phone not in content
