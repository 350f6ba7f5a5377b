"""Which chefs are free when: the availability engine (docs/business-rules.md "Time slots and availability").

A chef is free on a date and slot when active, at the station, without a time-off row for that
date (whole day or that slot), and without an active booking in that slot. The booking window
(the station's policy, ops/policy.py: in its local time) limits what can be booked.

Capacity is defined by bookings, so this module reads core.Booking: it is a read of another
app's table, never a write (core's booking service writes, and calls back in here).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import Booking
from identity.models import Station
from kernel.error_codes import BookingErrors
from kernel.errors import ServiceError
from kernel.versions import version_bump, versions_read
from ops.models import Chef, ChefAvailability
from ops.policy import BookingRules, booking_rules, duration_words
from ops.slots import slot_label

# Bookings that count towards a chef's load in a week, when choosing who gets the next one.
WORKLOAD_STATUSES = (*Booking.ACTIVE_STATUSES, Booking.Status.COMPLETED)


@dataclass(frozen=True)
class SlotAvailability:
    slot: datetime.time
    starts_at: datetime.datetime
    bookable: bool  # inside the booking window
    free_chef_ids: tuple[UUID, ...]

    @property
    def label(self) -> str:
        return slot_label(self.slot)

    @property
    def remaining(self) -> int:
        return len(self.free_chef_ids) if self.bookable else 0

    @property
    def available(self) -> bool:
        return self.remaining > 0


@dataclass(frozen=True)
class DayAvailability:
    date: datetime.date
    slots: tuple[SlotAvailability, ...]


def station_zone(station: Station) -> ZoneInfo:
    return ZoneInfo(station.timezone)


def slot_starts_at(*, station: Station, date: datetime.date, slot: datetime.time) -> datetime.datetime:
    """The aware start of a slot, in the station's local time."""
    return datetime.datetime.combine(date, slot, tzinfo=station_zone(station))


def station_today(station: Station, *, now: datetime.datetime | None = None) -> datetime.date:
    return (now or timezone.now()).astimezone(station_zone(station)).date()


def slot_check_offered(*, station: Station, slot: datetime.time) -> None:
    """Refuse a time the station's policy does not offer (ServiceError on "slot", slot_not_offered).

    Not a window that closes: a time the station does not offer is a wrong input (400 on slot).
    """
    slot_times = booking_rules(station).slot_times
    if slot not in slot_times:
        offered = ", ".join(slot_label(time) for time in slot_times)
        message = f"{station.name} offers these slots: {offered}."
        raise ServiceError(message, field="slot", code=BookingErrors.SLOT_NOT_OFFERED)


# The shared versions (kernel/versions.py) an availability answer is cached under: one per
# station, bumped by every booking change there; one for every station, bumped by chef and time
# off changes, migrate and seed. Bumped by core/apps.py's receivers, in the writing transaction
# and again after its commit, so an answer is never served stale after a commit.
STATION_BOOKINGS_VERSION = "availability:bookings:{station_id}"
ROSTER_VERSION = "availability:roster"
# Bounds how long an answer is kept: the versions retire it as soon as anything changes.
_OCCUPANCY_SECONDS = 10 * 60
_OCCUPANCY_KEY = "availability:v1:{station_id}:{start}:{end}:{slots}:{bookings}:{roster}"


def availability_changed(*, station_id=None) -> None:
    """Retire cached availability: a station's (a booking there changed) or every station's."""
    if station_id is None:
        version_bump(ROSTER_VERSION)
    else:
        version_bump(STATION_BOOKINGS_VERSION.format(station_id=station_id))


@dataclass(frozen=True)
class BookingWindow:
    """The booking window of a station at one instant, computed once per request."""

    station: Station
    slot_times: tuple[datetime.time, ...]
    earliest_start: datetime.datetime  # now + the minimum lead
    last_date: datetime.date  # the station's today + the maximum days ahead
    rules: BookingRules

    def error(self, date: datetime.date, slot: datetime.time) -> str | None:
        """Why the slot cannot be booked now (a sentence for the customer), or None when it can."""
        if slot not in self.slot_times:
            offered = ", ".join(slot_label(time) for time in self.slot_times)
            return f"{self.station.name} offers these slots: {offered}."
        if date > self.last_date:
            return f"Bookings open at most {duration_words(self.rules.booking_max_ahead)} ahead."
        if not self._starts_late_enough(date, slot):
            return f"Bookings must start at least {duration_words(self.rules.booking_min_lead)} from now."
        return None

    def state_key(self) -> str:
        """What decides which slots are bookable, as text: two windows with the same key leave
        the same slots of any range bookable (the earliest start's day, which of that day's
        slots start late enough, and the last date)."""
        day = self.earliest_start.date()
        flags = "".join("1" if self._starts_late_enough(day, slot) else "0" for slot in self.slot_times)
        return f"{day.isoformat()}.{flags}.{self.last_date.isoformat()}"

    def bookable(self, date: datetime.date, slot: datetime.time) -> bool:
        return slot in self.slot_times and date <= self.last_date and self._starts_late_enough(date, slot)

    def _starts_late_enough(self, date: datetime.date, slot: datetime.time) -> bool:
        # Whole days before or after the earliest start's local date decide without building
        # an aware datetime; only that day's slots are compared as instants.
        earliest_date = self.earliest_start.date()
        if date != earliest_date:
            return date > earliest_date
        return slot_starts_at(station=self.station, date=date, slot=slot) >= self.earliest_start


