"""The customer pages share the API's per-client-IP limits (settings.API_THROTTLE_RATES).

The same throttle class and the same cache keys as the API, so a client gets one allowance per
scope whether it posts the form or calls the endpoint, and a throttled request is recorded as
the API records it.
"""

from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.throttling import PublicThrottle


def throttled_response(request: HttpRequest, scope: str) -> HttpResponse | None:
    """The site's 429 page when the client is over the scope's limit, else None."""
    throttle = PublicThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    wait = max(1, int(throttle.wait() or 1))
    response = render(request, "site/429.html", {"retry_after": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response
