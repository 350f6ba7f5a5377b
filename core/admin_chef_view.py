"""What a chef sees of their own party on its booking page: from 7 days before, the address, the
day-of contact's phone and the protein counts (DOMAIN.md "Chefs"); never money, never other
customers. Staff with the address permission see the address in the booking's own fields."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from core.models import Booking
from core.schedule.run_sheet import chef_sees_details, day_of_contact, protein_counts
from identity import scoping
from ops.policy import CHEF_DETAILS_DAYS_BEFORE

FIELD = "your_party"
MONEY_COLUMNS = frozenset({"total_due", "deposit_due"})


class ChefPartyDetails:
    """Mixed into BookingAdmin: a "Your party" section for chefs, and no money columns for whoever
    may not read payments."""

    def _chef_only(self, request) -> bool:
        return scoping.access_for(request.user).chef_only

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if scoping.user_has_permission(request.user, "payment.read"):
            return columns
        return tuple(column for column in columns if column not in MONEY_COLUMNS)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self._chef_only(request):
            return fieldsets
        return [("Your party", {"fields": (FIELD,)}), *fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, FIELD) if obj is not None and self._chef_only(request) else readonly

    @admin.display(description="Address, contact and proteins")
    def your_party(self, obj: Booking) -> str:
        if not chef_sees_details(obj):
            return f"Shown from {CHEF_DETAILS_DAYS_BEFORE} days before the party (and on your run sheet)."
        proteins = protein_counts(obj)
        name, phone = day_of_contact(obj)
        return format_html(
            "{}<br>Day-of contact: {} · {}<br>Proteins: {}",
            obj.address,
            name,
            phone or "—",
            format_html_join(", ", "{}: {}", proteins) if proteins else "not given yet",
        )
