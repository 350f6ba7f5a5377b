"""Every app's customer API, mounted under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("pricing.urls")),
    path("", include("core.urls")),
    path("", include("core.payments.urls")),
    path("", include("core.sms_urls")),
    path("", include("leads.urls")),
    path("", include("ai.urls")),
]
