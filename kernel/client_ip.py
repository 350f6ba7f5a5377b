"""The client's IP address: one answer for throttles, security events and the audit trail.

Behind NUM_PROXIES trusted proxies (settings.REST_FRAMEWORK["NUM_PROXIES"]) the client is the
address the outermost trusted proxy saw, taken from X-Forwarded-For counting from the right
(what a client writes on the left cannot be trusted); with none, REMOTE_ADDR. The same rule as
DRF's throttles, so that a throttled client and its audit rows carry the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def num_proxies() -> int:
    return int(getattr(settings, "REST_FRAMEWORK", {}).get("NUM_PROXIES") or 0)


def client_address(request: HttpRequest) -> str:
    """The raw address as the throttle counts it (may be empty or not an IP for a broken proxy)."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    proxies = num_proxies()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and proxies > 0:
        addresses = forwarded.split(",")
        return addresses[-min(proxies, len(addresses))].strip()
    return remote_addr


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address (proxy-aware, normalised), or None when there is no valid one."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_address(request).strip()))
    except ValueError:
        return None
