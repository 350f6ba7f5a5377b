"""The staff panel's printable receipt of a payment (the customer's is on the manage link)."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.models import Receipt
from core.receipts.selectors import receipt_data
from identity import scoping


def receipt_page(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    """The receipt of a payment at one of the user's stations (payment.read); 404 elsewhere."""
    if not scoping.user_has_permission(request.user, "payment.read"):
        raise PermissionDenied
    receipts = scoping.scope_queryset(request.user, Receipt.objects.all(), "payment__booking__station")
    receipt = receipts.filter(payment_id=payment_id).first()
    if receipt is None:
        raise Http404("No receipt for this payment.")
    return render(request, "receipts/receipt.html", {"receipt": receipt_data(receipt)})
