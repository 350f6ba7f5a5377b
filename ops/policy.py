"""The booking policy: the one home of the windows and numbers of docs/business-rules.md "Booking lifecycle".

Every service, selector, message and template that applies one of these numbers reads it from
`booking_rules(station)`; none writes "72 hours" itself. docs/business-rules.md makes them a business setting
per station (edited in the admin, audited); until that model exists every station gets the
defaults below, and only this function changes when it does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from identity.models import Station

DEFAULT_SLOT_TIMES: tuple[datetime.time, ...] = (
    datetime.time(12, 0),
    datetime.time(15, 0),
    datetime.time(18, 0),
    datetime.time(21, 0),
)


@dataclass(frozen=True)
class BookingRules:
    """The windows a station's bookings live by (defaults: docs/business-rules.md)."""

    # A customer cancelling at least this long before the event gets the deposit back;
    # inside it, their cancel becomes a request staff decide on.
    refund_notice: datetime.timedelta = datetime.timedelta(days=4)
    # Customers reschedule and change the party or menu up to this long before the event.
    change_cutoff: datetime.timedelta = datetime.timedelta(hours=72)
    # Bookings open from this long ahead of the slot...
    booking_min_lead: datetime.timedelta = datetime.timedelta(hours=48)
    # ... up to this far ahead (counted in days of the station's calendar).
    booking_max_ahead: datetime.timedelta = datetime.timedelta(days=365)
    # An unpaid booking is cancelled this long after it was made.
    deposit_deadline: datetime.timedelta = datetime.timedelta(hours=24)
    # The slots of a day, in the station's local time.
    slot_times: tuple[datetime.time, ...] = DEFAULT_SLOT_TIMES
    # A party of this many guests or more is handed to staff rather than booked online.
    staff_party_size: int = 30

    def as_context(self) -> dict[str, str | int]:
        """The rules in words, for templates and messages ("72 hours", "4 days")."""
        return {
            "refund_notice": duration_words(self.refund_notice),
            "change_cutoff": duration_words(self.change_cutoff),
            "booking_min_lead": duration_words(self.booking_min_lead),
            "booking_max_ahead": duration_words(self.booking_max_ahead),
            "deposit_deadline": duration_words(self.deposit_deadline),
            "staff_party_size": self.staff_party_size,
        }


DEFAULT_BOOKING_RULES = BookingRules()


def booking_rules(station: Station | None = None) -> BookingRules:
    """The booking rules at a station (None: the defaults, for text not tied to one station)."""
    return DEFAULT_BOOKING_RULES


def duration_words(value: datetime.timedelta) -> str:
    """4 days -> '4 days', 72 h -> '72 hours', 1 day -> '1 day': whole days only above 3 days.

    Above 72 hours a whole number of days reads better; up to 72 hours people think in hours
    ("72 hours before", "within 24 hours").
    """
    hours = int(value.total_seconds() // 3600)
    if hours > 72 and hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'' if days == 1 else 's'}"
    if hours and value.total_seconds() % 3600 == 0:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
