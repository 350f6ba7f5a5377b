"""Calendar feeds (ICS, RFC 5545): signed private URLs, revocable, drawn fresh on every fetch.

The feed is computed from the bookings when the calendar app fetches it, so a reschedule, a
reassignment or a cancellation shows at the next refresh: a moved party keeps its UID and gets
a higher SEQUENCE, a cancelled one is sent as STATUS:CANCELLED, a party given to another
chef leaves the first chef's feed. No money is ever in a feed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

from core.availability import slot_starts_at
from core.models import Booking, CalendarFeed
from core.schedule.run_sheet import ARRIVAL_BEFORE, chef_sees_details, day_of_contact
from identity import scoping

_SALT = "core.calendar-feed"
# How long a party lasts in the calendar (setting up, cooking, the show, packing up).
EVENT_DURATION = datetime.timedelta(hours=2, minutes=30)
# How far back a feed reaches: last month's parties stay visible, older ones drop off.
PAST_DAYS = 31
PRODID = "-//My Hibachi//Staff calendar//EN"


# --- Tokens -----------------------------------------------------------------------------------


def feed_token(feed: CalendarFeed) -> str:
    return signing.Signer(salt=_SALT).sign(f"{feed.pk}.{feed.nonce}")


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed a URL token stands for; None for a forged, revoked or replaced one."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    feed_id, _, nonce = value.partition(".")
    feed = (
        CalendarFeed.objects.select_related("owner", "chef", "station")
        .filter(pk=feed_id, nonce=nonce, revoked_at__isnull=True)
        .first()
    )
    if feed is None or not _still_allowed(feed):
        return None
    return feed


def _still_allowed(feed: CalendarFeed) -> bool:
    """A feed lives only as long as its owner may see what it shows (roles change)."""
    if not feed.owner.is_active:
        return False
    if feed.chef_id is not None:
        return feed.chef.is_active and feed.chef.user_id == feed.owner_id
    return (
        scoping.user_has_permission(feed.owner, "booking.read", feed.station_id)
        and not scoping.access_for(feed.owner).chef_only
    )


# --- The feed ---------------------------------------------------------------------------------


def feed_bookings(feed: CalendarFeed, *, now: datetime.datetime | None = None) -> QuerySet[Booking]:
    since = timezone.localdate(now or timezone.now()) - datetime.timedelta(days=PAST_DAYS)
    bookings = Booking.objects.filter(date__gte=since).select_related("customer", "station", "chef")
    if feed.chef_id is not None:
        return bookings.filter(chef_id=feed.chef_id).order_by("date", "slot")
    return bookings.filter(station_id=feed.station_id).order_by("date", "slot")


def feed_render(feed: CalendarFeed, *, now: datetime.datetime | None = None) -> str:
    """The ICS text of a feed, as of now (one query)."""
    now = now or timezone.now()
    if feed.chef_id is not None:
        name = f"My Hibachi · {feed.chef.name}"
        shows_address = None  # a chef: by the 7-day rule, party by party
    else:
        name = f"My Hibachi · {feed.station.name}"
        shows_address = scoping.user_has_permission(feed.owner, "booking.view_address", feed.station_id)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for booking in feed_bookings(feed, now=now):
        details = chef_sees_details(booking, now=now) if shows_address is None else shows_address
        lines.extend(_event(booking, details=details, for_station=feed.station_id is not None, now=now))
    lines.append("END:VCALENDAR")
    return "".join(f"{_fold(line)}\r\n" for line in lines)


def _event(booking: Booking, *, details: bool, for_station: bool, now: datetime.datetime) -> Iterable[str]:
    starts = slot_starts_at(station=booking.station, date=booking.date, slot=booking.slot)
    summary = f"Hibachi {booking.reference} · {booking.guest_count} guests"
    if for_station:
        summary += f" · {booking.chef.name if booking.chef else 'NO CHEF'}"
    description = [
        f"Arrive by {(starts - ARRIVAL_BEFORE).astimezone(starts.tzinfo):%H:%M}",
        f"Guests: {booking.party_adults} adults, {booking.party_kids} kids,"
        f" {booking.party_toddlers} toddlers",
        f"Status: {booking.get_status_display()}",
    ]
    if details:
        name, phone = day_of_contact(booking)
        description.append(f"Contact: {name} {phone or '—'}")
    if booking.special_requests:
        description.append(f"Requests: {booking.special_requests}")
    cancelled = booking.status == Booking.Status.CANCELLED
    yield "BEGIN:VEVENT"
    yield f"UID:{booking.pk}@myhibachi"
    yield f"DTSTAMP:{_utc(now)}"
    yield f"LAST-MODIFIED:{_utc(booking.updated_at)}"
    # Rises with every change, so that calendar apps replace what they kept.
    yield f"SEQUENCE:{int(booking.updated_at.timestamp())}"
    yield f"DTSTART:{_utc(starts)}"
    yield f"DTEND:{_utc(starts + EVENT_DURATION)}"
    yield f"SUMMARY:{_escape(summary)}"
    yield f"DESCRIPTION:{_escape(chr(10).join(description))}"
    if details:
        yield f"LOCATION:{_escape(booking.address)}"
    yield f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}"
    yield "END:VEVENT"


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)
