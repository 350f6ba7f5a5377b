"""Staff panel: leads (with their contacts, context and funnel events), and social accounts.

The Lead model is crm's (its table is crm.leads); its admin is here, beside the lead services
its actions call, so that crm never imports leads. A lead's contacts, context and events are
edited inline on the lead; their own lists are for searching across every lead.
"""

from django.contrib import admin

from crm.models import Lead
from identity.scoping import customer_station_paths
from identity.staff_panel.json_display import EMPTY, inline_json, pretty_json
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from kernel.money import format_cents
from leads.admin_actions import LeadActions
from leads.models import LeadContact, LeadContext, LeadEvent, SocialAccount, SocialIdentity


class LeadContactInline(StationScopedInline, admin.TabularInline):
    model = LeadContact
    fields = ("channel", "handle_or_address", "verified")
    extra = 0


class LeadContextInline(StationScopedInline, admin.StackedInline):
    model = LeadContext
    fields = (("event_date", "zip_code"), ("party_adults", "party_kids"), "budget_cents", "message")
    extra = 0
    max_num = 1
    can_delete = False


class LeadEventInline(ReadOnlyMixin, StationScopedInline, admin.TabularInline):
    """The funnel as it happened: shown, never edited."""

    model = LeadEvent
    fields = ("occurred_at", "event_type", "payload_display")
    readonly_fields = fields
    extra = 0

    @admin.display(description="Details")
    def payload_display(self, obj: LeadEvent) -> str:
        return inline_json(obj.payload) if obj.payload else EMPTY


@admin.register(Lead)
class LeadAdmin(LeadActions, StationScopedAdmin):
    station_path = "station"
    inlines = (LeadContactInline, LeadContextInline, LeadEventInline)
    list_display = (
        "name",
        "source",
        "status",
        "quality",
        "score",
        "event_date",
        "budget",
        "customer",
        "station",
        "assigned_to",
        "created_at",
    )
    list_filter = ("status", "quality", "source", "station")
    search_fields = (
        "first_name",
        "last_name",
        "contacts__handle_or_address",
        "customer__email",
        "notes",
    )
    list_select_related = ("customer", "station", "assigned_to", "context")
    autocomplete_fields = ("customer", "assigned_to")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": (("first_name", "last_name"), "source", "status", "station", "assigned_to")}),
        ("Score", {"fields": ("score", "quality")}),
        ("Conversion", {"fields": ("customer", "conversion_date", "contacted_at")}),
        ("Notes", {"fields": ("notes",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    # The score and quality are recomputed by the scoring service; the status changes through
    # the actions (change status, convert), whose services check the funnel and record events.
    readonly_fields = ("status", "score", "quality", "conversion_date", "created_at", "updated_at")

    @admin.display(description="Lead", ordering="last_name")
    def name(self, obj: Lead) -> str:
        return f"{obj.first_name} {obj.last_name}".strip() or "Unnamed lead"

    @admin.display(description="Event date", ordering="context__event_date")
    def event_date(self, obj: Lead):
        context = getattr(obj, "context", None)
        return context.event_date if context and context.event_date else "—"

    @admin.display(description="Budget", ordering="context__budget_cents")
    def budget(self, obj: Lead) -> str:
        context = getattr(obj, "context", None)
        return format_cents(context.budget_cents) if context else "—"


@admin.register(LeadContact)
class LeadContactAdmin(StationScopedAdmin):
    station_path = "lead__station"
    # By channel, then address: the order of ix_lead_contacts_handle (read through it, not sorted).
    ordering = ("channel", "handle_or_address", "pk")
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
class LeadEventAdmin(ReadOnlyMixin, StationScopedAdmin):
    station_path = "lead__station"
    """The lead funnel as it happened: a record, not editable."""

    list_display = ("occurred_at", "event_type", "lead")
    list_filter = ("event_type", "lead__source")
    search_fields = ("lead__first_name", "lead__last_name", "lead__contacts__handle_or_address")
    list_select_related = ("lead",)
    date_hierarchy = "occurred_at"
    fields = ("lead", "event_type", "occurred_at", "payload_display", "created_at")
    readonly_fields = fields

    @admin.display(description="Details")
    def payload_display(self, obj: LeadEvent) -> str:
        return pretty_json(obj.payload)


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
