from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from ai.views import widget_demo
from core.schedule.views import feed_ics
from myhibachi.health import healthz

admin.site.site_header = "My Hibachi staff"
admin.site.site_title = "My Hibachi staff"
admin.site.index_title = "Staff panel"
admin.site.site_url = "/"  # "View site": the customer website

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/schedule/", include("core.schedule.urls")),
    path("admin/receipts/", include("core.receipts.urls")),
    path("admin/reports/", include("myhibachi.reports.urls")),
    # The one-time link of `manage.py create_staff` (Django's password-reset token).
    path(
        "admin/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("staff-set-password-done")),
        name="staff-set-password",
    ),
    path(
        "admin/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="staff-set-password-done",
    ),
    path("admin/", admin.site.urls),
    path("calendar-feeds/<str:token>.ics", feed_ics, name="calendar-feed"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include("myhibachi.api_urls")),
    path("assistant/demo/", widget_demo, name="assistant-demo"),
    path("", include("crm.urls")),
    path("", include("website.urls")),
]

handler404 = "kernel.api.not_found"
handler500 = "kernel.outages.server_error"
