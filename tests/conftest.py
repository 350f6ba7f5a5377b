import os

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def redis_url() -> str:
    """The real Redis of tests marked `redis`: skipped where none is configured, failed in CI.

    CI sets REDIS_URL (and REQUIRE_REDIS=1); a test that asks for Redis then fails, never
    skips, when Redis is absent.
    """
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set; CI runs this against a real Redis")
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).ping()  # raises, and fails, if absent
    return url


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (throttle history, cached reads)."""
    from django.core.cache import cache

    from audit.throttling import _process_cache
    from kernel.breaker import breakers_reset

    breakers_reset()
    _process_cache.clear()
    _clear(cache)
    yield
    _clear(cache)


def _clear(cache) -> None:
    # django-redis' clear() flushes the whole Redis database, other test processes' keys
    # included; delete_pattern keeps to this process's KEY_PREFIX.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


def pytest_terminal_summary(terminalreporter):
    """One clear line when the browser tests were skipped for want of Chromium (tests/browser/)."""
    from tests.browser.chromium import SKIP_REASON

    if any(SKIP_REASON in str(report.longrepr) for report in terminalreporter.stats.get("skipped", [])):
        terminalreporter.write_line(SKIP_REASON, yellow=True)
