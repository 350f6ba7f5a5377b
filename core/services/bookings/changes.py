"""Changing what a booking is for: its party and menu, or its event address.

A price is never edited by hand (DOMAIN.md "Booking lifecycle"): each change goes through one
service that revalidates the party (service area, upgrades at most two per guest, the party
minimum), reprices it from the catalogue with the quote engine, keeps what was already paid,
stores the new quote lines, and audits the booking before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from core.models import Booking, BookingAction
from core.selectors import booking_paid_cents, booking_starts_at
from core.services.bookings.adjustment import apply_adjustment
from core.services.bookings.audit_trail import _audit, _snapshot
from core.services.bookings.create import _address_text
from core.services.bookings.flags import booking_flag
from core.services.bookings.lifecycle import _locked, _refuse_unless_allowed
from core.services.bookings.validation import MAX_ITEMS, _checked_address
from kernel.error_codes import BookingErrors
from kernel.errors import ConflictError, ServiceError
from kernel.money import format_cents
from ops.policy import booking_rules, duration_words
from pricing.quote import Quote, quote_compute

CHANGE_WINDOW_CLOSED = BookingErrors.CHANGE_WINDOW_CLOSED
STATION_CHANGE = BookingErrors.STATION_CHANGE


def _normalised_items(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ServiceError("Give the upgrades and add-ons as a list of {code, quantity}.", field="items")
    if len(items) > MAX_ITEMS:
        raise ServiceError(f"At most {MAX_ITEMS} items.", field="items")
    return [dict(item) if isinstance(item, Mapping) else item for item in items]


def _refuse_customer_late_change(booking: Booking, *, by_customer: bool) -> None:
    """The change cutoff of reschedule (72 hours by default): inside it only staff change the booking."""
    change_cutoff = booking_rules(booking.station).change_cutoff
    if by_customer and booking_starts_at(booking) - timezone.now() < change_cutoff:
        raise ConflictError(
            f"Party, menu and address can be changed online up to {duration_words(change_cutoff)} "
            "before the event; please call us to change them.",
            code=CHANGE_WINDOW_CLOSED,
        )


def _requote(
    booking: Booking,
    *,
    zip_code: str,
    party_adults: int,
    party_kids: int,
    party_toddlers: int,
    items: Sequence[Mapping[str, Any]],
    zip_field: str,
) -> Quote:
    try:
        quote = quote_compute(
            zip_code=zip_code,
            party_adults=party_adults,
            party_kids=party_kids,
            party_toddlers=party_toddlers,
            items=items,
            on_date=booking.date,
        )
    except ServiceError as exc:
        if exc.field == "zip_code":
            exc.field = zip_field
        raise
    if quote.station.pk != booking.station_id:
        # The booking's chef and slot belong to its station; another station's area is a new booking.
        raise ServiceError(
            f"That address is served by our {quote.station.name} station; please cancel and book there.",
            field=zip_field,
            code=STATION_CHANGE,
        )
    return quote


def _apply_quote(booking: Booking, quote: Quote, *, actor: Actor) -> list[str]:
    """Store the new price on the (locked) booking; what was paid stays paid, and finance's
    adjustment line stays (never taking the total below the deposit)."""
    adjustment = booking.price_adjustment_cents
    booking.quote = quote.as_dict()
    booking.total_due_cents = quote.total_cents
    booking.deposit_due_cents = min(quote.deposit_cents, quote.total_cents)
    if adjustment:
        booking.price_adjustment_cents = 0  # the new quote has no line yet
        apply_adjustment(
            booking,
            amount_cents=max(adjustment, booking.deposit_due_cents - quote.total_cents),
            reason=booking.price_adjustment_reason,
        )
    paid = booking_paid_cents(booking=booking)
    if paid > booking.total_due_cents:
        # Nothing is refunded automatically on a change: staff decide what to pay back.
        booking_flag(
            booking=booking,
            reason=f"Paid {format_cents(paid - booking.total_due_cents)} more than the new total",
            actor=actor,
        )
    return [
        "quote",
        "total_due_cents",
        "deposit_due_cents",
        "price_adjustment_cents",
        "price_adjustment_reason",
    ]


@transaction.atomic
def booking_change_party(
    *,
    booking: Booking,
    party_adults: int,
    party_kids: int = 0,
    party_toddlers: int = 0,
    items: Sequence[Mapping[str, Any]] = (),
    actor: Actor,
    by_customer: bool,
) -> Booking:
    """Set a booking's guest counts and upgrades/add-ons (the whole list), repriced from the catalogue.

    The arguments are those of booking_create: `items` is [{"code", "quantity"}] and replaces
    the booking's items. Allowed while the booking is deposit_pending or confirmed; by the
    customer until the station's change cutoff (ConflictError change_window_closed), by staff at
    any time. ServiceError (field at fault) for an invalid party or item (too_many_upgrades,
    unknown_item) and when the event's ZIP is no longer served by the booking's station. Keeps
    every payment: the deposit paid still counts, the balance becomes the new total minus what
    was paid (a booking now paid above its total is flagged for staff). Returns the booking
    unchanged, writing nothing, when the party and items are the same.
    """
    items = _normalised_items(items)
    booking = _locked(booking)
    _refuse_unless_allowed(booking, BookingAction.CHANGE_PARTY)
    _refuse_customer_late_change(booking, by_customer=by_customer)
    quote = _requote(
        booking,
        zip_code=booking.zone,
        party_adults=party_adults,
        party_kids=party_kids,
        party_toddlers=party_toddlers,
        items=items,
        zip_field="zip_code",
    )
    requested = {str(item.get("code")) for item in items}
    # As priced: one entry per code, repeated codes summed.
    new_items = [
        {"code": line.code, "quantity": line.quantity} for line in quote.lines if line.code in requested
    ]
    unchanged = (
        booking.party_adults == party_adults
        and booking.party_kids == party_kids
        and booking.party_toddlers == party_toddlers
        and _items_key(booking.items) == _items_key(new_items)
    )
    if unchanged:
        return booking
    before = _snapshot(booking)
    booking.party_adults, booking.party_kids, booking.party_toddlers = (
        party_adults,
        party_kids,
        party_toddlers,
    )
    booking.items = new_items
    fields = ["party_adults", "party_kids", "party_toddlers", "items"]
    fields += _apply_quote(booking, quote, actor=actor)
    booking.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    _audit(actor, "booking.change_party", booking, before, reason="by the customer" if by_customer else "")
    return booking


@transaction.atomic
def booking_change_address(
    *, booking: Booking, address: Mapping[str, Any], actor: Actor, by_customer: bool
) -> Booking:
    """Move the event to another address ({line1, line2, city, state, zip_code}), re-quoted for its ZIP.

    Same rules as booking_change_party: active bookings, customers until the change cutoff. A ZIP
    outside the service area, or served by another station, is refused (field address.zip_code);
    a new ZIP changes the travel fee and so the total. No-op when the address is the same.
    """
    address = _checked_address(address)
    booking = _locked(booking)
    _refuse_unless_allowed(booking, BookingAction.CHANGE_PARTY)
    _refuse_customer_late_change(booking, by_customer=by_customer)
    text = _address_text(address)
    if text == booking.address and address["zip_code"] == booking.zone:
        return booking
    before = _snapshot(booking)
    fields = ["address", "zone"]
    if address["zip_code"] != booking.zone:
        quote = _requote(
            booking,
            zip_code=address["zip_code"],
            party_adults=booking.party_adults,
            party_kids=booking.party_kids,
            party_toddlers=booking.party_toddlers,
            items=booking.items,
            zip_field="address.zip_code",
        )
        fields += _apply_quote(booking, quote, actor=actor)
    booking.address, booking.zone = text, address["zip_code"]
    booking.save(update_fields=[*fields, "updated_at"])
    _audit(actor, "booking.change_address", booking, before, reason="by the customer" if by_customer else "")
    return booking


def _items_key(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    return sorted((str(item.get("code")), int(item.get("quantity") or 0)) for item in items or ())
