"""Staff send a customer their booking's manage link (a phone booking made without it, a lost email)."""

from __future__ import annotations

from django.db import transaction

from audit.actor import Actor
from core.models import Booking
from core.notifications.dispatch import notify_manage_link_requested
from core.services.bookings.audit_trail import _audit, _snapshot
from core.services.bookings.errors import INVALID_TRANSITION
from kernel.errors import ConflictError


@transaction.atomic
def booking_manage_link_send(*, booking: Booking, actor: Actor) -> Booking:
    """Email the manage link to the customer's stored address, after commit; audited.

    Only for an active booking; the notification machinery sends it once per request window.
    """
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status not in Booking.ACTIVE_STATUSES:
        raise ConflictError(
            f"Booking {booking.reference} is {booking.get_status_display().lower()}.",
            code=INVALID_TRANSITION,
        )
    _audit(actor, "booking.manage_link_send", booking, _snapshot(booking), reason="sent by staff")
    notify_manage_link_requested(booking)
    return booking
