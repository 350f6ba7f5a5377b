"""Staff panel: lead contacts, context and funnel events, and social accounts and identities.

A lead's contacts, context and events are edited inline on the lead (crm/admin.py); the lists
here are for searching across every lead.
"""

import json

from django.contrib import admin
from django.utils.html import format_html

from identity.admin_scoping import StationScopedAdmin
from identity.scoping import customer_station_paths
from kernel.money import format_cents
from leads.models import LeadContact, LeadContext, LeadEvent, SocialAccount, SocialIdentity


@admin.register(LeadContact)
class LeadContactAdmin(StationScopedAdmin):
    station_path = "lead__station"
    list_display = ("handle_or_address", "channel", "verified", "lead", "created_at")
    list_filter = ("channel", "verified")
    search_fields = ("handle_or_address", "lead__first_name", "lead__last_name")
    list_select_related = ("lead",)
    autocomplete_fields = ("lead",)
    date_hierarchy = "created_at"
    fields = ("lead", "channel", "handle_or_address", "verified", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")


@admin.register(LeadContext)
class LeadContextAdmin(StationScopedAdmin):
    station_path = "lead__station"
    list_display = ("lead", "event_date", "party_adults", "party_kids", "budget", "zip_code")
    list_filter = ("lead__status", "lead__source")
    search_fields = ("zip_code", "message", "lead__first_name", "lead__last_name")
    list_select_related = ("lead",)
    autocomplete_fields = ("lead",)
    date_hierarchy = "event_date"
    fields = (
        "lead",
        "event_date",
        "party_adults",
        "party_kids",
        "budget_cents",
        "zip_code",
        "message",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Budget", ordering="budget_cents")
    def budget(self, obj: LeadContext) -> str:
        return format_cents(obj.budget_cents)


@admin.register(LeadEvent)
class LeadEventAdmin(StationScopedAdmin):
    station_path = "lead__station"
    """The lead funnel as it happened: a record, not editable."""

    list_display = ("occurred_at", "event_type", "lead")
    list_filter = ("event_type", "lead__source")
    search_fields = ("lead__first_name", "lead__last_name", "lead__contacts__handle_or_address")
    list_select_related = ("lead",)
    date_hierarchy = "occurred_at"
    fields = ("lead", "event_type", "occurred_at", "payload_display", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Details")
    def payload_display(self, obj: LeadEvent) -> str:
        if not obj.payload:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))


@admin.register(SocialAccount)
class SocialAccountAdmin(StationScopedAdmin):
    station_path = "station"
    list_display = ("platform", "handle", "account_id", "station", "is_active")
    list_filter = ("platform", "is_active", "station")
    search_fields = ("handle", "account_id")
    list_select_related = ("station",)
    fields = ("platform", "handle", "account_id", "station", "is_active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")


@admin.register(SocialIdentity)
class SocialIdentityAdmin(StationScopedAdmin):
    station_path = ("lead__station", *customer_station_paths("customer__"))
    list_display = ("platform", "handle", "customer", "lead")
    list_filter = ("platform",)
    search_fields = ("handle", "customer__email", "lead__first_name", "lead__last_name")
    list_select_related = ("customer", "lead")
    autocomplete_fields = ("customer", "lead")
    fields = ("platform", "handle", "customer", "lead", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
