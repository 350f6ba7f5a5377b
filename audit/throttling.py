"""The public API's throttle: per client IP, and each refusal recorded as a security event."""

import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle

from kernel.cache import cache_degraded
from kernel.client_ip import client_address, client_ip

# While the shared cache (Redis) is away the throttle keeps limiting, per process: each web
# process counts its own clients, so the effective limit is the rate times the processes.
_process_cache = LocMemCache("throttle-while-redis-is-away", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class PublicThrottle(SimpleRateThrottle):
    """Per-client-IP limit for the public customer API; a throttled request is a security event.

    Views name their scope (`throttle_scope = "quotes"`); the rates are settings
    (API_THROTTLE_RATES). Views without a scope use the "public" rate.
    """

    def __init__(self):
        pass  # the rate depends on the view; it is resolved in allow_request

    def get_rate(self):
        rates = settings.API_THROTTLE_RATES
        return rates.get(self.scope, rates["public"])

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", "public")
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        shared = caches["default"]
        self.cache = _process_cache if cache_degraded() else shared
        allowed = super().allow_request(request, view)
        if self.cache is shared and cache_degraded():  # Redis failed during this very request
            self.cache = _process_cache
            allowed = super().allow_request(request, view)
        if not allowed:
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
                window=datetime.timedelta(seconds=self.duration),
            )
        return allowed
