"""Time off on a day a chef is booked (DOMAIN.md "Chefs"): refused, or, by a manager, the chef is
unassigned from those bookings in the same transaction and the unassigned-chef alert is raised.

Bookings live above ops (core), so ops cannot look at them or change them itself. core
registers the two functions below at start-up (core/apps.py); the staff panel's time-off
forms (ops/admin.py) call them. Without a registration the check finds nothing and the writer
is a plain save, which keeps ops usable on its own.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from audit.actor import Actor
from ops.models import Chef, ChefAvailability


class BookedReferences(Protocol):
    def __call__(self, *, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
        """The references of the chef's active bookings on the date (in the slot, when given)."""


class TimeOffWriter(Protocol):
    def __call__(self, *, entry: ChefAvailability, actor: Actor, unassign_booked: bool) -> ChefAvailability:
        """Save the entry; refuse (ConflictError chef_booked) or unassign when the chef is booked then."""


def _nothing_booked(*, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
    return []


def _plain_save(*, entry: ChefAvailability, actor: Actor, unassign_booked: bool) -> ChefAvailability:
    entry.save()
    return entry


_booked_references: BookedReferences = _nothing_booked
_writer: TimeOffWriter = _plain_save


def register_time_off_hooks(*, booked_references: BookedReferences, writer: TimeOffWriter) -> None:
    """Called once by core at start-up."""
    global _booked_references, _writer
    _booked_references, _writer = booked_references, writer


def booked_references(*, chef: Chef, date: datetime.date, slot: datetime.time | None) -> list[str]:
    return _booked_references(chef=chef, date=date, slot=slot)


def time_off_write(
    *, entry: ChefAvailability, actor: Actor, unassign_booked: bool = False
) -> ChefAvailability:
    return _writer(entry=entry, actor=actor, unassign_booked=unassign_booked)


__all__: list[str] = ["booked_references", "register_time_off_hooks", "time_off_write"]
