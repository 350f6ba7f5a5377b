"""A booking's audit rows: the fields they snapshot and the one way they are written."""

from __future__ import annotations

from typing import Any

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking

# The manage nonce is half of a customer's link, the fingerprint is bookkeeping: neither
# belongs in the audit trail.
_AUDITED_FIELDS = [
    field.name
    for field in Booking._meta.concrete_fields
    if field.name not in ("manage_nonce", "idempotency_fingerprint")
]


def _snapshot(booking: Booking) -> dict[str, Any]:
    return snapshot(booking, fields=_AUDITED_FIELDS)


def _audit(actor: Actor, action: str, booking: Booking, before: dict[str, Any], *, reason: str = "") -> None:
    audit_log_write(
        actor=actor,
        action=action,
        instance=booking,
        station_id=booking.station_id,
        before=before,
        after=_snapshot(booking),
        reason=reason,
    )
