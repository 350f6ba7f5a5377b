"""The chef claim's hand-written statement picks exactly the chef free_chefs_queryset puts first
(DOMAIN.md: fewest bookings that week, then highest rating), whatever the mix of loads, ratings,
time off and statuses."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from core.availability import free_chefs_queryset
from core.models import Booking
from core.services.bookings.chef_claim import _chef_is_free, _claim_free_chef, _pick_and_lock
from ops.slots import DEFAULT_SLOT_TIMES
from tests.core.conftest import event_date
from tests.core.factories import BookingFactory
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefAvailabilityFactory, ChefFactory


def _monday_in_two_weeks() -> datetime.date:
    date = event_date(14)
    return date - datetime.timedelta(days=date.isoweekday() - 1)


@pytest.fixture
def busy_station(station):
    """Chefs with every kind of load, rating, time off and status that the rule looks at."""
    monday = _monday_in_two_weeks()
    wednesday = monday + datetime.timedelta(days=2)
    six_pm, noon = DEFAULT_SLOT_TIMES[2], DEFAULT_SLOT_TIMES[0]
    chefs = {
        "idle 4.2": ChefFactory(station=station, name="Ann", rating=Decimal("4.2")),
        "idle 4.7": ChefFactory(station=station, name="Bo", rating=Decimal("4.7")),
        "idle 4.7 later name": ChefFactory(station=station, name="Cy", rating=Decimal("4.7")),
        "idle 4.7 same name": ChefFactory(station=station, name="Cy", rating=Decimal("4.7")),
        "one this week 5.0": ChefFactory(station=station, name="Di", rating=Decimal("5.0")),
        "two this week 5.0": ChefFactory(station=station, name="Ed", rating=Decimal("5.0")),
        "completed this week": ChefFactory(station=station, name="Fa", rating=Decimal("4.9")),
        "cancelled this week": ChefFactory(station=station, name="Gu", rating=Decimal("3.0")),
        "last week only": ChefFactory(station=station, name="Ha", rating=Decimal("3.5")),
        "off all day": ChefFactory(station=station, name="Io", rating=Decimal("5.0")),
        "off at six": ChefFactory(station=station, name="Jo", rating=Decimal("5.0")),
        "off at noon": ChefFactory(station=station, name="Ka", rating=Decimal("2.0")),
        "marked available": ChefFactory(station=station, name="Lu", rating=Decimal("1.0")),
        "holds the slot": ChefFactory(station=station, name="Mo", rating=Decimal("5.0")),
        "inactive": ChefFactory(station=station, name="Ni", rating=Decimal("5.0"), is_active=False),
        "other station": ChefFactory(station=StationFactory(code="CA-OTHER-002"), name="Ol"),
    }
    book = BookingFactory
    book(station=station, chef=chefs["one this week 5.0"], date=monday, slot=noon)
    book(station=station, chef=chefs["two this week 5.0"], date=monday, slot=noon)
    sunday = monday + datetime.timedelta(days=6)
    book(station=station, chef=chefs["two this week 5.0"], date=sunday, slot=noon)
    book(station=station, chef=chefs["completed this week"], date=monday, status=Booking.Status.COMPLETED)
    book(station=station, chef=chefs["cancelled this week"], date=monday, status=Booking.Status.CANCELLED)
    book(station=station, chef=chefs["last week only"], date=monday - datetime.timedelta(days=1))
    held = book(station=station, chef=chefs["holds the slot"], date=wednesday, slot=six_pm)
    ChefAvailabilityFactory(chef=chefs["off all day"], date=wednesday, slot=None)
    ChefAvailabilityFactory(chef=chefs["off at six"], date=wednesday, slot=six_pm)
    ChefAvailabilityFactory(chef=chefs["off at noon"], date=wednesday, slot=noon)
    ChefAvailabilityFactory(chef=chefs["marked available"], date=wednesday, is_available=True)
    return station, wednesday, held


def _orders(station, date, slot, exclude=None) -> tuple[list, list]:
    """The chefs in the order the statement picks them, and in free_chefs_queryset's order."""
    expected = list(
        free_chefs_queryset(station=station, date=date, slot=slot, exclude_booking_id=exclude).values_list(
            "pk", flat=True
        )
    )
    picked = []
    with transaction.atomic():
        while chef := _pick_and_lock(station=station, date=date, slot=slot, exclude_booking_id=exclude):
            picked.append(chef.pk)
            # Take the picked chef out of the running (rolled back below) and ask again.
            type(chef).objects.filter(pk=chef.pk).update(is_active=False)
        transaction.set_rollback(True)
    return picked, expected


@pytest.mark.parametrize("slot", DEFAULT_SLOT_TIMES)
def test_the_claim_picks_chefs_in_the_order_of_the_rule_fewest_bookings_that_week_then_best_rated(
    busy_station, slot
):
    station, wednesday, _held = busy_station
    picked, expected = _orders(station, wednesday, slot)
    assert picked == expected
    assert len(picked) >= 9


def test_the_claim_lets_a_moved_booking_keep_its_own_chef_and_not_count_in_the_week(busy_station):
    station, wednesday, held = busy_station
    picked, expected = _orders(station, wednesday, held.slot, exclude=held.pk)
    assert picked == expected
    assert held.chef_id in picked


def test_a_chef_holding_the_slot_is_not_free_unless_it_is_the_booking_being_moved(busy_station):
    _station, wednesday, held = busy_station
    assert not _chef_is_free(chef=held.chef, date=wednesday, slot=held.slot)
    assert _chef_is_free(chef=held.chef, date=wednesday, slot=held.slot, exclude_booking_id=held.pk)
    assert _chef_is_free(chef=held.chef, date=wednesday, slot=DEFAULT_SLOT_TIMES[0])


def test_the_claim_returns_the_first_chef_of_the_rule(busy_station):
    station, wednesday, _held = busy_station
    first = free_chefs_queryset(station=station, date=wednesday, slot=DEFAULT_SLOT_TIMES[2]).first()
    with transaction.atomic():
        assert _claim_free_chef(station=station, date=wednesday, slot=DEFAULT_SLOT_TIMES[2]) == first
