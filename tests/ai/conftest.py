import datetime
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ai.models import Knowledge
from core.notifications import sms
from identity.models import Station
from myhibachi.seeding.knowledge import KNOWLEDGE
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

LA = ZoneInfo("America/Los_Angeles")
# A Monday morning in Fremont: "next Saturday" is 2027-03-06, June 14 is 2027-06-14.
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=LA)
START_URL = "/api/v1/assistant/conversations/"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _assistant_settings(settings) -> None:
    settings.ASSISTANT_PROVIDER = "rules"
    settings.STAFF_ALERT_EMAILS = ["ops@myhibachi.test"]
    settings.SITE_URL = "https://api.myhibachi.test"
    settings.ASSISTANT_BOOKING_URL = "https://myhibachi.test/book/"


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.SentSms]]:
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def knowledge(db) -> None:
    Knowledge.objects.bulk_create(
        [Knowledge(title=title, category=category, body=body) for title, category, body in KNOWLEDGE]
    )


@pytest.fixture
def fremont(db, knowledge) -> Station:
    """The DOMAIN.md prices and menu, the Fremont station with two chefs, the seeded knowledge."""
    PricingPolicyFactory()
    create_menu()
    station = StationFactory()
    ChefFactory.create_batch(2, station=station)
    return station


@pytest.fixture
def chat(api_client, fremont, django_capture_on_commit_callbacks) -> Callable:
    """chat(): a new web conversation; its .say(text) posts a message and returns the JSON reply."""

    class Chat:
        def __init__(self) -> None:
            response = api_client.post(START_URL, {"channel": "web"}, format="json")
            assert response.status_code == 201, response.content
            self.token = response.json()["token"]
            self.url = f"{START_URL}{self.token}/messages/"

        def say(self, content: str, *, status: int = 200) -> dict:
            with django_capture_on_commit_callbacks(execute=True):
                response = api_client.post(self.url, {"content": content}, format="json")
            assert response.status_code == status, response.content
            return response.json()

    return Chat


@pytest.fixture
def fixed_distance(settings) -> Iterator[Callable[[str], None]]:
    """Every ZIP code is this many road miles from every station, e.g. fixed_distance("180")."""
    from decimal import Decimal

    from tests.pricing.fakes import FixedDistanceProvider

    settings.DISTANCE_PROVIDER = "tests.pricing.fakes.FixedDistanceProvider"

    def set_miles(miles: str) -> None:
        FixedDistanceProvider.miles = Decimal(miles)

    yield set_miles
    FixedDistanceProvider.miles = Decimal("0")