def booking_window(*, station: Station, now: datetime.datetime | None = None) -> BookingWindow:
    now = now or timezone.now()
    rules = booking_rules(station)
    return BookingWindow(
        station=station,
        slot_times=rules.slot_times,
        earliest_start=(now + rules.booking_min_lead).astimezone(station_zone(station)),
        last_date=station_today(station, now=now) + datetime.timedelta(days=rules.booking_max_ahead.days),
        rules=rules,
    )


def booking_window_error(
    *,
    station: Station,
    date: datetime.date,
    slot: datetime.time,
    now: datetime.datetime | None = None,
) -> str | None:
    """Why the slot cannot be booked now (a sentence for the customer), or None when it can.

    Raises ServiceError (field "slot", slot_not_offered) for a time the station does not offer.
    """
    slot_check_offered(station=station, slot=slot)
    return booking_window(station=station, now=now).error(date, slot)


@dataclass(frozen=True)
class Occupancy:
    """Who is free in each slot of a date range: the cacheable part of availability (no clock)."""

    start: datetime.date
    slot_times: tuple[datetime.time, ...]
    chef_ids: tuple[UUID, ...]
    free: tuple[int, ...]  # per (day, slot) in order: a bit per chef of chef_ids, set when free

    def free_chef_ids(self, day: int, slot: int) -> tuple[UUID, ...]:
        mask = self.free[day * len(self.slot_times) + slot]
        return tuple(chef_id for bit, chef_id in enumerate(self.chef_ids) if mask >> bit & 1)

    def free_count(self, day: int, slot: int) -> int:
        return self.free[day * len(self.slot_times) + slot].bit_count()


def _occupancy_from_database(
    *, station: Station, start: datetime.date, end: datetime.date, slot_times: tuple[datetime.time, ...]
) -> Occupancy:
    """Two queries: the station's active chefs, then their time off and bookings in the range."""
    chef_ids = tuple(Chef.objects.filter(station=station, is_active=True).values_list("pk", flat=True))
    bit = {chef_id: 1 << index for index, chef_id in enumerate(chef_ids)}
    off_days: dict[datetime.date, int] = defaultdict(int)
    taken: dict[tuple[datetime.date, datetime.time], int] = defaultdict(int)
    time_off = ChefAvailability.objects.filter(
        chef__station=station, chef__is_active=True, date__range=(start, end), is_available=False
    ).values_list("chef_id", "date", "slot")
    bookings = Booking.objects.filter(
        chef__station=station, date__range=(start, end), status__in=Booking.ACTIVE_STATUSES
    ).values_list("chef_id", "date", "slot")
    for chef_id, date, slot in time_off.order_by().union(bookings.order_by(), all=True):
        if chef_id not in bit:
            continue
        if slot is None:  # a whole day off
            off_days[date] |= bit[chef_id]
        else:
            taken[(date, slot)] |= bit[chef_id]
    everyone = (1 << len(chef_ids)) - 1
    free = []
    for offset in range((end - start).days + 1):
        date = start + datetime.timedelta(days=offset)
        for slot in slot_times:
            free.append(everyone & ~off_days.get(date, 0) & ~taken.get((date, slot), 0))
    return Occupancy(start=start, slot_times=slot_times, chef_ids=chef_ids, free=tuple(free))


def _occupancy_key(
    *, station: Station, start: datetime.date, end: datetime.date, slot_times: tuple[datetime.time, ...]
) -> str | None:
    """The cache key of the range's occupancy under the current versions (one round trip), or
    None when the cache cannot keep versions (then nothing cached may be trusted)."""
    bookings_version = STATION_BOOKINGS_VERSION.format(station_id=station.pk)
    tokens = versions_read([bookings_version, ROSTER_VERSION])
    if None in tokens.values():
        return None
    return _OCCUPANCY_KEY.format(
        station_id=station.pk.hex,
        start=start.isoformat(),
        end=end.isoformat(),
        slots=",".join(slot.strftime("%H%M") for slot in slot_times),
        bookings=tokens[bookings_version],
        roster=tokens[ROSTER_VERSION],
    )


