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

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import Booking
from identity.models import Station
from kernel.error_codes import BookingErrors
from kernel.errors import ServiceError
from ops.models import Chef, ChefAvailability
from ops.policy import booking_rules, duration_words
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
    now = now or timezone.now()
    rules = booking_rules(station)
    slot_check_offered(station=station, slot=slot)
    if date > station_today(station, now=now) + datetime.timedelta(days=rules.booking_max_ahead.days):
        return f"Bookings open at most {duration_words(rules.booking_max_ahead)} ahead."
    if slot_starts_at(station=station, date=date, slot=slot) < now + rules.booking_min_lead:
        return f"Bookings must start at least {duration_words(rules.booking_min_lead)} from now."
    return None


def station_availability(
    *,
    station: Station,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
) -> list[DayAvailability]:
    """Each date's four slots from start to end (inclusive) with the chefs still free.

    Three queries whatever the number of days, chefs, time-off rows and bookings: the chefs,
    their time off in the range, and the active bookings in the range; the rest is Python.
    """
    now = now or timezone.now()
    slot_times = booking_rules(station).slot_times
    chef_ids = list(Chef.objects.filter(station=station, is_active=True).values_list("pk", flat=True))

    off_days: set[tuple[UUID, datetime.date]] = set()
    off_slots: set[tuple[UUID, datetime.date, datetime.time]] = set()
    for chef_id, date, slot in ChefAvailability.objects.filter(
        chef__station=station,
        chef__is_active=True,
        date__range=(start, end),
        is_available=False,
    ).values_list("chef_id", "date", "slot"):
        if slot is None:
            off_days.add((chef_id, date))
        else:
            off_slots.add((chef_id, date, slot))

    busy: dict[tuple[datetime.date, datetime.time], set[UUID]] = defaultdict(set)
    for chef_id, date, slot in Booking.objects.filter(
        chef__station=station,
        date__range=(start, end),
        status__in=Booking.ACTIVE_STATUSES,
    ).values_list("chef_id", "date", "slot"):
        busy[(date, slot)].add(chef_id)

    days = []
    # By offset, not by adding a day to the last date: 9999-12-31 has no next day.
    for offset in range((end - start).days + 1):
        date = start + datetime.timedelta(days=offset)
        slots = []
        for slot in slot_times:
            free = tuple(
                chef_id
                for chef_id in chef_ids
                if (chef_id, date) not in off_days
                and (chef_id, date, slot) not in off_slots
                and chef_id not in busy[(date, slot)]
            )
            slots.append(
                SlotAvailability(
                    slot=slot,
                    starts_at=slot_starts_at(station=station, date=date, slot=slot),
                    bookable=booking_window_error(station=station, date=date, slot=slot, now=now) is None,
                    free_chef_ids=free,
                )
            )
        days.append(DayAvailability(date=date, slots=tuple(slots)))
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
