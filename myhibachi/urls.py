from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from myhibachi.health import healthz

admin.site.site_header = "My Hibachi staff"
admin.site.site_title = "My Hibachi staff"
admin.site.index_title = "Staff panel"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include("myhibachi.api_urls")),
]

handler404 = "kernel.api.not_found"
handler500 = "kernel.outages.server_error"
