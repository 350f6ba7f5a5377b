"""Redis down or hung: short timeouts, a breaker (one timeout every few seconds per process at
most), a throttle that keeps limiting per process, and /healthz saying so."""

import socket
import threading

import pytest
from django.core.cache import caches
from django.test import Client

from kernel.breaker import CircuitBreaker, breakers_reset
from kernel.cache import cache_degraded

pytestmark = pytest.mark.django_db


def _redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "kernel.cache.BreakerRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "breaker-test",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }


@pytest.fixture
def closed_breakers():
    breakers_reset()
    yield
    breakers_reset()


@pytest.fixture
def dead_redis(settings, closed_breakers):
    """The cache points at a port where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{port}/0")
    return port


class HungRedis:
    """Accepts connections and never answers; counts the connections it was sent."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(50)
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(connection)  # kept open, never read, never answered

    def close(self):
        self.server.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hung_redis(settings, closed_breakers):
    hung = HungRedis()
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{hung.port}/0")
    yield hung
    hung.close()


def test_a_breaker_opens_on_a_failure_refuses_calls_then_lets_one_probe_through():
    now = [100.0]
    breaker = CircuitBreaker("test", reset_after=5, clock=lambda: now[0])
    assert breaker.allow()

    breaker.record_failure()
    assert breaker.is_open and not breaker.allow()
    now[0] += 4.9
    assert not breaker.allow()
    now[0] += 0.2
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one at a time
    breaker.record_success()
    assert not breaker.is_open and breaker.allow()


def test_a_hung_redis_is_waited_on_once_not_on_every_call(hung_redis):
    cache = caches["default"]

    values = [cache.get(f"key-{n}") for n in range(20)]

    assert values == [None] * 20  # misses, never an error
    assert cache_degraded()
    # Without the breaker each call opens its own connection and waits its timeout.
    assert len(hung_redis.connections) <= 1


def test_throttling_keeps_limiting_per_process_while_redis_is_down(dead_redis, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "public": "3/min"}
    client = Client()

    statuses = [client.get("/api/v1/reviews/").status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 429, 429, 429]


def test_healthz_says_the_cache_is_away_and_throttling_is_per_process(dead_redis):
    caches["default"].get("anything")  # the first failure opens the breaker

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable", "throttling": "per_process"}


@pytest.mark.redis
def test_the_breaker_closes_when_redis_answers_the_probe_and_the_shared_throttle_resumes(
    redis_url, settings, closed_breakers
):
    # Given the real Redis, after a failure opened the breaker
    settings.CACHES = _redis_cache(redis_url)
    cache = caches["default"]
    cache.breaker.record_failure()
    assert cache_degraded() and cache.get("probe-key") is None  # refused, Redis not called
    reset_after, cache.breaker.reset_after = cache.breaker.reset_after, 0.0
    try:
        # When the next call is let through as the probe, and Redis answers
        cache.set("probe-key", "back", 5)

        # Then the breaker is closed and the cache works again
        assert not cache_degraded()
        assert cache.get("probe-key") == "back"
        assert Client().get("/healthz").json()["throttling"] == "shared"
    finally:
        cache.breaker.reset_after = reset_after
        cache.delete("probe-key")
