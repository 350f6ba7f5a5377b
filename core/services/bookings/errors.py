"""The error codes the API and the admin rely on, and the conflict of a full slot."""

from __future__ import annotations

import datetime

from kernel.errors import ConflictError
from ops.slots import slot_label

SLOT_UNAVAILABLE = "slot_unavailable"
DUPLICATE_BOOKING = "duplicate_booking"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
INVALID_TRANSITION = "invalid_transition"


def _slot_unavailable(date: datetime.date, slot: datetime.time) -> ConflictError:
    return ConflictError(
        f"{date:%b} {date.day} at {slot_label(slot)} is fully booked. Please choose another time.",
        field="slot",
        code=SLOT_UNAVAILABLE,
    )
