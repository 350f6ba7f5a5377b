"""docs/business-rules.md "Time slots and availability": which chefs are free, and when a slot can
be booked."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.availability import free_chefs, station_availability
from core.models import Booking
from ops.policy import booking_rules
from ops.slots import DEFAULT_SLOT_TIMES
from tests.core.factories import BookingFactory
from tests.identity.factories import SacramentoStationFactory, StationFactory
from tests.ops.factories import ChefAvailabilityFactory, ChefFactory

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
NOON, THREE, SIX, NINE = DEFAULT_SLOT_TIMES
# A Monday morning in Fremont; every test that needs a fixed clock travels here.
NOW = datetime.datetime(2026, 6, 1, 12, 30, tzinfo=LA)
TODAY = NOW.date()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def station():
    return StationFactory()


def slot_of(days, date, slot):
    day = next(day for day in days if day.date == date)
    return next(s for s in day.slots if s.slot == slot)


def test_every_day_of_the_range_has_the_four_slots_in_order(station, clock):
    ChefFactory(station=station)

    days = station_availability(station=station, start=TODAY, end=TODAY + datetime.timedelta(days=6))

    assert [day.date for day in days] == [TODAY + datetime.timedelta(days=n) for n in range(7)]
    assert all([s.slot for s in day.slots] == list(DEFAULT_SLOT_TIMES) for day in days)


def test_slots_starting_within_48_hours_are_not_bookable(station, clock):
    # Given one chef and the clock at Monday 12:30
    ChefFactory(station=station)

    # When we look at Monday to Wednesday
    days = station_availability(station=station, start=TODAY, end=TODAY + datetime.timedelta(days=2))

    # Then nothing before Wednesday 12:30 can be booked, and Wednesday 15:00 can
    wednesday = TODAY + datetime.timedelta(days=2)
    assert not any(s.available for s in days[0].slots + days[1].slots)
    assert not slot_of(days, wednesday, NOON).available
    assert slot_of(days, wednesday, NOON).remaining == 0
    assert slot_of(days, wednesday, THREE).available
    assert slot_of(days, wednesday, THREE).remaining == 1


def test_the_48_hours_are_counted_in_the_station_timezone(clock):
    # Given a station in New York, where it is already 15:30 on Monday
    station = StationFactory(code="NY-001", timezone="America/New_York")
    ChefFactory(station=station)
    wednesday = TODAY + datetime.timedelta(days=2)

    days = station_availability(station=station, start=wednesday, end=wednesday)

    # Then Wednesday 15:00 New York time is 47.5 hours away and 18:00 is not
    assert not slot_of(days, wednesday, THREE).available
    assert slot_of(days, wednesday, SIX).available


def test_dates_more_than_365_days_ahead_are_not_bookable(station, clock):
    ChefFactory(station=station)
    last = TODAY + datetime.timedelta(days=365)

    days = station_availability(station=station, start=last, end=last + datetime.timedelta(days=1))

    assert all(s.available for s in days[0].slots)
    assert not any(s.available for s in days[1].slots)


def test_a_chefs_whole_day_off_removes_them_from_every_slot_of_that_day(station, clock):
    on_leave, working = ChefFactory(station=station), ChefFactory(station=station)
    date = TODAY + datetime.timedelta(days=10)
    ChefAvailabilityFactory(chef=on_leave, date=date, slot=None, is_available=False)

    days = station_availability(station=station, start=date, end=date + datetime.timedelta(days=1))

    assert all(s.free_chef_ids == (working.pk,) for s in days[0].slots)
    assert all(s.remaining == 2 for s in days[1].slots)


def test_a_chefs_slot_off_removes_them_from_that_slot_only(station, clock):
    chef = ChefFactory(station=station)
    date = TODAY + datetime.timedelta(days=10)
    ChefAvailabilityFactory(chef=chef, date=date, slot=SIX, is_available=False)

    days = station_availability(station=station, start=date, end=date)

    assert [s.remaining for s in days[0].slots] == [1, 1, 0, 1]


def test_an_availability_row_marking_the_chef_available_does_not_block(station, clock):
    chef = ChefFactory(station=station)
    date = TODAY + datetime.timedelta(days=10)
    ChefAvailabilityFactory(chef=chef, date=date, slot=None, is_available=True, note="Can work late")

    days = station_availability(station=station, start=date, end=date)

    assert all(s.remaining == 1 for s in days[0].slots)


def test_inactive_chefs_and_other_stations_chefs_give_no_capacity(station, clock):
    ChefFactory(station=station, is_active=False)
    ChefFactory(station=SacramentoStationFactory())
    date = TODAY + datetime.timedelta(days=10)

    days = station_availability(station=station, start=date, end=date)

    assert not any(s.available for s in days[0].slots)


@pytest.mark.parametrize("status", Booking.ACTIVE_STATUSES)
def test_an_active_booking_takes_its_chefs_capacity(station, clock, status):
    chef, other = ChefFactory(station=station), ChefFactory(station=station)
    date = TODAY + datetime.timedelta(days=10)
    BookingFactory(station=station, chef=chef, date=date, slot=SIX, status=status)

    days = station_availability(station=station, start=date, end=date)

    assert slot_of(days, date, SIX).free_chef_ids == (other.pk,)
    assert slot_of(days, date, NOON).remaining == 2


@pytest.mark.parametrize(
    "status", [Booking.Status.CANCELLED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW]
)
def test_a_cancelled_or_finished_booking_takes_no_capacity(station, clock, status):
    chef = ChefFactory(station=station)
    date = TODAY + datetime.timedelta(days=10)
    BookingFactory(station=station, chef=chef, date=date, slot=SIX, status=status)

    days = station_availability(station=station, start=date, end=date)

    assert slot_of(days, date, SIX).remaining == 1


def test_availability_takes_the_same_queries_for_3_or_60_days_and_1_or_10_chefs(
    station, clock, django_assert_num_queries
):
    # Given a small station and a short range
    start = TODAY + datetime.timedelta(days=3)
    first = ChefFactory(station=station)
    BookingFactory(station=station, chef=first, date=start, slot=NOON)
    booking_rules(station)  # the station's rules are read once, then served from the cache
    with django_assert_num_queries(2):
        small = station_availability(station=station, start=start, end=start + datetime.timedelta(days=2))

    # When the station has ten chefs, bookings and time off, and the range is 60 days
    for n in range(9):
        chef = ChefFactory(station=station)
        BookingFactory(station=station, chef=chef, date=start + datetime.timedelta(days=n), slot=SIX)
        ChefAvailabilityFactory(chef=chef, date=start + datetime.timedelta(days=n + 1), slot=None)
    with django_assert_num_queries(2):
        large = station_availability(station=station, start=start, end=start + datetime.timedelta(days=59))

    # Then the query count is the same (and the answers are right)
    assert len(small) == 3 and len(large) == 60
    assert slot_of(large, start, NOON).remaining == 9
    assert slot_of(large, start, SIX).remaining == 9


def test_free_chefs_come_fewest_bookings_that_week_first_then_best_rated(station, clock):
    # Given three chefs, one busy twice that ISO week, and two equally idle ones rated differently
    busy = ChefFactory(station=station, name="Busy", rating=Decimal("5.0"))
    ChefFactory(station=station, name="Good", rating=Decimal("4.5"))
    best = ChefFactory(station=station, name="Best", rating=Decimal("4.9"))
    monday = TODAY + datetime.timedelta(days=14)  # a Monday
    assert monday.isoweekday() == 1
    BookingFactory(station=station, chef=busy, date=monday, slot=NOON)
    BookingFactory(station=station, chef=busy, date=monday + datetime.timedelta(days=6), slot=NOON)
    # bookings outside the week, or cancelled, do not count
    BookingFactory(station=station, chef=best, date=monday - datetime.timedelta(days=1), slot=NOON)
    BookingFactory(
        station=station, chef=best, date=monday + datetime.timedelta(days=1), status=Booking.Status.CANCELLED
    )

    # When we ask who is free on the Wednesday evening
    chefs = free_chefs(station=station, date=monday + datetime.timedelta(days=2), slot=SIX)

    # Then the idle chefs come first, the better rated one before the other, then the busy one
    assert [chef.name for chef in chefs] == ["Best", "Good", "Busy"]


def test_a_completed_booking_that_week_counts_towards_a_chefs_load(station, clock):
    worked = ChefFactory(station=station, name="Worked", rating=Decimal("5.0"))
    ChefFactory(station=station, name="Rested", rating=Decimal("4.0"))
    date = TODAY + datetime.timedelta(days=14)
    BookingFactory(station=station, chef=worked, date=date, slot=NOON, status=Booking.Status.COMPLETED)

    chefs = free_chefs(station=station, date=date, slot=SIX)

    assert [chef.name for chef in chefs] == ["Rested", "Worked"]


def test_free_chefs_leaves_out_chefs_booked_or_off_in_that_slot(station, clock):
    booked, off, free = (ChefFactory(station=station) for _ in range(3))
    date = TODAY + datetime.timedelta(days=10)
    BookingFactory(station=station, chef=booked, date=date, slot=SIX)
    ChefAvailabilityFactory(chef=off, date=date, slot=SIX)

    assert free_chefs(station=station, date=date, slot=SIX) == [free]
    assert len(free_chefs(station=station, date=date, slot=NOON)) == 3
