"""The staff receipt page, mounted under /admin/receipts/ (myhibachi/urls.py)."""

from django.contrib import admin
from django.urls import path

from core.receipts.views import receipt_page, receipt_pdf_download

urlpatterns = [
    path("<uuid:payment_id>/", admin.site.admin_view(receipt_page), name="staff-receipt"),
    path("<uuid:payment_id>/pdf/", admin.site.admin_view(receipt_pdf_download), name="staff-receipt-pdf"),
]
