"""A station on its own slot times (its booking policy): the API, the staff panel and the customer
forms offer them, refuse other times on the `slot` field, and keep bookings made at old times."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.admin_actions import RescheduleForm
from core.models import Booking
from identity.models import Station
from ops.models import BookingPolicy, Chef
from tests.core.factories import BookingFactory
from tests.core.test_api_bookings import AVAILABILITY_URL, URL, body
from tests.staff_panel import MANAGER_FREMONT, client_for, demo_database, post_action
from website.forms import BookingForm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_booking_throttles")]

FREMONT = "CA-FREMONT-001"
OWN_TIMES = ("11:30", "14:30", "17:30", "20:30")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def fremont(demo_data) -> Station:
    """Fremont, offering 11:30, 14:30, 17:30 and 20:30 instead of the four default slots."""
    station = Station.objects.get(code=FREMONT)
    BookingPolicy.objects.filter(station=station).update(
        slot_times=[datetime.time.fromisoformat(label) for label in OWN_TIMES]
    )
    return station


def a_free_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=40)


def test_the_availability_lists_the_times_the_station_offers(fremont, api_client):
    day = a_free_day()

    response = api_client.get(AVAILABILITY_URL, {"zip_code": "94539", "start": day, "end": day})

    assert response.status_code == 200, response.content
    slots = response.json()["days"][0]["slots"]
    assert [slot["slot"] for slot in slots] == list(OWN_TIMES)
    assert all(slot["available"] for slot in slots)


def test_a_booking_at_one_of_the_stations_own_times_is_made_through_the_api(fremont, api_client):
    response = api_client.post(URL, body(date=a_free_day().isoformat(), slot="14:30"), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["slot"] == "14:30"
    booking = Booking.objects.get(reference=response.json()["reference"])
    assert booking.slot == datetime.time(14, 30) and booking.chef is not None


def test_a_booking_at_a_time_the_station_does_not_offer_is_a_400_on_the_slot_with_the_reason(
    fremont, api_client
):
    count = Booking.objects.count()

    response = api_client.post(URL, body(date=a_free_day().isoformat(), slot="18:00"), format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "slot_not_offered"
    assert error["fields"] == {"slot": ["Fremont offers these slots: 11:30, 14:30, 17:30, 20:30."]}
    assert Booking.objects.count() == count


@pytest.mark.parametrize("slot", ["6pm", "25:00", "18:00:00", 18])
def test_a_slot_that_is_not_a_time_as_hh_mm_is_a_400_on_the_slot(fremont, api_client, slot):
    response = api_client.post(URL, body(date=a_free_day().isoformat(), slot=slot), format="json")

    assert response.status_code == 400, response.content
    assert "slot" in response.json()["error"]["fields"]


def test_the_calendar_shows_the_stations_times_and_the_bookings_made_at_them(fremont, api_client):
    day = a_free_day()
    made = api_client.post(URL, body(date=day.isoformat(), slot="20:30"), format="json").json()

    response = client_for(MANAGER_FREMONT).get(
        reverse("staff-calendar"), {"station": str(fremont.pk), "start": day.isoformat()}
    )

    assert response.status_code == 200
    calendar = response.context["calendar"]
    assert calendar.slot_times == OWN_TIMES
    blocks = [block for row in calendar.rows for cell in row.cells for block in cell.blocks]
    assert any(block.reference == made["reference"] and block.time == "20:30" for block in blocks)
    assert "slots 11:30, 14:30, 17:30, 20:30" in response.content.decode()


def test_a_booking_at_a_time_the_station_no_longer_offers_stays_valid_and_visible(demo_data):
    station = Station.objects.get(code=FREMONT)
    chef = Chef.objects.filter(station=station, is_active=True).order_by("name").first()
    day = timezone.localdate() + datetime.timedelta(days=3)
    kept = BookingFactory(station=station, chef=chef, date=day, slot=datetime.time(18), reference="MH-OLD18")
    BookingPolicy.objects.filter(station=station).update(
        slot_times=[datetime.time(11, 30), datetime.time(17, 30)]
    )
    manager = client_for(MANAGER_FREMONT)

    calendar = manager.get(reverse("staff-calendar"), {"station": str(station.pk), "start": day.isoformat()})
    run_sheet = manager.get(reverse("staff-run-sheet"), {"chef": str(chef.pk), "date": day.isoformat()})

    kept.refresh_from_db()
    assert kept.status in Booking.ACTIVE_STATUSES and kept.slot == datetime.time(18)
    blocks = [
        block for row in calendar.context["calendar"].rows for cell in row.cells for block in cell.blocks
    ]
    assert any(block.reference == "MH-OLD18" and block.time == "18:00" for block in blocks)
    assert run_sheet.status_code == 200
    assert "MH-OLD18" in run_sheet.content.decode() and "18:00" in run_sheet.content.decode()


def test_the_phone_booking_picker_shows_the_stations_own_times(fremont):
    day = a_free_day()
    data = {
        "email": "picker@example.com",
        "first_name": "Pat",
        "last_name": "Picker",
        "line1": "12 Harbor Way",
        "city": "Fremont",
        "state": "CA",
        "zip_code": "94539",
        "date": day.isoformat(),
        "slot": "14:30",
        "party_adults": "12",
        "party_kids": "0",
        "party_toddlers": "0",
        "source": "phone",
        "_preview": "Show quote",
    }

    response = client_for(MANAGER_FREMONT).post(reverse("admin:core_booking_add"), data)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [slot["label"] for slot in preview["days"][0]["slots"]] == list(OWN_TIMES)
    chosen = [slot["value"] for day_ in preview["days"] for slot in day_["slots"] if slot["chosen"]]
    assert chosen == [f"{day.isoformat()} 14:30"]


def test_a_phone_booking_at_a_time_the_station_does_not_offer_is_refused_on_the_time(fremont):
    data = {
        "email": "offhours@example.com",
        "first_name": "Oliver",
        "last_name": "Hours",
        "line1": "12 Harbor Way",
        "city": "Fremont",
        "state": "CA",
        "zip_code": "94539",
        "date": a_free_day().isoformat(),
        "slot": "18:00",
        "party_adults": "12",
        "party_kids": "0",
        "party_toddlers": "0",
        "source": "phone",
        "_save": "Create booking",
    }

    response = client_for(MANAGER_FREMONT).post(reverse("admin:core_booking_add"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["slot"] == [
        "Fremont offers these slots: 11:30, 14:30, 17:30, 20:30."
    ]
    assert not Booking.objects.filter(customer__email="offhours@example.com").exists()


def test_staff_reschedule_to_one_of_the_stations_own_times(fremont):
    chef = Chef.objects.filter(station=fremont, is_active=True).order_by("name").first()
    booking = BookingFactory(station=fremont, chef=chef, date=a_free_day(), slot=datetime.time(11, 30))
    form = RescheduleForm(booking=booking)
    assert [value for value, _label in form.fields["slot"].choices] == list(OWN_TIMES)

    post_action(
        client_for(MANAGER_FREMONT),
        Booking,
        "reschedule",
        [booking],
        {"date": booking.date.isoformat(), "slot": "17:30"},
    )

    booking.refresh_from_db()
    assert booking.slot == datetime.time(17, 30)


def test_the_customer_booking_form_reads_any_time_and_leaves_the_station_to_the_service():
    form = BookingForm({"when": "2027-03-05T14:30"}, catalogue_items=[])
    form.is_valid()

    assert form.cleaned_data["when"] == (datetime.date(2027, 3, 5), datetime.time(14, 30))
    assert "when" in BookingForm({"when": "2027-03-05T2:30pm"}, catalogue_items=[]).errors
