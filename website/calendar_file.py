"""The booking as an iCalendar file (RFC 5545), for "Add to calendar" on the manage page.

A few lines of text, so no library: one VEVENT whose UID stays the booking's and whose SEQUENCE
grows with every change, so calendar apps replace the event after a reschedule.
"""

from __future__ import annotations

import datetime

from core.models import Booking

EVENT_LENGTH = datetime.timedelta(hours=2)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _folded(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, start = [], 0
    while start < len(encoded):
        end = min(start + (75 if not parts else 74), len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # never split a character
            end -= 1
        parts.append(encoded[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def booking_ics(*, booking: Booking, starts_at: datetime.datetime, manage_url: str, summary: str) -> str:
    cancelled = booking.status == Booking.Status.CANCELLED
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//My Hibachi//Customer website//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@myhibachi",
        f"SEQUENCE:{int(booking.updated_at.timestamp())}",
        f"DTSTAMP:{_utc(booking.updated_at)}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(starts_at + EVENT_LENGTH)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(booking.address)}",
        f"DESCRIPTION:{_escape(manage_url)}",
        f"URL:{manage_url}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_folded(line) for line in lines) + "\r\n"
