"""The bookings list as staff read it on a 1400-pixel screen: upcoming parties first, every
status whole, a chef filter, and a search that finds a partial reference or a chef's name."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, DateField, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.html import format_html

from core.models import Booking


class BookingListMixin:
    """Mixed into BookingAdmin (core/admin.py) before StationScopedAdmin."""

    list_display = (
        "reference",
        "date",
        "slot_display",
        "customer_name",
        "station_name",
        "chef",
        "status_badge",
        "guest_total",
        "total_due",
        "flagged",
    )
    list_filter = ("status", "station", "chef", "source", "flagged_for_staff", "payment_hold", "slot")
    # A reference is found from any part of it ("DEMO2", "mh-demo21"); a chef by name.
    search_fields = (
        "reference",
        "customer__email",
        "customer__first_name",
        "customer__last_name",
        "customer__phone",
        "chef__name",
        "zone",
    )

    class Media:
        css = {"all": ("core/admin/bookings.css",)}

    def get_ordering(self, request):
        # Upcoming first, soonest first; then the past, most recent first. A column header
        # clicked by staff orders by that column instead. Expressions, not annotations: Django
        # also orders other admins' booking choices (foreign keys, filters) with this.
        today = timezone.localdate()
        is_past = Case(When(date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
        upcoming_date = Case(When(date__gte=today, then=F("date")), default=None, output_field=DateField())
        return (is_past.asc(), upcoming_date.asc(nulls_last=True), F("date").desc(), "slot")

    @admin.display(description="Station", ordering="station__name")
    def station_name(self, obj: Booking) -> str:
        return obj.station.name

    @admin.display(description="Flag", boolean=True, ordering="flagged_for_staff")
    def flagged(self, obj: Booking) -> bool:
        return obj.flagged_for_staff

    @admin.display(description="Guests")
    def guest_total(self, obj: Booking) -> str:
        breakdown = f"{obj.party_adults} adults, {obj.party_kids} kids, {obj.party_toddlers} toddlers"
        return format_html('<span title="{}">{}</span>', breakdown, obj.guest_count)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj: Booking) -> str:
        return format_html(
            '<span class="booking-status status-{}">{}</span>', obj.status, obj.get_status_display()
        )
