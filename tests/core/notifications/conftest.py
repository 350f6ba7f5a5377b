import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import Booking
from core.notifications import sms
from identity.models import Station
from ops.slots import DEFAULT_SLOT_TIMES
from tests.core.factories import BookingFactory, CustomerFactory
from tests.identity.factories import StationFactory

LA = ZoneInfo("America/Los_Angeles")
SIX_PM = DEFAULT_SLOT_TIMES[2]


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.SentSms]]:
    """The recording SMS gateway's outbox, empty at the start of each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _notification_settings(settings) -> None:
    settings.SITE_URL = "https://api.myhibachi.test"
    settings.CUSTOMER_SITE_URL = "https://myhibachi.test"
    settings.STAFF_ALERT_EMAILS = ["ops@myhibachi.test"]
    settings.SUPPORT_EMAIL = "hello@myhibachi.test"
    settings.SUPPORT_PHONE = "+15105550100"
    settings.TWILIO_AUTH_TOKEN = "twilio-test-token"


@pytest.fixture
def station(db) -> Station:
    return StationFactory(phone="+15105550199", email="fremont@myhibachi.test")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(service, now): call the service at that moment, and what it enqueues after commit.

    Celery runs tasks in-process in tests (no broker), so the deliveries happen here too.
    """

    def run_at(service, now: datetime.datetime, **kwargs):
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run_at


def make_booking(*, created_at: datetime.datetime | None = None, **fields) -> Booking:
    """A booking (confirmed by default, like the factory), created at `created_at` when given."""
    fields.setdefault("customer", CustomerFactory(sms_consent=False))
    booking = BookingFactory(**fields)
    if created_at is not None:
        Booking.objects.filter(pk=booking.pk).update(created_at=created_at)
        booking.refresh_from_db()
    return booking


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """An aware time in Fremont's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LA)
