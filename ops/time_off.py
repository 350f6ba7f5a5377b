"""Time off on a day a chef is booked (DOMAIN.md "Chefs"): refused, or, by a manager, the chef is
unassigned from those bookings in the same transaction and the unassigned-chef alert is raised.

Bookings live above ops (core), so ops cannot look at them or change them itself. core
registers the two functions below at start-up (core/apps.py); the staff panel's time-off
forms (ops/admin.py) call them. Without a registration the check finds nothing, which keeps
ops usable on its own.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from audit.actor import Actor
from ops.models import Chef, ChefAvailability


class BookedReferences(Protocol):
    def __call__(self, *, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
        """The references of the chef's active bookings on the date (in the slot, when given)."""


class TimeOffClearer(Protocol):
    def __call__(self, *, entry: ChefAvailability, actor: Actor, unassign_booked: bool) -> object:
        """Before the entry is saved: refuse (ConflictError chef_booked) or unassign the chef's bookings."""


def _nothing_booked(*, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
    return []


def _nothing_to_clear(*, entry: ChefAvailability, actor: Actor, unassign_booked: bool) -> object:
    return None


_booked_references: BookedReferences = _nothing_booked
_clearer: TimeOffClearer = _nothing_to_clear


def register_time_off_hooks(*, booked_references: BookedReferences, clearer: TimeOffClearer) -> None:
    """Called once by core at start-up."""
    global _booked_references, _clearer
    _booked_references, _clearer = booked_references, clearer


def booked_references(*, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
    return _booked_references(chef=chef, date=date, slot=slot)


def time_off_clear(*, entry: ChefAvailability, actor: Actor, unassign_booked: bool = False) -> None:
    """Call in the transaction that saves the entry, before saving it."""
    _clearer(entry=entry, actor=actor, unassign_booked=unassign_booked)
