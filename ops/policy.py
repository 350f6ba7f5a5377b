"""The booking policy: the one home of the windows and numbers of docs/business-rules.md "Booking lifecycle".

Every service, selector, message and template that applies one of these numbers reads it from
`booking_rules(station)`; none writes "72 hours" itself. docs/business-rules.md makes them a business
setting per station: ops.models.BookingPolicy, edited in the admin by admins (audited), seeded
with the defaults below, cached here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache

from ops.models import BookingPolicy
from ops.slots import DEFAULT_SLOT_TIMES

if TYPE_CHECKING:
    from identity.models import Station


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

# DOMAIN.md "Chefs": a chef sees their party's address, day-of phone and protein counts from
# this many days before it (a rule of privacy, not a per-station business setting).
CHEF_DETAILS_DAYS_BEFORE = 7

# The cached rules of a station; the version in the key retires every cached copy at once
# when BookingRules changes shape.
_CACHE_KEY = "ops:booking-rules:v1:{station_id}"
# Saving a policy drops the shared cache's copy at once; the expiry only bounds how long a
# process with a local-memory cache (no REDIS_URL) may keep an old copy.
_CACHE_SECONDS = 5 * 60
# Kept on the Station object too: one request asks for the rules of the same station many
# times (every slot of a 31-day availability), and reads them from the cache once.
_INSTANCE_ATTR = "_booking_rules"


def booking_rules(station: Station | None = None) -> BookingRules:
    """The booking rules at a station (None: the defaults, for text not tied to one station).

    The station's BookingPolicy row (admin-edited), cached; a station without one has the
    defaults. The one reader of the policy: every service, message and page goes through it.
    """
    if station is None:
        return DEFAULT_BOOKING_RULES
    kept = getattr(station, _INSTANCE_ATTR, None)
    if kept is not None:
        return kept
    if type(station).booking_policy.is_cached(station):
        # Fetched with select_related("booking_policy") (a page listing stations): no query.
        policy = getattr(station, "booking_policy", None)
        rules = DEFAULT_BOOKING_RULES if policy is None else rules_of(policy)
        setattr(station, _INSTANCE_ATTR, rules)
        return rules
    key = _CACHE_KEY.format(station_id=station.pk)
    rules = cache.get(key)
    if not isinstance(rules, BookingRules):
        rules = _rules_from_database(station.pk)
        cache.set(key, rules, _CACHE_SECONDS)
    setattr(station, _INSTANCE_ATTR, rules)
    return rules


def booking_rules_forget(station_id) -> None:
    """Drop the cached rules of a station (after its policy changed; call after commit)."""
    cache.delete(_CACHE_KEY.format(station_id=station_id))


def _rules_from_database(station_id) -> BookingRules:
    policy = BookingPolicy.objects.filter(station_id=station_id).first()
    return DEFAULT_BOOKING_RULES if policy is None else rules_of(policy)


def rules_of(policy) -> BookingRules:
    """The BookingRules a BookingPolicy row states."""
    return BookingRules(
        refund_notice=datetime.timedelta(days=policy.refund_notice_days),
        change_cutoff=datetime.timedelta(hours=policy.change_cutoff_hours),
        booking_min_lead=datetime.timedelta(hours=policy.booking_min_lead_hours),
        booking_max_ahead=datetime.timedelta(days=policy.booking_max_ahead_days),
        deposit_deadline=datetime.timedelta(hours=policy.deposit_deadline_hours),
        slot_times=tuple(sorted(policy.slot_times)),
        staff_party_size=policy.staff_party_size,
    )


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
