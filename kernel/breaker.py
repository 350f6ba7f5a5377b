"""A circuit breaker: after a backing service fails, stop calling it for a few seconds.

A dead or hung Redis costs every call its socket timeout. Behind a breaker it costs one: the
first failure opens the breaker, calls fail at once while it is open, and after
`reset_after` seconds a single call (the probe) is let through; its success closes the
breaker, its failure opens it again. So a process waits on a dead service at most once every
`reset_after` seconds, whatever its traffic. State is per process (and shared by its threads).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str, *, reset_after: float, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self.reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """Whether the service is considered down (calls are refused, but for the probe)."""
        return self._opened_at is not None

    def allow(self) -> bool:
        """Whether a call may go to the service now."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self.reset_after:
                return False
            self._probing = True  # this caller is the probe; the others keep failing fast
            return True

    def record_success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                logger.warning("%s is back: circuit closed", self.name)
            self._opened_at, self._probing = None, False

    def record_failure(self) -> None:
        with self._lock:
            if self._opened_at is None:
                logger.error("%s failed: circuit open, calls refused for %ss", self.name, self.reset_after)
            self._opened_at, self._probing = self._clock(), False

    def reset(self) -> None:
        """Closed, as at start (tests)."""
        with self._lock:
            self._opened_at, self._probing = None, False


_registry: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(name: str, *, reset_after: float) -> CircuitBreaker:
    """The process's one breaker of that name (cache backends are made per thread; it is not)."""
    with _registry_lock:
        breaker = _registry.get(name)
        if breaker is None:
            breaker = _registry[name] = CircuitBreaker(name, reset_after=reset_after)
        return breaker


def breakers_reset() -> None:
    """Close every breaker of the process (tests)."""
    with _registry_lock:
        for breaker in _registry.values():
            breaker.reset()
