"""Seeding only: the row booking_create would have built from a BookingRequest, for a history.

The demo (myhibachi/seeding/demo/bookings.py) builds a BookingRequest for every booking it
shows, the same input the API and the admin hand to booking_create. But its bookings have a
past: a party completed last month, a deposit paid last week, a cancellation approved four
days ago, each step dated and audited when it happened (myhibachi/seeding/demo/history.py).
booking_create cannot make those: it books *now*, refuses a date outside the booking window
(past parties, parties inside 48 hours), claims a chef by its own rule, writes an audit row
dated now and sends the booking's messages.

So this builds, without saving, the Booking row booking_create builds from the same request:
the same checks (core/services/bookings/validation.py), the same quote (priced on
`quoted_on`), the same address text and day-of contact. What happened since is the caller's
to set: the reference, the chef, the status and its dates. It writes nothing (no row, audit,
hook or message). Never call it from a request path: customers and staff book through
booking_create.
"""

from __future__ import annotations

import datetime

from core.availability import slot_check_offered
from core.models import Booking, Customer
from core.services.bookings.create import BookingRequest, _address_text
from core.services.bookings.validation import (
    MAX_ITEMS,
    SPECIAL_REQUESTS_MAX_LENGTH,
    _checked_address,
    _checked_customer,
    _checked_date,
    _checked_slot,
)
from kernel.contact import normalize_phone
from kernel.errors import ServiceError
from ops.models import Chef
from pricing.quote import quote_compute


def booking_build_for_seed(
    *,
    request: BookingRequest,
    customer: Customer,
    reference: str,
    status: str,
    chef: Chef | None,
    quoted_on: datetime.date,
    contact_consent_at: datetime.datetime | None = None,
) -> Booking:
    """The unsaved booking of `request` for `customer`, in `status`, as the seed's history left it.

    Raises ServiceError for a request booking_create would refuse for its content (not for
    its date: the window is booking_create's, at the time of booking).
    """
    slot = _checked_slot(request.slot)
    date = _checked_date(request.date)
    address = _checked_address(request.address)
    contact = _checked_customer(request.customer)
    if contact["email"] != customer.email:
        raise ServiceError("The request is another customer's.", field="customer.email")
    special_requests = (request.special_requests or "").strip()
    if len(special_requests) > SPECIAL_REQUESTS_MAX_LENGTH:
        raise ServiceError(f"At most {SPECIAL_REQUESTS_MAX_LENGTH} characters.", field="special_requests")
    if request.source not in Booking.Source.values:
        raise ServiceError(f"Unknown booking source {request.source!r}.", field="source")
    if status not in Booking.Status.values:
        raise ServiceError(f"Unknown booking status {status!r}.", field="status")
    items = [dict(item) for item in request.items]
    if len(items) > MAX_ITEMS:
        raise ServiceError(f"At most {MAX_ITEMS} items.", field="items")
    quote = quote_compute(
        zip_code=address["zip_code"],
        party_adults=request.party_adults,
        party_kids=request.party_kids,
        party_toddlers=request.party_toddlers,
        items=items,
        on_date=quoted_on,
    )
    slot_check_offered(station=quote.station, slot=slot)
    day_of_phone = normalize_phone(contact["phone"], field="customer.phone") if contact["phone"] else ""
    texts_allowed = bool(day_of_phone and contact["sms_consent"])
    return Booking(
        reference=reference,
        customer=customer,
        chef=chef,
        station=quote.station,
        date=date,
        slot=slot,
        address=_address_text(address),
        zone=address["zip_code"],
        party_adults=request.party_adults,
        party_kids=request.party_kids,
        party_toddlers=request.party_toddlers,
        items=[{"code": item["code"], "quantity": item["quantity"]} for item in items],
        quote=quote.as_dict(),
        total_due_cents=quote.total_cents,
        deposit_due_cents=quote.deposit_cents,
        status=status,
        source=request.source,
        special_requests=special_requests,
        contact_first_name=contact["first_name"],
        contact_last_name=contact["last_name"],
        contact_phone=day_of_phone,
        contact_sms_consent=texts_allowed,
        contact_sms_consent_at=contact_consent_at if texts_allowed else None,
    )
