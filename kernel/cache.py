"""The Redis cache behind a circuit breaker (kernel.breaker), with short socket timeouts.

django-redis alone, with IGNORE_EXCEPTIONS, turns an outage into cache misses but pays the
socket timeout on every call: a hung Redis (accepting connections, never answering) added
seconds to every request. Here every call to Redis goes through the process's breaker: the
first failure opens it and, for BREAKER_RESET_SECONDS, calls fail at once (a miss, as before)
without touching the network. cache_degraded() tells callers that must behave differently
while Redis is away (the API throttle keeps limiting per process; /healthz says so).
"""

from __future__ import annotations

import functools
import socket
from typing import Any

from django.core.cache import caches
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from kernel.breaker import CircuitBreaker, breaker_for

BREAKER_RESET_SECONDS = 5.0
_FAILURES = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, socket.timeout)


def _refused() -> ConnectionInterrupted:
    error = ConnectionInterrupted(connection=None)
    error.__cause__ = RedisConnectionError("circuit open: Redis failed recently, not called")
    return error


class _GuardedClient:
    """django-redis' client, each call asked of the breaker first and reported to it after."""

    def __init__(self, client: Any, breaker: CircuitBreaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not self._breaker.allow():
                raise _refused()
            try:
                result = attribute(*args, **kwargs)
            except _FAILURES as exc:
                self._breaker.record_failure()
                if isinstance(exc, ConnectionInterrupted):
                    raise
                raise ConnectionInterrupted(connection=None) from exc
            except Exception:
                # Redis answered (a value that does not unpickle, a wrong type): it is up. Said
                # so, or a probe ending this way would leave the breaker half-open for good.
                self._breaker.record_success()
                raise
            self._breaker.record_success()
            return result

        return guarded


class BreakerRedisCache(RedisCache):
    """django_redis.cache.RedisCache whose every call goes through the process's breaker."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.breaker = breaker_for(f"Redis cache {server}", reset_after=BREAKER_RESET_SECONDS)

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._client_cls(self._server, self._params, self)
        return _GuardedClient(self._client, self.breaker)


def cache_degraded(alias: str = "default") -> bool:
    """Whether the shared cache is away (its breaker is open); False for a local cache."""
    breaker = getattr(caches[alias], "breaker", None)
    return breaker is not None and breaker.is_open
