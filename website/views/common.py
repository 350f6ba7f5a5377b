"""What the customer views share: who the customer is for the audit trail, and their booking."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.models import Booking
from core.tokens import booking_from_manage_token
from kernel.client_ip import client_ip
from kernel.errors import NotFoundError, ServiceError


def booking_for_token(request: HttpRequest, token: str) -> Booking:
    """The booking of a manage link; a friendly 404 (and the token_invalid security event) otherwise."""
    try:
        return booking_from_manage_token(token, ip_address=client_ip(request))
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def field_errors(exc: ServiceError, field_map: dict[str, str]) -> dict[str, str]:
    """A service's error as {form field: message}: its field mapped onto the form's, else '__all__'."""
    field = exc.field or ""
    name = field_map.get(field) or field_map.get(field.split(".")[-1]) or "__all__"
    return {name: exc.message}


def render_for_booking(
    request: HttpRequest, template: str, context: dict[str, Any], *, booking: Booking, status: int = 200
) -> HttpResponse:
    """Render with dates and times in the booking's station time zone (where the party happens)."""
    with timezone.override(booking.station.timezone):
        return render(request, template, context, status=status)
