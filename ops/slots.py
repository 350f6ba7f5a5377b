"""The four service slots of a day, in the station's local time (DOMAIN.md)."""

from datetime import time

SLOTS: tuple[time, ...] = (time(12, 0), time(15, 0), time(18, 0), time(21, 0))
SLOT_CHOICES = [(slot, slot.strftime("%H:%M")) for slot in SLOTS]


def slot_label(slot: time) -> str:
    return slot.strftime("%H:%M")


def parse_slot(value: str) -> time | None:
    """'18:00' -> time(18, 0); None for anything that is not one of the four slots."""
    for slot in SLOTS:
        if value == slot_label(slot):
            return slot
    return None
