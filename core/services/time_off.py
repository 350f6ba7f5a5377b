"""Chef time off against the bookings it would break (DOMAIN.md "Chefs"; registered on ops.time_off).

Time off on a date (or slot) the chef holds an active booking is refused with a message naming
the booking; a manager may instead have the chef unassigned from those bookings in the same
transaction, which raises the unassigned-chef alert to the station's staff.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet

from audit.actor import Actor
from core.models import Booking
from core.services.bookings import booking_unassign_chef
from kernel.error_codes import BookingErrors
from kernel.errors import ConflictError
from ops.models import Chef, ChefAvailability
from ops.slots import slot_label

CHEF_BOOKED = BookingErrors.CHEF_BOOKED


def _booked(*, chef: Chef, date: datetime.date, slot: datetime.time | None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(chef=chef, date=date, status__in=Booking.ACTIVE_STATUSES)
    return bookings.filter(Q(slot=slot)) if slot is not None else bookings


def chef_booked_references(*, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
    """The references of the chef's active bookings on the date (in the slot, when given)."""
    return list(_booked(chef=chef, date=date, slot=slot).order_by("slot").values_list("reference", flat=True))


@transaction.atomic
def chef_time_off_clear(
    *, entry: ChefAvailability, actor: Actor, unassign_booked: bool = False
) -> list[Booking]:
    """Make way for a chef's availability entry before it is saved (by the caller, who audits it).

    Time off (is_available False) on a date or slot the chef holds active bookings raises
    ConflictError chef_booked naming them, unless `unassign_booked` (managers: the caller checks
    the permission), which unassigns the chef from them here, each audited and alerted to staff.
    Returns the bookings unassigned. Call it in the transaction that saves the entry: the chef's
    row stays locked, so no booking claims the chef in between.
    """
    Chef.objects.select_for_update().filter(pk=entry.chef_id).first()
    if entry.is_available:
        return []
    booked = list(
        _booked(chef=entry.chef, date=entry.date, slot=entry.slot).select_for_update().order_by("slot")
    )
    if booked and not unassign_booked:
        listed = ", ".join(f"{b.reference} at {slot_label(b.slot)}" for b in booked)
        raise ConflictError(
            f"{entry.chef.name} is booked on {entry.date:%b} {entry.date.day}: {listed}. Reassign "
            "the booking first, or have a manager unassign the chef with the time off.",
            field="date",
            code=CHEF_BOOKED,
        )
    for booking in booked:
        booking_unassign_chef(booking=booking, actor=actor, reason=f"{entry.chef.name} is off that day")
    return booked
