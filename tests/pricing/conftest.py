from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from identity.models import Station
from pricing.models import PricingPolicy
from tests.identity.factories import StationFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu
from tests.pricing.fakes import FixedDistanceProvider


@pytest.fixture
def policy(db) -> PricingPolicy:
    return PricingPolicyFactory()


@pytest.fixture
def menu(db) -> None:
    create_menu()


@pytest.fixture
def fremont(db) -> Station:
    return StationFactory()


@pytest.fixture
def priced(policy, menu, fremont) -> Station:
    """The docs/business-rules.md prices and menu, and the Fremont station."""
    return fremont


@pytest.fixture
def fixed_distance(settings) -> Iterator[Callable[[str], None]]:
    """Set the distance from every ZIP code to every station, e.g. fixed_distance("42.4")."""
    settings.DISTANCE_PROVIDER = "tests.pricing.fakes.FixedDistanceProvider"

    def set_miles(miles: str) -> None:
        FixedDistanceProvider.miles = Decimal(miles)

    yield set_miles
    FixedDistanceProvider.miles = Decimal("0")
