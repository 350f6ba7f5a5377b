"""The service slots of a day, in the station's local time (docs/business-rules.md); the times are
the policy's."""

from datetime import time

# The four slots of DOMAIN.md: every station's default (ops/policy.py), and the times a
# booking may hold.
DEFAULT_SLOT_TIMES: tuple[time, ...] = (time(12, 0), time(15, 0), time(18, 0), time(21, 0))
# Every slot time a booking or a time-off row may hold (the database's choices); which of them
# a station offers is its policy's `slot_times`.
SLOTS: tuple[time, ...] = DEFAULT_SLOT_TIMES
SLOT_CHOICES = [(slot, slot.strftime("%H:%M")) for slot in SLOTS]


def slot_label(slot: time) -> str:
    return slot.strftime("%H:%M")


def parse_slot(value: str) -> time | None:
    """'18:00' -> time(18, 0); None for anything that is not one of the slots."""
    for slot in SLOTS:
        if value == slot_label(slot):
            return slot
    return None
