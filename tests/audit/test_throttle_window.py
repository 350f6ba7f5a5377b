"""The public API throttle is a fixed-window counter: one Redis round trip a request, and a
refusal is a 429 whose Retry-After is the seconds left in the client's window."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.utils import timezone
from redis.client import Pipeline, Redis

from audit.throttling import PublicThrottle, parse_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_a_minute(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "public": "2/min"}


def on_redis() -> bool:
    return getattr(caches["default"], "breaker", None) is not None


def test_rates_read_as_requests_per_window_in_seconds():
    assert parse_rate("20/min") == (20, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/hour") == (1000, 3600)
    assert parse_rate("3/day") == (3, 86400)


def test_a_refusal_is_429_with_retry_after_the_seconds_left_in_the_window(two_a_minute):
    client = Client(REMOTE_ADDR="203.0.113.120")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first = [client.get("/api/v1/reviews/").status_code for _ in range(2)]
    with time_machine.travel(start + datetime.timedelta(seconds=20), tick=False):
        refused = client.get("/api/v1/reviews/")

    assert first == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json()["error"]["code"]


def test_a_new_window_opens_when_the_clients_window_ends(two_a_minute):
    client = Client(REMOTE_ADDR="203.0.113.121")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        statuses = [client.get("/api/v1/reviews/").status_code for _ in range(3)]
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        statuses.append(client.get("/api/v1/reviews/").status_code)

    assert statuses == [200, 200, 429, 200]


def test_each_client_has_its_own_window(two_a_minute):
    first, second = Client(REMOTE_ADDR="203.0.113.122"), Client(REMOTE_ADDR="203.0.113.123")

    statuses = [client.get("/api/v1/reviews/").status_code for client in (first, first, first, second)]

    assert statuses == [200, 200, 429, 200]


def test_the_throttle_counts_in_one_redis_round_trip_and_stores_a_counter(two_a_minute, monkeypatch):
    if not on_redis():
        pytest.skip("the default cache is not Redis (REDIS_URL unset)")
    calls = {"pipelines": 0, "commands": 0}
    execute, command = Pipeline.execute, Redis.execute_command

    def counted_execute(self, *args, **kwargs):
        calls["pipelines"] += 1
        return execute(self, *args, **kwargs)

    def counted_command(self, *args, **kwargs):
        calls["commands"] += 1
        return command(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted_execute)
    monkeypatch.setattr(Redis, "execute_command", counted_command)
    request = RequestFactory().get("/api/v1/reviews/", REMOTE_ADDR="203.0.113.124")
    view = type("View", (), {"throttle_scope": "public"})()

    allowed = [PublicThrottle().allow_request(request, view) for _ in range(2)]

    assert allowed == [True, True]
    assert calls == {"pipelines": 2, "commands": 0}  # one pipelined round trip per request
    cache = caches["default"]
    stored = cache.client.get_client().get(cache.make_key("throttle:public:203.0.113.124"))
    assert stored == b"2"  # a counter, not a pickled list of request times
