"""The service slots of a day, in the station's local time (docs/business-rules.md).

Which times a station offers is a business setting: its booking policy's `slot_times`
(ops.models.BookingPolicy, read through ops.policy.booking_rules). This module parses and
prints a slot, and holds the rules a station's list of times must follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time
from itertools import pairwise

from django.core.exceptions import ValidationError

# The four slots of DOMAIN.md: the default of every station (ops/policy.py, the seed).
DEFAULT_SLOT_TIMES: tuple[time, ...] = (time(12, 0), time(15, 0), time(18, 0), time(21, 0))

# The rules of a station's slot times. A party takes about two hours at the table, and the
# chef needs the rest to pack up and drive to the next one: slots closer than this would give
# one chef two parties they cannot both reach.
MIN_SLOT_GAP_MINUTES = 150  # 2 h 30 min
# Customers are told "12:00" or "17:30", never "17:07": times sit on a quarter hour.
SLOT_STEP_MINUTES = 15
# A sensible service day: no party starts before breakfast is over or after 10 pm.
EARLIEST_SLOT = time(9, 0)
LATEST_SLOT = time(22, 0)

_HH_MM = re.compile(r"(\d{1,2}):(\d{2})")


def slot_label(slot: time) -> str:
    return slot.strftime("%H:%M")


def parse_slot(value: str) -> time | None:
    """'18:00' (or '9:30') -> the time; None for anything that is not a time of day as HH:MM.

    Any time of day parses: whether a station offers it is its policy's to say.
    """
    match = _HH_MM.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _minutes(slot: time) -> int:
    return slot.hour * 60 + slot.minute


def validate_slot_times(times: Iterable[time]) -> None:
    """Refuse a station's list of slot times that breaks a rule above (ValidationError, every reason)."""
    times = list(times)
    problems: list[str] = []
    if not times:
        problems.append("Offer at least one slot.")
    duplicates = sorted({slot for slot in times if times.count(slot) > 1})
    if duplicates:
        problems.append(
            "Each time once: " + ", ".join(slot_label(slot) for slot in duplicates) + " is repeated."
        )
    off_step = [
        slot for slot in times if slot.second or slot.microsecond or _minutes(slot) % SLOT_STEP_MINUTES
    ]
    if off_step:
        problems.append(
            "Times are on a quarter hour (:00, :15, :30, :45): "
            + ", ".join(slot_label(slot) for slot in off_step)
            + "."
        )
    outside = [slot for slot in times if not EARLIEST_SLOT <= slot <= LATEST_SLOT]
    if outside:
        problems.append(
            f"Slots start between {slot_label(EARLIEST_SLOT)} and {slot_label(LATEST_SLOT)}: "
            + ", ".join(slot_label(slot) for slot in outside)
            + "."
        )
    ordered = sorted(set(times))
    close = [
        (first, second)
        for first, second in pairwise(ordered)
        if _minutes(second) - _minutes(first) < MIN_SLOT_GAP_MINUTES
    ]
    if close:
        hours, minutes = divmod(MIN_SLOT_GAP_MINUTES, 60)
        problems.append(
            f"Slots are at least {hours} h {minutes:02d} min apart (a party and the chef's travel): "
            + ", ".join(f"{slot_label(a)} and {slot_label(b)}" for a, b in close)
            + "."
        )
    if problems:
        raise ValidationError(problems)


def parse_slot_times(text: str) -> list[time]:
    """'11:30, 14:30, 17:30' -> the sorted times, validated (ValidationError naming what is wrong)."""
    parts = [part.strip() for part in re.split(r"[,\s;]+", text or "") if part.strip()]
    unreadable = [part for part in parts if parse_slot(part) is None]
    if unreadable:
        raise ValidationError(
            "Enter times as HH:MM separated by commas, e.g. 12:00, 15:00, 18:00 (not "
            + ", ".join(repr(part) for part in unreadable)
            + ")."
        )
    times = [parse_slot(part) for part in parts]
    validate_slot_times(times)
    return sorted(times)
