from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from kernel.cache import cache_degraded


def healthz(request):
    """200 with the database and cache status; 503 when the database is down.

    A cache whose breaker is open (kernel/cache.py) is reported unavailable without waiting
    on it, and the API throttle then limits per process ("throttling": "per_process").
    """
    database = _check(lambda: connection.cursor().execute("SELECT 1"))
    cache_status = "unavailable" if cache_degraded() else _check(_probe_cache)
    status = 200 if database == "ok" else 503
    throttling = "per_process" if cache_degraded() else "shared"
    return JsonResponse(
        {"database": database, "cache": cache_status, "throttling": throttling}, status=status
    )


def _probe_cache() -> None:
    cache.set("healthz", "ok", 5)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _check(probe) -> str:
    try:
        probe()
    except Exception:  # a health check reports every failure instead of raising it
        return "unavailable"
    return "ok"
