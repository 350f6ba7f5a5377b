"""Claiming a chef for a slot, safely when many requests want the same chefs at once.

Capacity is per chef. A booking claims its chef by locking the chef's row
(`SELECT ... FOR UPDATE SKIP LOCKED`, in the preferred order) and re-checking, in a new
statement, that the chef holds no active booking in the slot; the partial unique index
`ix_core_bookings_chef_slot_unique` is the backstop. When every free chef is locked by other
transactions, the request waits for them (in primary-key order, so waiters cannot deadlock)
and looks again, instead of reporting a full slot that may not be full.

The common path (pick and lock, then re-check) is two hand-written statements: building the
same query through the ORM (`core.availability.free_chefs_queryset`, three subqueries) cost
more CPU than the rest of the claim together. They say exactly what that queryset says, and
tests/core/test_chef_claim.py holds the two to the same answers; the rare paths (a preferred
chef, waiting for locked chefs) still use the queryset.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.db import connection

from core.availability import WORKLOAD_STATUSES, free_chefs_queryset
from core.models import Booking
from identity.models import Station
from ops.models import Chef

# The first free chef of the station in the slot, by the rule of DOMAIN.md (fewest bookings
# that ISO week, then highest rating; then name and id, as free_chefs_queryset orders them),
# locked, skipping chefs another transaction holds. "Free": active, no time off that day (or
# that day and slot), no active booking in the slot (the booking being moved excepted).
# %(exclude)s is NULL when no booking is excepted ("id <> NULL" would drop every row).
_PICK_AND_LOCK = """
SELECT c.* FROM "ops"."chefs" c
WHERE c.station_id = %(station)s AND c.is_active
  AND NOT EXISTS (
    SELECT 1 FROM "ops"."chef_availability" a
    WHERE a.chef_id = c.id AND a.date = %(date)s AND NOT a.is_available
      AND (a.slot IS NULL OR a.slot = %(slot)s))
  AND NOT EXISTS (
    SELECT 1 FROM "core"."bookings" b
    WHERE b.chef_id = c.id AND b.date = %(date)s AND b.slot = %(slot)s
      AND b.status = ANY(%(active)s) AND (%(exclude)s::uuid IS NULL OR b.id <> %(exclude)s::uuid))
ORDER BY (
    SELECT count(*) FROM "core"."bookings" w
    WHERE w.chef_id = c.id AND w.date BETWEEN %(week_start)s AND %(week_end)s
      AND w.status = ANY(%(workload)s) AND (%(exclude)s::uuid IS NULL OR w.id <> %(exclude)s::uuid)
  ), c.rating DESC, c.name, c.id
LIMIT 1
FOR UPDATE OF c SKIP LOCKED
"""

# Whether the chef holds an active booking in the slot (the booking being moved excepted).
_HOLDS_SLOT = """
SELECT EXISTS (
  SELECT 1 FROM "core"."bookings" b
  WHERE b.chef_id = %(chef)s AND b.date = %(date)s AND b.slot = %(slot)s
    AND b.status = ANY(%(active)s) AND (%(exclude)s::uuid IS NULL OR b.id <> %(exclude)s::uuid))
"""

_ACTIVE = [str(status) for status in Booking.ACTIVE_STATUSES]
_WORKLOAD = [str(status) for status in WORKLOAD_STATUSES]


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
        chef = _pick_and_lock(station=station, date=date, slot=slot, exclude_booking_id=exclude_booking_id)
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


def _pick_and_lock(
    *, station: Station, date: datetime.date, slot: datetime.time, exclude_booking_id: UUID | None
) -> Chef | None:
    week_start = date - datetime.timedelta(days=date.isoweekday() - 1)
    params = {
        "station": station.pk,
        "date": date,
        "slot": slot,
        "active": _ACTIVE,
        "workload": _WORKLOAD,
        "exclude": exclude_booking_id,
        "week_start": week_start,
        "week_end": week_start + datetime.timedelta(days=6),
    }
    return next(iter(Chef.objects.raw(_PICK_AND_LOCK, params)), None)


def _chef_is_free(
    *, chef: Chef, date: datetime.date, slot: datetime.time, exclude_booking_id: UUID | None = None
) -> bool:
    params = {"chef": chef.pk, "date": date, "slot": slot, "active": _ACTIVE, "exclude": exclude_booking_id}
    with connection.cursor() as cursor:
        cursor.execute(_HOLDS_SLOT, params)
        return not cursor.fetchone()[0]
