"""The reports, mounted under /admin/reports/ (myhibachi/urls.py)."""

from django.contrib import admin
from django.urls import path

from myhibachi.reports import views

urlpatterns = [
    path("", admin.site.admin_view(views.reports_index), name="staff-reports"),
    path("<slug:slug>/", admin.site.admin_view(views.report_page), name="staff-report"),
]
