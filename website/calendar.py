"""The availability calendar as the pages draw it: one month, in weeks, from the availability engine.

Which slots can be booked is core.availability's answer (window, chefs free); this module only
lays a month of it out and says which months can be paged to.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from core.availability import station_availability, station_today, station_zone
from identity.models import Station
from ops.policy import booking_rules
from website.forms import when_value


@dataclass(frozen=True)
class SlotCell:
    value: str  # the radio's value: "2027-01-05T18:00"
    time: datetime.time
    available: bool
    taken: bool  # the one a customer just lost to someone else


@dataclass(frozen=True)
class DayCell:
    date: datetime.date
    slots: tuple[SlotCell, ...]
    in_month: bool

    @property
    def available(self) -> bool:
        return any(slot.available for slot in self.slots)

    @property
    def has_taken(self) -> bool:
        return any(slot.taken for slot in self.slots)


@dataclass(frozen=True)
class MonthCalendar:
    month: datetime.date  # the first of the month
    weeks: list[list[DayCell | None]]
    previous_month: datetime.date | None
    next_month: datetime.date | None
    zone_name: str

    @property
    def has_availability(self) -> bool:
        return any(day and day.available for week in self.weeks for day in week)


def _add_months(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_calendar(
    *,
    station: Station,
    month: datetime.date,
    taken: str = "",
    now: datetime.datetime | None = None,
) -> MonthCalendar:
    """The month's days (Monday first) with their slots; months outside the booking window clamp to it."""
    today = station_today(station, now=now)
    first_month = today.replace(day=1)
    last_month = (today + datetime.timedelta(days=booking_rules(station).booking_max_ahead.days)).replace(
        day=1
    )
    month = min(max(month.replace(day=1), first_month), last_month)
    last_day = _add_months(month, 1) - datetime.timedelta(days=1)
    start = max(month, today)
    days = {
        day.date: day for day in station_availability(station=station, start=start, end=last_day, now=now)
    }
    weeks: list[list[DayCell | None]] = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row: list[DayCell | None] = []
        for date in week:
            if date.month != month.month:
                row.append(None)
                continue
            availability = days.get(date)
            slots = tuple(
                SlotCell(
                    value=when_value(date, slot.slot),
                    time=slot.slot,
                    available=slot.available,
                    taken=when_value(date, slot.slot) == taken,
                )
                for slot in (availability.slots if availability else ())
            )
            row.append(DayCell(date=date, slots=slots, in_month=True))
        weeks.append(row)
    zone_name = datetime.datetime.combine(month, datetime.time(12), tzinfo=station_zone(station)).tzname()
    return MonthCalendar(
        month=month,
        weeks=weeks,
        previous_month=_add_months(month, -1) if month > first_month else None,
        next_month=_add_months(month, 1) if month < last_month else None,
        zone_name=zone_name or station.timezone,
    )
