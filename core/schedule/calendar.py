"""The week (or month) at a glance: days across, a station's chefs down, and an "unassigned" row.

A selector: four queries whatever the number of bookings in view (the stations to choose
from, the chefs, their time off, the bookings), the rest is Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet

from core.availability import station_today
from core.models import Booking
from identity import scoping
from identity.models import Station
from ops.models import Chef, ChefAvailability
from ops.policy import booking_rules
from ops.slots import slot_label

WEEK = "week"
MONTH = "month"
PERIODS = (WEEK, MONTH)

# One colour per status, so a glance tells what needs doing (pending deposits stand out).
STATUS_COLOURS: dict[str, str] = {
    Booking.Status.DEPOSIT_PENDING: "#f0ad4e",
    Booking.Status.CONFIRMED: "#5cb85c",
    Booking.Status.CANCELLATION_REQUESTED: "#d9534f",
    Booking.Status.CANCELLED: "#999999",
    Booking.Status.COMPLETED: "#337ab7",
    Booking.Status.NO_SHOW: "#6f42c1",
}


@dataclass(frozen=True)
class Block:
    """One booking as the calendar draws it."""

    booking_id: UUID
    reference: str
    slot: datetime.time
    guests: int
    status: str
    status_label: str

    @property
    def time(self) -> str:
        return slot_label(self.slot)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "#999999")


@dataclass(frozen=True)
class Cell:
    date: datetime.date
    blocks: tuple[Block, ...]
    time_off: str | None  # "all day", "18:00", ... or None when working
    is_today: bool


@dataclass(frozen=True)
class Row:
    label: str
    chef_id: UUID | None  # None: the unassigned row
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Calendar:
    station: Station | None  # None: the user has no station to show
    stations: tuple[Station, ...]
    period: str
    start: datetime.date
    end: datetime.date
    days: tuple[datetime.date, ...]
    today: datetime.date
    rows: tuple[Row, ...]
    previous_start: datetime.date
    next_start: datetime.date
    chef_only: bool
    slot_times: tuple[str, ...] = ()  # the station's slots now (its policy); bookings keep theirs


def period_bounds(period: str, anchor: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the week (Monday to Sunday) or month holding `anchor`."""
    if period == MONTH:
        start = anchor.replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return start, following - datetime.timedelta(days=1)
    start = anchor - datetime.timedelta(days=anchor.weekday())
    return start, start + datetime.timedelta(days=6)


def _neighbours(period: str, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    if period == MONTH:
        previous = (start - datetime.timedelta(days=1)).replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return previous, following
    return start - datetime.timedelta(days=7), start + datetime.timedelta(days=7)


def calendar_stations(user) -> QuerySet[Station]:
    """The active stations whose calendar the user may open (where they hold booking.read)."""
    stations = scoping.scope_queryset_for_permission(
        user, Station.objects.filter(is_active=True), "pk", "booking.read"
    )
    if stations is None:
        return Station.objects.none()
    return stations.select_related("booking_policy").order_by("name")


def calendar_for(
    user,
    *,
    station_id: UUID | str | None = None,
    period: str = WEEK,
    anchor: datetime.date | None = None,
) -> Calendar:
    """The calendar of one of the user's stations (a chef: their own row only)."""
    period = period if period in PERIODS else WEEK
    access = scoping.access_for(user)
    chef_only = access.chef_only
    if chef_only:
        # A chef's calendar is their own station's, showing only their own row.
        stations = tuple(
            Station.objects.filter(chefs__user=user).select_related("booking_policy").order_by("name")
        )
    else:
        stations = tuple(calendar_stations(user))
    station = next((s for s in stations if str(s.pk) == str(station_id)), stations[0] if stations else None)
    today = station_today(station) if station is not None else datetime.date.today()
    start, end = period_bounds(period, anchor or today)
    previous_start, next_start = _neighbours(period, start)
    days = tuple(start + datetime.timedelta(days=offset) for offset in range((end - start).days + 1))
    if station is None:
        return Calendar(
            None, stations, period, start, end, days, today, (), previous_start, next_start, chef_only
        )

    bookings = scoping.scope_queryset(user, Booking.objects.filter(station=station), "station")
    booking_rows = list(
        bookings.filter(date__range=(start, end))
        .exclude(status=Booking.Status.CANCELLED)
        .order_by("date", "slot", "reference")
        .values(
            "pk",
            "reference",
            "chef_id",
            "date",
            "slot",
            "status",
            "party_adults",
            "party_kids",
            "party_toddlers",
        )
    )
    booked_chef_ids = {row["chef_id"] for row in booking_rows if row["chef_id"] is not None}
    # Active chefs, and any other chef still holding a booking in view (made inactive since).
    chefs = scoping.scope_queryset(user, Chef.objects.filter(station=station), "station")
    chefs = tuple(
        chefs.filter(Q(is_active=True) | Q(pk__in=booked_chef_ids)).only("pk", "name").order_by("name", "pk")
    )
    chef_ids = {chef.pk for chef in chefs}

    time_off: dict[tuple[UUID, datetime.date], list[str]] = defaultdict(list)
    for chef_id, date, slot in ChefAvailability.objects.filter(
        chef_id__in=chef_ids, date__range=(start, end), is_available=False
    ).values_list("chef_id", "date", "slot"):
        time_off[(chef_id, date)].append("all day" if slot is None else slot_label(slot))

    blocks: dict[tuple[UUID | None, datetime.date], list[Block]] = defaultdict(list)
    for row in booking_rows:
        chef_id = row["chef_id"] if row["chef_id"] in chef_ids else None
        if chef_only and chef_id is None:
            continue
        blocks[(chef_id, row["date"])].append(
            Block(
                booking_id=row["pk"],
                reference=row["reference"],
                slot=row["slot"],
                guests=row["party_adults"] + row["party_kids"] + row["party_toddlers"],
                status=row["status"],
                status_label=Booking.Status(row["status"]).label,
            )
        )

    def cells(chef_id: UUID | None) -> tuple[Cell, ...]:
        return tuple(
            Cell(
                date=day,
                blocks=tuple(blocks.get((chef_id, day), ())),
                time_off=", ".join(sorted(time_off[(chef_id, day)])) if (chef_id, day) in time_off else None,
                is_today=day == today,
            )
            for day in days
        )

    rows = [Row(label=chef.name, chef_id=chef.pk, cells=cells(chef.pk)) for chef in chefs]
    if not chef_only:
        rows.append(Row(label="Unassigned", chef_id=None, cells=cells(None)))
    slot_times = tuple(slot_label(slot) for slot in booking_rules(station).slot_times)
    return Calendar(
        station,
        stations,
        period,
        start,
        end,
        days,
        today,
        tuple(rows),
        previous_start,
        next_start,
        chef_only,
        slot_times,
    )
