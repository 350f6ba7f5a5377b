"""The staff receipt page, mounted under /admin/receipts/ (myhibachi/urls.py)."""

from django.contrib import admin
from django.urls import path

from core.receipts.views import receipt_page

urlpatterns = [
    path("<uuid:payment_id>/", admin.site.admin_view(receipt_page), name="staff-receipt"),
]
