"""The error codes the API and the admin rely on, and the conflict of a full slot."""

from __future__ import annotations

import datetime

from kernel.error_codes import BookingErrors
from kernel.errors import ConflictError
from ops.slots import slot_label

SLOT_UNAVAILABLE = BookingErrors.SLOT_UNAVAILABLE
DUPLICATE_BOOKING = BookingErrors.DUPLICATE_BOOKING
IDEMPOTENCY_KEY_REUSED = BookingErrors.IDEMPOTENCY_KEY_REUSED
INVALID_TRANSITION = BookingErrors.INVALID_TRANSITION


def _slot_unavailable(date: datetime.date, slot: datetime.time) -> ConflictError:
    return ConflictError(
        f"{date:%b} {date.day} at {slot_label(slot)} is fully booked. Please choose another time.",
        field="slot",
        code=SLOT_UNAVAILABLE,
    )
