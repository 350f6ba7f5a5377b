"""A price adjustment line: a discount or surcharge finance staff add to a booking, with a reason.

DOMAIN.md: a price is never edited by hand; finance roles may add an adjustment line. The line
sits in the booking's quote (so the staff page, the manage link and the receipts show it) and in
total_due_cents, which never goes below the deposit. One line per booking: a new adjustment
replaces the previous one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.actor import Actor
from core.models import Booking
from core.services.bookings.audit_trail import _audit, _snapshot
from core.services.bookings.errors import INVALID_TRANSITION
from kernel.errors import ConflictError, ServiceError
from kernel.money import format_cents

ADJUSTMENT_CODE = "adjustment"
REASON_MAX_LENGTH = 255
# A booking whose money is still open: adjusting a cancelled or finished one would rewrite history.
ADJUSTABLE_STATUSES = frozenset(Booking.ACTIVE_STATUSES)


def adjustment_line(amount_cents: int, reason: str) -> dict[str, Any]:
    label = f"{'Discount' if amount_cents < 0 else 'Surcharge'}: {reason}"
    return {
        "code": ADJUSTMENT_CODE,
        "label": label,
        "quantity": 1,
        "unit_cents": amount_cents,
        "total_cents": amount_cents,
    }


def checked_adjustment(*, amount_cents: int, reason: str, base_total_cents: int, deposit_cents: int) -> str:
    """The cleaned reason; ServiceError when the amount or reason is refused."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise ServiceError("Enter an amount in cents.", field="price_adjustment_cents")
    reason = " ".join((reason or "").split())
    if amount_cents and not reason:
        raise ServiceError("Give the reason for the discount or surcharge.", field="price_adjustment_reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(f"At most {REASON_MAX_LENGTH} characters.", field="price_adjustment_reason")
    if base_total_cents + amount_cents < deposit_cents:
        raise ServiceError(
            f"The total cannot go below the deposit ({format_cents(deposit_cents)}): the largest "
            f"discount is {format_cents(base_total_cents - deposit_cents)}.",
            field="price_adjustment_cents",
        )
    return reason


def apply_adjustment(booking: Booking, *, amount_cents: int, reason: str) -> None:
    """Put the adjustment on the unsaved booking: its fields, its total and its quote's lines."""
    base_total = booking.total_due_cents - booking.price_adjustment_cents
    quote = dict(booking.quote or {})
    lines = [line for line in quote.get("lines", []) if line.get("code") != ADJUSTMENT_CODE]
    if amount_cents:
        lines.append(adjustment_line(amount_cents, reason))
    total = base_total + amount_cents
    quote.update(lines=lines, total_cents=total, balance_cents=total - booking.deposit_due_cents)
    quote["adjustment_cents"] = amount_cents
    booking.quote = quote
    booking.total_due_cents = total
    booking.price_adjustment_cents = amount_cents
    booking.price_adjustment_reason = reason if amount_cents else ""


@transaction.atomic
def booking_adjust_price(*, booking: Booking, amount_cents: int, reason: str, actor: Actor) -> Booking:
    """Set the booking's adjustment line (0 removes it); audited with the reason.

    The caller checks that the user holds booking.adjust_price (a finance role).
    """
    booking = Booking.objects.select_for_update().select_related("station").get(pk=booking.pk)
    if booking.status not in ADJUSTABLE_STATUSES:
        raise ConflictError(
            f"Booking {booking.reference} is {booking.get_status_display().lower()}: its price is final.",
            code=INVALID_TRANSITION,
        )
    reason = checked_adjustment(
        amount_cents=amount_cents,
        reason=reason,
        base_total_cents=booking.total_due_cents - booking.price_adjustment_cents,
        deposit_cents=booking.deposit_due_cents,
    )
    if amount_cents == booking.price_adjustment_cents and reason == booking.price_adjustment_reason:
        return booking
    before = _snapshot(booking)
    apply_adjustment(booking, amount_cents=amount_cents, reason=reason)
    booking.save(
        update_fields=[
            "quote",
            "total_due_cents",
            "price_adjustment_cents",
            "price_adjustment_reason",
            "updated_at",
        ]
    )
    _audit(actor, "booking.adjust_price", booking, before, reason=reason or "adjustment removed")
    return booking
