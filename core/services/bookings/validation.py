"""The input checks of the booking services: slot, date, address, contact details, a refund."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from core.models import Booking
from core.selectors import booking_paid_cents
from kernel.contact import normalize_email
from kernel.errors import ServiceError
from ops.slots import parse_slot

SPECIAL_REQUESTS_MAX_LENGTH = 2000
MAX_ITEMS = 20
IDEMPOTENCY_KEY_MAX_LENGTH = 255
_ZIP_CODE = re.compile(r"\d{5}")
_STATE = re.compile(r"[A-Z]{2}")
ADDRESS_LIMITS = {"line1": 200, "line2": 200, "city": 100}


def _checked_slot(slot: datetime.time | str) -> datetime.time:
    """A time of day; whether the station offers it is checked with the booking window
    (core.availability.booking_window_error), once the station is known."""
    parsed = parse_slot(slot) if isinstance(slot, str) else slot
    if isinstance(parsed, datetime.datetime) or not isinstance(parsed, datetime.time):
        raise ServiceError("Enter a time as HH:MM, e.g. 18:00.", field="slot")
    return parsed


def _checked_date(date: datetime.date) -> datetime.date:
    if isinstance(date, datetime.datetime) or not isinstance(date, datetime.date):
        raise ServiceError("Enter a date.", field="date")
    return date


def _checked_address(address: Mapping[str, Any]) -> dict[str, str]:
    if not isinstance(address, Mapping):
        raise ServiceError("Enter the event address.", field="address")
    cleaned: dict[str, str] = {}
    for name in ("line1", "line2", "city", "state", "zip_code"):
        value = address.get(name) or ""
        if not isinstance(value, str):
            raise ServiceError("Enter text.", field=f"address.{name}")
        cleaned[name] = " ".join(value.split())
    for name, limit in ADDRESS_LIMITS.items():
        if len(cleaned[name]) > limit:
            raise ServiceError(f"At most {limit} characters.", field=f"address.{name}")
    for name in ("line1", "city"):
        if not cleaned[name]:
            raise ServiceError("This field is required.", field=f"address.{name}")
    cleaned["state"] = cleaned["state"].upper()
    if not _STATE.fullmatch(cleaned["state"]):
        raise ServiceError("Enter the 2-letter state code.", field="address.state")
    if not _ZIP_CODE.fullmatch(cleaned["zip_code"]):
        raise ServiceError("Enter a 5-digit ZIP code.", field="address.zip_code")
    return cleaned


def _checked_customer(customer: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(customer, Mapping):
        raise ServiceError("Enter your contact details.", field="customer")
    email = normalize_email(str(customer.get("email") or ""))
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ServiceError("Enter a valid email address.", field="customer.email") from exc
    return {
        "email": email,
        "first_name": " ".join(str(customer.get("first_name") or "").split()),
        "last_name": " ".join(str(customer.get("last_name") or "").split()),
        "phone": str(customer.get("phone") or "").strip(),
        # Consent is an explicit opt-in: only a real True counts.
        "sms_consent": customer.get("sms_consent") is True,
        "email_consent": customer.get("email_consent") is True,
    }


def _checked_refund(booking: Booking, refund_cents: int, *, reason: str) -> int:
    if isinstance(refund_cents, bool) or not isinstance(refund_cents, int) or refund_cents < 0:
        raise ServiceError("A refund is a whole, non-negative number of cents.", field="refund_cents")
    if refund_cents and not reason:
        raise ServiceError("Give a reason for the refund.", field="reason")
    paid = booking_paid_cents(booking=booking)
    if refund_cents > paid:
        raise ServiceError(f"The refund cannot be more than the {paid} cents paid.", field="refund_cents")
    return refund_cents
