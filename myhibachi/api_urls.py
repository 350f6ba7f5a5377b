"""Every app's customer API, mounted under /api/v1/."""

from django.urls import include, path, re_path

from kernel.api import not_found


def api_not_found(request, unknown: str = ""):
    """Any other address under /api/v1/: the JSON 404 of the error shape, with DEBUG on too
    (Django's handler404 only answers when DEBUG is off; its technical page is HTML)."""
    return not_found(request)


urlpatterns = [
    path("", include("pricing.urls")),
    path("", include("core.urls")),
    path("", include("core.payments.urls")),
    path("", include("core.sms_urls")),
    path("", include("leads.urls")),
    path("", include("ai.urls")),
    # Last: whatever the apps above did not match.
    re_path(r"^(?P<unknown>.*)$", api_not_found, name="api-not-found"),
]
