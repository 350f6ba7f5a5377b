"""Flagging a booking for staff, with a reason kept beside earlier ones (payments and changes use it)."""

from __future__ import annotations

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking
from core.notifications.dispatch import notify_payment_flagged

FLAG_REASON_MAX_LENGTH = 255


def booking_flag(*, booking: Booking, reason: str, actor: Actor) -> None:
    """Flag the booking for staff with a reason (kept beside earlier reasons), audited."""
    reason = reason[:FLAG_REASON_MAX_LENGTH]
    if booking.flagged_for_staff and reason in booking.flag_reason:
        return
    before = snapshot(booking, ["flagged_for_staff", "flag_reason"])
    combined = (
        f"{booking.flag_reason}; {reason}" if booking.flagged_for_staff and booking.flag_reason else reason
    )
    booking.flagged_for_staff = True
    booking.flag_reason = combined[:FLAG_REASON_MAX_LENGTH]
    booking.save(update_fields=["flagged_for_staff", "flag_reason", "updated_at"])
    audit_log_write(
        actor=actor,
        action="booking.flag",
        instance=booking,
        station_id=booking.station_id,
        before=before,
        after=snapshot(booking, ["flagged_for_staff", "flag_reason"]),
        reason=reason,
    )
    notify_payment_flagged(booking, reason=reason)  # staff alert, after commit
