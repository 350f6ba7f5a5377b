"""The staff panel's CSV export of bookings: scoped per station, addresses only where allowed, audited."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from audit.services import audit_log_write
from core.models import Booking
from identity.staff_panel.actions import staff_may
from identity.staff_panel.audit_trail import admin_actor
from kernel.spreadsheet import safe_cell
from ops.slots import slot_label

# The CSV's columns; the address only for users who may see it at the booking's station.
CSV_COLUMNS = (
    "reference",
    "status",
    "date",
    "slot",
    "station",
    "customer",
    "email",
    "phone",
    "adults",
    "kids",
    "toddlers",
    "chef",
    "total_due",
    "deposit_due",
    "source",
    "zip_code",
    "address",
)


def _dollars(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def bookings_csv_response(request: HttpRequest, queryset) -> HttpResponse:
    """The bookings as CSV: only those at stations where the user may export, addresses only
    where they may see them (never decrypted otherwise). The export is audited."""
    queryset = queryset.select_related("customer", "station", "chef").order_by("date", "slot", "reference")
    if not staff_may(request, "booking.view_address"):
        queryset = queryset.defer("address")
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(CSV_COLUMNS)
    exported = []
    for booking in queryset:
        if not staff_may(request, "booking.export", station_id=booking.station_id):
            continue
        shows_address = staff_may(request, "booking.view_address", station_id=booking.station_id)
        exported.append(booking.reference)
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    booking.reference,
                    booking.status,
                    booking.date.isoformat(),
                    slot_label(booking.slot),
                    booking.station.code,
                    booking.customer.full_name,
                    booking.customer.email,
                    booking.customer.phone,
                    booking.party_adults,
                    booking.party_kids,
                    booking.party_toddlers,
                    booking.chef.name if booking.chef else "",
                    _dollars(booking.total_due_cents),
                    _dollars(booking.deposit_due_cents),
                    booking.source,
                    booking.zone,
                    booking.address if shows_address else "hidden",
                )
            ]
        )
    audit_log_write(
        actor=admin_actor(request),
        action="booking.export",
        resource_type=Booking._meta.label_lower,
        after={"count": len(exported), "references": exported},
        reason="CSV export from the staff panel",
    )
    response = HttpResponse(content.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"bookings-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
