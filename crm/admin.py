"""Staff panel: leads (with their contacts, context and funnel events), segments, campaigns."""

import json

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from crm.admin_actions import LeadActions
from crm.models import Campaign, CampaignDelivery, CustomerSegment, Lead, SegmentRule
from identity.admin_scoping import StationScopedAdmin, StationScopedInline
from identity.scoping import customer_station_paths
from kernel.money import format_cents
from leads.models import LeadContact, LeadContext, LeadEvent


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


class LeadEventInline(StationScopedInline, admin.TabularInline):
    """The funnel as it happened: shown, never edited."""

    model = LeadEvent
    fields = ("occurred_at", "event_type", "payload_display")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Details")
    def payload_display(self, obj: LeadEvent) -> str:
        if not obj.payload:
            return "—"
        return format_html("<code>{}</code>", json.dumps(obj.payload, sort_keys=True))


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


class SegmentRuleInline(StationScopedInline, admin.TabularInline):
    model = SegmentRule
    fields = ("field", "operator", "value")
    extra = 0


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(StationScopedAdmin):
    station_path = None  # segments and campaigns span every station
    ordering = ("name",)  # explicit: the counted (grouped) queryset drops Meta.ordering
    inlines = (SegmentRuleInline,)
    list_display = ("name", "is_active", "rule_count", "campaign_count", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    fields = ("name", "description", "is_active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _rule_count=Count("rules", distinct=True),
                _campaign_count=Count("campaigns", distinct=True),
            )
        )

    @admin.display(description="Rules", ordering="_rule_count")
    def rule_count(self, obj: CustomerSegment) -> int:
        return obj._rule_count

    @admin.display(description="Campaigns", ordering="_campaign_count")
    def campaign_count(self, obj: CustomerSegment) -> int:
        return obj._campaign_count


@admin.register(SegmentRule)
class SegmentRuleAdmin(StationScopedAdmin):
    station_path = None
    list_display = ("segment", "field", "operator", "value")
    list_filter = ("segment", "field", "operator")
    search_fields = ("segment__name", "value")
    list_select_related = ("segment",)
    fields = ("segment", "field", "operator", "value")


@admin.register(Campaign)
class CampaignAdmin(StationScopedAdmin):
    station_path = None
    ordering = ("-created_at",)  # explicit: the counted (grouped) queryset drops Meta.ordering
    list_display = (
        "name",
        "channel",
        "segment",
        "status",
        "scheduled_at",
        "sent_at",
        "delivery_count",
        "created_by",
    )
    list_filter = ("status", "channel", "segment")
    search_fields = ("name", "subject", "content")
    list_select_related = ("segment", "created_by")
    autocomplete_fields = ("segment",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "channel", "segment", "status", "scheduled_at")}),
        ("Content", {"fields": ("subject", "content")}),
        ("Record", {"fields": ("sent_at", "created_by", "created_at", "updated_at")}),
    )
    readonly_fields = ("sent_at", "created_by", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_delivery_count=Count("deliveries"))

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Deliveries", ordering="_delivery_count")
    def delivery_count(self, obj: Campaign) -> int:
        return obj._delivery_count


@admin.register(CampaignDelivery)
class CampaignDeliveryAdmin(StationScopedAdmin):
    """What each campaign sent (or skipped) to whom: a record, not editable."""

    station_path = customer_station_paths("customer__")

    list_display = ("created_at", "campaign", "customer", "channel", "status", "sent_at")
    list_filter = ("status", "channel", "campaign")
    search_fields = ("campaign__name", "customer__email", "=provider_id")
    list_select_related = ("campaign", "customer")
    date_hierarchy = "created_at"
    fields = ("campaign", "customer", "channel", "status", "sent_at", "provider_id", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
