"""The schedule pages, mounted under /admin/schedule/ (myhibachi/urls.py)."""

from django.contrib import admin
from django.urls import path

from core.schedule import views

urlpatterns = [
    path("calendar/", admin.site.admin_view(views.calendar_page), name="staff-calendar"),
    path("run-sheet/", admin.site.admin_view(views.run_sheet_page), name="staff-run-sheet"),
    path("feeds/", admin.site.admin_view(views.feeds_page), name="staff-calendar-feeds"),
]
