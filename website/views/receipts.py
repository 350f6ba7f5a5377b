"""A payment's receipt on the manage link (the printable page staff also see)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.receipts.selectors import receipt_data, receipts_of_booking
from website.middleware import allow_inline_styles
from website.views.common import booking_for_token, render_for_booking


@require_GET
def receipt(request: HttpRequest, token: str, number: str) -> HttpResponse:
    """One of this booking's receipts, by its number (MH-R000123); any other is a 404."""
    booking = booking_for_token(request, token)
    found = next((r for r in receipts_of_booking(booking) if r.label == number), None)
    if found is None:
        raise Http404("No such receipt for this booking.")
    # The printable receipt carries its own small stylesheet (it prints without our site.css).
    allow_inline_styles(request)
    return render_for_booking(
        request, "receipts/receipt.html", {"receipt": receipt_data(found)}, booking=booking
    )
