"""The staff panel's printable receipt of a payment and its PDF (the customer's are on the manage link)."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.models import Receipt
from core.receipts.pdf import pdf_filename, receipt_pdf
from core.receipts.selectors import ReceiptData, receipt_data
from identity import scoping


def pdf_response(receipt: ReceiptData) -> HttpResponse:
    """The receipt's PDF as a download (the staff panel's and the manage link's)."""
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename={pdf_filename(receipt)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _staff_receipt(request: HttpRequest, payment_id: uuid.UUID) -> Receipt:
    if not scoping.user_has_permission(request.user, "payment.read"):
        raise PermissionDenied
    receipts = scoping.scope_queryset(request.user, Receipt.objects.all(), "payment__booking__station")
    receipt = receipts.filter(payment_id=payment_id).first()
    if receipt is None:
        raise Http404("No receipt for this payment.")
    return receipt


def receipt_page(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    """The receipt of a payment at one of the user's stations (payment.read); 404 elsewhere."""
    receipt = _staff_receipt(request, payment_id)
    context = {"receipt": receipt_data(receipt), "pdf_url": reverse("staff-receipt-pdf", args=[payment_id])}
    return render(request, "receipts/receipt.html", context)


def receipt_pdf_download(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    """The same receipt as a PDF, under the same rule."""
    return pdf_response(receipt_data(_staff_receipt(request, payment_id)))
