"""The bookings list as staff read it on a 1400-pixel screen: upcoming parties first, every
status whole, a chef filter, and a search that finds a partial reference or a chef's name."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, DateField, F, IntegerField, OrderBy, Value, When
from django.utils import timezone
from django.utils.html import format_html

from core.models import Booking
from identity.scoping import station_ids_for
from identity.staff_panel.pagination import SplitOrderPaginator
from ops.models import BookingPolicy
from ops.slots import DEFAULT_SLOT_TIMES, parse_slot, slot_label


class _IsPast(Case):
    """The first key of the list's order: 1 for a past party (UpcomingFirstPaginator finds it)."""

    def __init__(self, today):
        super().__init__(When(date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
        self.today = today


def upcoming_first(today) -> tuple:
    """Upcoming first, soonest first; then the past, most recent first (the list's order)."""
    is_past = _IsPast(today)
    upcoming_date = Case(When(date__gte=today, then=F("date")), default=None, output_field=DateField())
    return (is_past.asc(), upcoming_date.asc(nulls_last=True), F("date").desc(), "slot", "pk")


class UpcomingFirstPaginator(SplitOrderPaginator):
    """The list's order as two index range scans of ix_bookings_date_slot_id (a page of the
    upcoming parties, then of the past ones), not a sort of every booking by a CASE key."""

    @staticmethod
    def _today(queryset):
        order = queryset.query.order_by
        if not (order and isinstance(order[0], OrderBy) and isinstance(order[0].expression, _IsPast)):
            return None  # ordered by a column header
        return order[0].expression.today

    def ordered_keys(self, matches):
        # A search's matches, ordered here as the list is: (key, date, slot) each.
        today = self._today(self.object_list)
        if today is None or matches.fields[-2:] != ("date", "slot"):
            return None
        upcoming = sorted((date, slot, key) for key, *_, date, slot in matches.rows if date >= today)
        past = sorted(
            ((-date.toordinal(), slot, key) for key, *_, date, slot in matches.rows if date < today)
        )
        return [key for *_, key in upcoming] + [key for *_, key in past]

    def parts(self, queryset):
        today = self._today(queryset)
        if today is None:
            return None
        rows = queryset.order_by()
        return (
            rows.filter(date__gte=today).order_by("date", "slot", "pk"),
            rows.filter(date__lt=today).order_by("-date", "slot", "pk"),
        )


class SlotListFilter(admin.SimpleListFilter):
    """The slot times the user's stations offer (their booking policies), one small query.

    Not Django's filter of every listed row's DISTINCT slot (a scan of 50,000 bookings); a
    booking kept at a time its station no longer offers is still found by the date.
    """

    title = "slot"
    parameter_name = "slot"

    def lookups(self, request, model_admin):
        station_ids = station_ids_for(request.user)
        policies = BookingPolicy.objects.all()
        if station_ids is not None:
            policies = policies.filter(station_id__in=station_ids)
        rows = list(policies.values_list("station_id", "slot_times"))
        offered = {time for _, times in rows for time in times}
        if not rows or (station_ids is not None and set(station_ids) - {station for station, _ in rows}):
            offered |= set(DEFAULT_SLOT_TIMES)  # a station without a policy offers the defaults
        return [(slot_label(time), slot_label(time)) for time in sorted(offered)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        slot = parse_slot(self.value())
        return queryset.none() if slot is None else queryset.filter(slot=slot)


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
    list_filter = ("status", "station", "chef", "source", "flagged_for_staff", "payment_hold", SlotListFilter)
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

    paginator = UpcomingFirstPaginator
    # Read with a search's matches: the list's order (ordered_keys). "date" is also the
    # date drill-down's field (core/admin.py), so the matches hold (key, date, slot).
    search_match_fields = ("date", "slot")

    def get_ordering(self, request):
        # A column header clicked by staff orders by that column instead. Expressions, not
        # annotations: Django also orders other admins' booking choices (foreign keys,
        # filters) with this. The paginator reads a page of it through the date index.
        return upcoming_first(timezone.localdate())

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
