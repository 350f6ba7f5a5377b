"""The public API's throttle: per client IP, and each refusal recorded as a security event.

A fixed-window counter: per client and scope, the client's first request opens a window
(SET NX EX: the counter and the window's start, expiring with it) and every request INCRs
the counter: four commands in one pipeline, one round trip to Redis. DRF's SimpleRateThrottle
instead read, unpickled, trimmed and wrote back a list of request times: two round trips and
a value that grew with the rate. A fixed window lets a client make up to twice the rate
across a window's end, which a per-IP abuse limit tolerates; a refusal is the same 429 with a
Retry-After of the seconds left in the window.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from kernel.cache import cache_degraded
from kernel.client_ip import client_address, client_ip

# While the shared cache (Redis) is away the throttle keeps limiting, per process: each web
# process counts its own clients, so the effective limit is the rate times the processes.
_process_cache = LocMemCache("throttle-while-redis-is-away", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class SharedCacheAway(Exception):
    """Redis did not answer (or its breaker is open): count in this process instead."""


def _count_in_redis(cache, key: str, duration: int) -> tuple[int, float]:
    """(this request's number in its window, seconds left): one round trip; tells the breaker."""
    breaker = cache.breaker
    if not breaker.allow():
        raise SharedCacheAway
    try:
        connection = cache.client.get_client(write=True)
        count_key, start_key = cache.make_and_validate_key(key), cache.make_and_validate_key(f"{key}:start")
        for _ in range(2):
            now = time.time()
            pipeline = connection.pipeline(transaction=False)
            pipeline.set(start_key, now, ex=duration, nx=True)  # the first request opens the window
            pipeline.get(start_key)
            pipeline.set(count_key, 0, ex=duration, nx=True)
            pipeline.incr(count_key)  # keeps the expiry
            _, start, _, count = pipeline.execute()
            started = float(start) if start is not None else now
            if now - started < duration:
                break
            # A window Redis still holds that this process's clock says is over (clock skew
            # between hosts): start a new one. Rare, so a second round trip only then.
            connection.delete(count_key, start_key)
    except (RedisError, OSError) as exc:
        breaker.record_failure()
        raise SharedCacheAway from exc
    breaker.record_success()
    return int(count), max(started + duration - now, 0.0)


def _count_locally(cache, key: str, duration: int) -> tuple[int, float]:
    """The same window in a local cache (this process's memory)."""
    for _ in range(2):  # once more if the window ended between add and incr
        now = time.time()
        cache.add(f"{key}:ends", now + duration, duration)
        cache.add(key, 0, duration)
        try:
            count = cache.incr(key)
        except ValueError:
            continue
        return count, max((cache.get(f"{key}:ends") or now + duration) - now, 0.0)
    return 1, float(duration)


def _count(key: str, duration: int) -> tuple[int, float]:
    """This request's number in its window and the seconds left, counted where every process meets."""
    shared = caches["default"]
    if getattr(shared, "breaker", None) is None:  # a local cache (development without Redis)
        return _count_locally(shared, key, duration)
    if not cache_degraded():
        try:
            return _count_in_redis(shared, key, duration)
        except SharedCacheAway:
            pass  # Redis failed during this very request: count here
    return _count_locally(_process_cache, key, duration)


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "20/min" -> (20, 60): requests per window and the window in seconds (DRF's notation)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period[0]]


class PublicThrottle(BaseThrottle):
    """Per-client-IP limit for the public customer API; a throttled request is a security event.

    Views name their scope (`throttle_scope = "quotes"`); the rates are settings
    (API_THROTTLE_RATES). Views without a scope use the "public" rate.
    """

    scope = "public"
    duration = 60
    window_ends_at = 0.0

    def get_rate(self) -> str:
        rates = settings.API_THROTTLE_RATES
        return rates.get(self.scope, rates["public"])

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, "throttle_scope", "public")
        num_requests, duration = parse_rate(self.get_rate())
        self.duration = duration
        count, seconds_left = _count(f"throttle:{self.scope}:{client_address(request)}", duration)
        self.window_ends_at = time.time() + seconds_left
        if count <= num_requests:
            return True
        # Here, not at the top: DRF imports its throttle classes while the views load, which
        # may be before the app registry is ready for audit's models.
        from audit.models import SecurityEvent
        from audit.services import security_event_record_repeated

        # One event per client and scope per throttle window, counting the refusals: a
        # client hammering the API is one row, not one per request.
        security_event_record_repeated(
            type=SecurityEvent.Type.RATE_LIMITED,
            severity=SecurityEvent.Severity.MEDIUM,
            ip_address=client_ip(request),
            details={"scope": self.scope},
            window=datetime.timedelta(seconds=duration),
        )
        return False

    def wait(self) -> float:
        """Seconds until the window ends and the client may try again (Retry-After)."""
        return max(self.window_ends_at - time.time(), 1.0)
