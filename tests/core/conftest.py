import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from audit.actor import Actor
from core.services.bookings import BookingRequest
from identity.models import Station
from ops.models import Chef
from ops.slots import DEFAULT_SLOT_TIMES
from tests.identity.factories import StationFactory
from tests.identity.staff import demo, login  # noqa: F401 - fixtures of the staff panel tests
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

LA = ZoneInfo("America/Los_Angeles")
SIX_PM = DEFAULT_SLOT_TIMES[2]


@pytest.fixture
def station(db) -> Station:
    """Fremont, with the docs/business-rules.md prices and menu."""
    PricingPolicyFactory()
    create_menu()
    return StationFactory()


@pytest.fixture
def generous_booking_throttles(settings) -> None:
    """Booking and public throttles lifted, for modules that book more often than a client may
    (throttling has its own tests): `pytestmark = [..., pytest.mark.usefixtures(...)]`."""
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "bookings": "1000/min",
        "public": "1000/min",
    }


@pytest.fixture
def chef(station) -> Chef:
    return ChefFactory(station=station)


@pytest.fixture
def customer_actor() -> Actor:
    return Actor.customer(ip_address="203.0.113.7", user_agent="pytest")


@pytest.fixture
def staff_actor(db) -> Actor:
    from tests.identity.factories import UserFactory

    return Actor.staff(UserFactory(), role="station_manager", ip_address="198.51.100.2")


def event_date(days: int = 14) -> datetime.date:
    """A date `days` from today in Fremont."""
    return datetime.datetime.now(LA).date() + datetime.timedelta(days=days)


def booking_request(**overrides: Any) -> BookingRequest:
    """A valid booking_create request, with the given fields replaced (customer: merged)."""
    request: dict[str, Any] = {
        "customer": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone": "(510) 555-0142",
            "sms_consent": False,
            "email_consent": False,
        },
        "date": event_date(),
        "slot": SIX_PM,
        "address": {
            "line1": "123 Main St",
            "line2": "",
            "city": "Fremont",
            "state": "CA",
            "zip_code": "94539",
        },
        "party_adults": 10,
        "party_kids": 2,
        "party_toddlers": 1,
        "items": [{"code": "filet_mignon", "quantity": 4}],
        "special_requests": "Nut allergy at the table.",
    }
    customer = overrides.pop("customer", None)
    if customer:
        request["customer"] = {**request["customer"], **customer}
    request.update(overrides)
    return BookingRequest(**request)


@pytest.fixture
def make_request() -> Callable[..., BookingRequest]:
    return booking_request