def _occupancy_under(
    key: str | None,
    *,
    station: Station,
    start: datetime.date,
    end: datetime.date,
    slot_times: tuple[datetime.time, ...],
) -> Occupancy:
    occupancy = cache.get(key) if key is not None else None
    if not isinstance(occupancy, Occupancy):
        occupancy = _occupancy_from_database(station=station, start=start, end=end, slot_times=slot_times)
        if key is not None:
            cache.set(key, occupancy, _OCCUPANCY_SECONDS)
    return occupancy


def station_occupancy(
    *, station: Station, start: datetime.date, end: datetime.date, slot_times: tuple[datetime.time, ...]
) -> Occupancy:
    """The free chefs of every slot in the range, from the shared cache while nothing changed.

    One round trip for the versions and one for the answer; on a miss, two queries.
    """
    key = _occupancy_key(station=station, start=start, end=end, slot_times=slot_times)
    return _occupancy_under(key, station=station, start=start, end=end, slot_times=slot_times)


def station_availability(
    *,
    station: Station,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
) -> list[DayAvailability]:
    """Each date's slots from start to end (inclusive) with the chefs still free.

    The booking window is computed once; who is free comes from station_occupancy (cached
    under the station's bookings version: no query while nothing changed, two otherwise).
    """
    window = booking_window(station=station, now=now)
    occupancy = station_occupancy(station=station, start=start, end=end, slot_times=window.slot_times)
    days = []
    # By offset, not by adding a day to the last date: 9999-12-31 has no next day.
    for day in range((end - start).days + 1):
        date = start + datetime.timedelta(days=day)
        days.append(
            DayAvailability(
                date=date,
                slots=tuple(
                    SlotAvailability(
                        slot=slot,
                        starts_at=slot_starts_at(station=station, date=date, slot=slot),
                        bookable=window.bookable(date, slot),
                        free_chef_ids=occupancy.free_chef_ids(day, index),
                    )
                    for index, slot in enumerate(window.slot_times)
                ),
            )
        )
    return days


def availability_days(
    *, station: Station, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[dict]:
    """The availability API's days as plain data (AvailabilityDayOutputSerializer's shape).

    Kept in the shared cache beside the occupancy it is built from, under the window's state
    (which slots it leaves bookable): a repeated question costs the versions and one GET.
    """
    window = booking_window(station=station, now=now)
    key = _occupancy_key(station=station, start=start, end=end, slot_times=window.slot_times)
    days_key = f"{key}:days:{window.state_key()}" if key is not None else None
    days = cache.get(days_key) if days_key is not None else None
    if isinstance(days, list):
        return days
    occupancy = _occupancy_under(key, station=station, start=start, end=end, slot_times=window.slot_times)
    labels = [slot_label(slot) for slot in window.slot_times]
    days = []
    for day in range((end - start).days + 1):
        date = start + datetime.timedelta(days=day)
        slots = []
        for index, slot in enumerate(window.slot_times):
            remaining = occupancy.free_count(day, index) if window.bookable(date, slot) else 0
            slots.append({"slot": labels[index], "available": remaining > 0, "remaining": remaining})
        days.append({"date": date.isoformat(), "slots": slots})
    if days_key is not None:
        cache.set(days_key, days, _OCCUPANCY_SECONDS)
    return days


def free_chefs_queryset(
    *,
    station: Station,
    date: datetime.date,
    slot: datetime.time,
    exclude_booking_id: UUID | None = None,
) -> QuerySet[Chef]:
    """The chefs free in the slot, preferred first: fewest bookings that ISO week, then best rated.

    `exclude_booking_id`: a booking being moved does not block its own chef. One query.
    """
    time_off = ChefAvailability.objects.filter(chef=OuterRef("pk"), date=date, is_available=False).filter(
        Q(slot__isnull=True) | Q(slot=slot)
    )
    holding = Booking.objects.filter(
        chef=OuterRef("pk"), date=date, slot=slot, status__in=Booking.ACTIVE_STATUSES
    )
    week_start = date - datetime.timedelta(days=date.isoweekday() - 1)
    week_load = (
        Booking.objects.filter(
            chef=OuterRef("pk"),
            date__range=(week_start, week_start + datetime.timedelta(days=6)),
            status__in=WORKLOAD_STATUSES,
        )
        .order_by()
        .values("chef")
        .annotate(count=Count("pk"))
        .values("count")
    )
    if exclude_booking_id is not None:
        holding = holding.exclude(pk=exclude_booking_id)
        week_load = week_load.exclude(pk=exclude_booking_id)
    return (
        Chef.objects.filter(station=station, is_active=True)
        .filter(~Exists(time_off), ~Exists(holding))
        .annotate(week_bookings=Coalesce(Subquery(week_load, output_field=IntegerField()), Value(0)))
        .order_by("week_bookings", "-rating", "name", "pk")
    )


def free_chefs(*, station: Station, date: datetime.date, slot: datetime.time) -> list[Chef]:
    """The chefs free at the station in the slot, in the order they get the next booking."""
    return list(free_chefs_queryset(station=station, date=date, slot=slot))
