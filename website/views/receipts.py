"""A payment's receipt on the manage link (the printable page staff also see), and its PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.models import Receipt
from core.receipts.selectors import receipt_data, receipts_of_booking
from core.receipts.views import pdf_response
from website.middleware import allow_inline_styles
from website.views.common import booking_for_token, render_for_booking


def _receipt_of(request: HttpRequest, token: str, number: str):
    booking = booking_for_token(request, token)
    found: Receipt | None = next((r for r in receipts_of_booking(booking) if r.label == number), None)
    if found is None:
        raise Http404("No such receipt for this booking.")
    return booking, found


@require_GET
def receipt(request: HttpRequest, token: str, number: str) -> HttpResponse:
    """One of this booking's receipts, by its number (MH-R000123); any other is a 404."""
    booking, found = _receipt_of(request, token, number)
    # The printable receipt carries its own small stylesheet (it prints without our site.css).
    allow_inline_styles(request)
    context = {
        "receipt": receipt_data(found),
        "pdf_url": reverse("website:receipt-pdf", kwargs={"token": token, "number": number}),
    }
    return render_for_booking(request, "receipts/receipt.html", context, booking=booking)


@require_GET
def receipt_pdf(request: HttpRequest, token: str, number: str) -> HttpResponse:
    """The same receipt as a PDF download, under the same rule (a signed manage token; 404 otherwise)."""
    _booking, found = _receipt_of(request, token, number)
    return pdf_response(receipt_data(found))
