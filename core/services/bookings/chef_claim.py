"""Claiming a chef for a slot, safely when many requests want the same chefs at once.

Capacity is per chef. A booking claims its chef by locking the chef's row
(`SELECT ... FOR UPDATE SKIP LOCKED`, in the preferred order) and re-checking, in a new
statement, that the chef holds no active booking in the slot; the partial unique index
`ix_core_bookings_chef_slot_unique` is the backstop. When every free chef is locked by other
transactions, the request waits for them (in primary-key order, so waiters cannot deadlock)
and looks again, instead of reporting a full slot that may not be full.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from core.availability import free_chefs_queryset
from core.models import Booking
from identity.models import Station
from ops.models import Chef


def _claim_free_chef(
    *,
    station: Station,
    date: datetime.date,
    slot: datetime.time,
    exclude_booking_id: UUID | None = None,
    prefer_chef_id: UUID | None = None,
) -> Chef | None:
    """A chef free in the slot, locked by this transaction until it commits; None when none is."""

    def candidates():
        return free_chefs_queryset(
            station=station, date=date, slot=slot, exclude_booking_id=exclude_booking_id
        )

    if prefer_chef_id is not None:
        preferred = Chef.objects.select_for_update().filter(pk=prefer_chef_id, station=station).first()
        # A new statement after the lock: it sees every booking committed while we waited.
        if preferred is not None and candidates().filter(pk=preferred.pk).exists():
            return preferred

    for _attempt in range(10):
        chef = candidates().select_for_update(skip_locked=True).first()
        if chef is None:
            break
        # The statement above judged "free" on a snapshot taken before it locked the row; a
        # booking committed in between is only visible to a new statement.
        if _chef_is_free(chef=chef, date=date, slot=slot, exclude_booking_id=exclude_booking_id):
            return chef

    # Every free-looking chef is locked by another transaction (booking this slot, or another
    # slot of theirs). Wait for them, in a fixed order, then look again.
    locked_ids = set(candidates().select_for_update().order_by("pk").values_list("pk", flat=True))
    if not locked_ids:
        return None
    for chef in candidates():
        if chef.pk in locked_ids:
            return chef
    return None


def _chef_is_free(
    *, chef: Chef, date: datetime.date, slot: datetime.time, exclude_booking_id: UUID | None = None
) -> bool:
    holding = Booking.objects.filter(chef=chef, date=date, slot=slot, status__in=Booking.ACTIVE_STATUSES)
    if exclude_booking_id is not None:
        holding = holding.exclude(pk=exclude_booking_id)
    return not holding.exists()
