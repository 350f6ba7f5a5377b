"""The calendar page: days across, a station's chefs down, an unassigned row; scoped; constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Booking
from identity.models import Station
from ops.models import Chef, ChefAvailability
from tests.core.factories import BookingFactory
from tests.staff_panel import CHEF, MANAGER_FREMONT, SUPER_ADMIN, SUPPORT, client_for

pytestmark = pytest.mark.django_db

FREMONT, SACRAMENTO = "CA-FREMONT-001", "CA-SACRAMENTO-001"
CALENDAR = reverse("staff-calendar")


def week_of(day: datetime.date) -> str:
    return day.isoformat()


def rendered_references(response) -> set[str]:
    return {
        block.reference
        for row in response.context["calendar"].rows
        for cell in row.cells
        for block in cell.blocks
    }


def test_the_calendar_puts_each_booking_in_its_chefs_row_and_unassigned_ones_in_their_own_row(demo_data):
    fremont = Station.objects.get(code=FREMONT)
    chef = Chef.objects.filter(station=fremont, is_active=True).order_by("name").first()
    day = timezone.localdate() + datetime.timedelta(days=20)
    assigned = BookingFactory(station=fremont, chef=chef, date=day, reference="MH-CAL001")
    unassigned = BookingFactory(
        station=fremont, chef=None, date=day, reference="MH-CAL002", slot=datetime.time(12)
    )

    response = client_for(MANAGER_FREMONT).get(CALENDAR, {"start": week_of(day)})

    assert response.status_code == 200
    rows = {row.label: row for row in response.context["calendar"].rows}
    cell = next(cell for cell in rows[chef.name].cells if cell.date == day)
    assert [block.reference for block in cell.blocks] == [assigned.reference]
    unassigned_cell = next(cell for cell in rows["Unassigned"].cells if cell.date == day)
    assert [block.reference for block in unassigned_cell.blocks] == [unassigned.reference]
    content = response.content.decode()
    assert reverse("admin:core_booking_change", args=[assigned.pk]) in content
    assert "#5cb85c" in content  # confirmed's colour


def test_the_calendar_shows_time_off_and_highlights_today(demo_data):
    fremont = Station.objects.get(code=FREMONT)
    chef = Chef.objects.filter(station=fremont, is_active=True).order_by("name").first()
    today = timezone.localdate()
    ChefAvailability.objects.update_or_create(
        chef=chef, date=today, slot=None, defaults={"is_available": False}
    )

    response = client_for(MANAGER_FREMONT).get(CALENDAR)

    calendar = response.context["calendar"]
    row = next(row for row in calendar.rows if row.chef_id == chef.pk)
    cell = next(cell for cell in row.cells if cell.date == today)
    assert cell.time_off == "all day" and cell.is_today
    assert 'class="today"' in response.content.decode()


def test_a_month_view_covers_the_whole_month(demo_data):
    response = client_for(MANAGER_FREMONT).get(CALENDAR, {"period": "month", "start": "2027-02-10"})

    calendar = response.context["calendar"]
    assert calendar.start == datetime.date(2027, 2, 1) and calendar.end == datetime.date(2027, 2, 28)
    assert calendar.next_start == datetime.date(2027, 3, 1)


def test_a_station_manager_never_sees_another_stations_bookings_on_the_calendar(demo_data):
    sacramento = Station.objects.get(code=SACRAMENTO)
    day = timezone.localdate() + datetime.timedelta(days=22)
    other = BookingFactory(station=sacramento, chef=None, date=day, reference="MH-CAL003")

    response = client_for(MANAGER_FREMONT).get(
        CALENDAR, {"station": str(sacramento.pk), "start": week_of(day)}
    )

    assert response.context["calendar"].station.code == FREMONT
    assert other.reference not in rendered_references(response)
    assert "Sacramento" not in {station.name for station in response.context["calendar"].stations}


def test_a_chef_sees_only_their_own_row_and_parties_on_the_calendar(demo_data):
    kenji = Chef.objects.get(user__email=CHEF)
    other_chef = Chef.objects.filter(station=kenji.station, is_active=True).exclude(pk=kenji.pk).first()
    day = timezone.localdate() + datetime.timedelta(days=24)
    own = BookingFactory(station=kenji.station, chef=kenji, date=day, reference="MH-CAL004")
    BookingFactory(station=kenji.station, chef=other_chef, date=day, reference="MH-CAL005")
    BookingFactory(station=kenji.station, chef=None, date=day, reference="MH-CAL006", slot=datetime.time(12))

    response = client_for(CHEF).get(CALENDAR, {"start": week_of(day)})

    assert [row.chef_id for row in response.context["calendar"].rows] == [kenji.pk]
    assert rendered_references(response) >= {own.reference}
    assert not rendered_references(response) & {"MH-CAL005", "MH-CAL006"}


def test_the_calendar_makes_the_same_number_of_queries_with_ten_times_the_bookings(
    demo_data, django_assert_max_num_queries
):
    fremont = Station.objects.get(code=FREMONT)
    day = timezone.localdate() + datetime.timedelta(days=60)
    start = day - datetime.timedelta(days=day.weekday())
    chefs = list(Chef.objects.filter(station=fremont, is_active=True))
    demo_count = Booking.objects.filter(station=fremont).count()
    for index in range(demo_count * 10):
        BookingFactory(
            station=fremont,
            chef=None,
            date=start + datetime.timedelta(days=index % 7),
            slot=datetime.time(12),
            reference=f"MH-Q{index:05d}",
        )
    for chef in chefs:
        ChefAvailability.objects.create(chef=chef, date=start, slot=datetime.time(21), is_available=False)
    client = client_for(SUPER_ADMIN)

    # session + user (2), roles (1), stations (1), bookings (1), chefs (1), time off (1).
    with django_assert_max_num_queries(7):
        response = client.get(
            CALENDAR, {"station": str(fremont.pk), "start": start.isoformat(), "period": "month"}
        )

    assert response.status_code == 200
    assert len(rendered_references(response)) >= demo_count * 10


def test_support_staff_open_the_calendar_of_their_station(demo_data):
    response = client_for(SUPPORT).get(CALENDAR)

    assert response.status_code == 200
    assert response.context["calendar"].station.code == FREMONT


def test_the_calendar_needs_a_login(demo_data, client):
    response = client.get(CALENDAR)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
