"""What a chef needs for a day's parties, and when a chef may see a party's details.

DOMAIN.md "Chefs": a chef sees, for their own parties from 7 days before, the address, the
day-of contact's phone and the protein counts; never money, never other customers. The run
sheet is the printable page of one chef's day: no money on it, whoever prints it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core.availability import slot_starts_at, station_today
from core.models import Booking
from identity import scoping
from ops.models import Chef
from ops.policy import CHEF_DETAILS_DAYS_BEFORE
from ops.slots import slot_label

# When the chef should be at the door: setting up the grill takes about this long.
ARRIVAL_BEFORE = datetime.timedelta(minutes=45)


def chef_sees_details(booking: Booking, *, now: datetime.datetime | None = None) -> bool:
    """Whether the chef of the booking may see its address and day-of phone now (7 days before)."""
    days_to_go = (booking.date - station_today(booking.station, now=now or timezone.now())).days
    return days_to_go <= CHEF_DETAILS_DAYS_BEFORE


@dataclass(frozen=True)
class Party:
    reference: str
    slot: str
    arrival: str
    status: str
    address: str | None  # None: not shown to this reader (yet)
    contact_name: str
    contact_phone: str | None
    adults: int
    kids: int
    toddlers: int
    protein_counts: tuple[tuple[str, int], ...] | None  # None: not given (yet)
    bring: tuple[tuple[str, int], ...]  # upgrades and add-ons: (label, servings)
    special_requests: str

    @property
    def guests(self) -> int:
        return self.adults + self.kids + self.toddlers


@dataclass(frozen=True)
class RunSheet:
    chef: Chef
    date: datetime.date
    parties: tuple[Party, ...]


def day_of_contact(booking: Booking) -> tuple[str, str]:
    """The name and phone of the booking's day-of contact (the customer's where none was given)."""
    customer = booking.customer
    name = f"{booking.contact_first_name} {booking.contact_last_name}".strip() or customer.full_name
    return name, booking.contact_phone or customer.phone


def run_sheet_chefs(user):
    """The chefs whose run sheets the user may open: a chef their own, staff their stations'."""
    return scoping.scope_queryset(user, Chef.objects.select_related("station"), "station").order_by("name")


def protein_counts(booking: Booking) -> tuple[tuple[str, int], ...] | None:
    # The customer's protein choices are recorded by the customer website's manage page
    # (another branch); until a booking has them, the sheet says "not given yet".
    counts = getattr(booking, "protein_counts", None)
    if not counts:
        return None
    return tuple(
        (str(name).replace("_", " ").capitalize(), int(count)) for name, count in dict(counts).items()
    )


def run_sheet_for(user, *, chef: Chef, date: datetime.date, now: datetime.datetime | None = None) -> RunSheet:
    """One chef's parties on one day, as the user may see them (one query)."""
    now = now or timezone.now()
    bookings = scoping.scope_queryset(user, Booking.objects.filter(chef=chef, date=date), "station")
    bookings = bookings.filter(
        status__in=(*Booking.ACTIVE_STATUSES, Booking.Status.COMPLETED)
    ).select_related("customer", "station")
    is_own = chef.user_id is not None and chef.user_id == user.pk
    parties = []
    for booking in bookings.order_by("slot", "reference"):
        if is_own or scoping.access_for(user).chef_only:
            details = chef_sees_details(booking, now=now)
        else:
            details = scoping.user_has_permission(user, "booking.view_address", booking.station_id)
        starts = slot_starts_at(station=booking.station, date=booking.date, slot=booking.slot)
        codes = {item.get("code") for item in booking.items}
        bring = tuple(
            (line["label"], line["quantity"])
            for line in (booking.quote or {}).get("lines", [])
            if line.get("code") in codes
        )
        contact_name, contact_phone = day_of_contact(booking)
        parties.append(
            Party(
                reference=booking.reference,
                slot=slot_label(booking.slot),
                arrival=(starts - ARRIVAL_BEFORE).strftime("%H:%M"),
                status=booking.get_status_display(),
                address=booking.address if details else None,
                contact_name=contact_name,
                contact_phone=(contact_phone or "—") if details else None,
                adults=booking.party_adults,
                kids=booking.party_kids,
                toddlers=booking.party_toddlers,
                protein_counts=protein_counts(booking) if details else None,
                bring=bring,
                special_requests=booking.special_requests,
            )
        )
    return RunSheet(chef=chef, date=date, parties=tuple(parties))
