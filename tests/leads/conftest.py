import pytest

from identity.models import Station
from tests.identity.factories import StationFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu


@pytest.fixture
def priced(db) -> Station:
    """The docs/business-rules.md prices and menu, and the Fremont station (ZIP 94539)."""
    PricingPolicyFactory()
    create_menu()
    return StationFactory()
