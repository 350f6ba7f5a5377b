"""A throttled client is one security event per client and scope per window, with the count —
not a row per refused request (300 requests were 295 rows)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limit(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "public": "5/min"}


def test_a_throttled_client_is_one_security_event_per_window_with_the_count(tight_limit):
    client = Client(REMOTE_ADDR="203.0.113.90")

    statuses = [client.get("/api/v1/reviews/").status_code for _ in range(40)]

    assert statuses.count(429) == 35
    (event,) = SecurityEvent.objects.filter(type=SecurityEvent.Type.RATE_LIMITED)
    assert event.count == 35
    assert event.ip_address == "203.0.113.90" and event.details["scope"] == "public"
    assert event.last_seen_at >= event.created_at


def test_each_client_and_each_window_gets_its_own_event(tight_limit):
    start = timezone.now()
    first, second = Client(REMOTE_ADDR="203.0.113.91"), Client(REMOTE_ADDR="203.0.113.92")
    with time_machine.travel(start, tick=False):
        for client in (first, second):
            for _ in range(7):
                client.get("/api/v1/reviews/")
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        for _ in range(7):
            first.get("/api/v1/reviews/")

    events = SecurityEvent.objects.filter(type=SecurityEvent.Type.RATE_LIMITED).order_by("created_at")
    assert [(event.ip_address, event.count) for event in events] == [
        ("203.0.113.91", 2),
        ("203.0.113.92", 2),
        ("203.0.113.91", 2),
    ]
