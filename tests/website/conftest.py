"""Fixtures of the customer website's view tests: Fremont with its prices and menu, a chef,
and bookings made through booking_create, as a customer's would be."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from audit.actor import Actor
from core.models import Booking
from core.services.bookings import booking_create
from core.tokens import manage_token_for
from identity.models import Station
from ops.models import Chef
from tests.core.conftest import booking_request, event_date
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu


@pytest.fixture(autouse=True)
def generous_throttles(settings):
    """Throttling has its own tests; the others may post as often as they need."""
    settings.API_THROTTLE_RATES = {scope: "1000/min" for scope in settings.API_THROTTLE_RATES}


@pytest.fixture
def station(db) -> Station:
    """Fremont, with the DOMAIN.md prices and menu."""
    PricingPolicyFactory()
    create_menu()
    return StationFactory()


@pytest.fixture
def chef(station) -> Chef:
    return ChefFactory(station=station)


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=False, HTTP_USER_AGENT="pytest")


@pytest.fixture
def make_booking(chef) -> Callable[..., Booking]:
    """A booking made through booking_create (deposit_pending), `days` ahead by default 14."""

    def make(days: int = 14, **overrides: Any) -> Booking:
        return booking_create(
            request=booking_request(date=event_date(days), **overrides), actor=Actor.customer(label="pytest")
        )

    return make


def manage_url(booking: Booking, action: str = "") -> str:
    return f"/manage/{manage_token_for(booking)}/" + (f"{action}/" if action else "")


def pay_url(booking: Booking) -> str:
    return f"/pay/{manage_token_for(booking)}/"
