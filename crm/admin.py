"""Staff panel: segments and campaigns. (Leads, whose services are in leads/, are in leads/admin.py.)"""

from django.contrib import admin
from django.db.models import Count

from crm.models import Campaign, CampaignDelivery, CustomerSegment, SegmentRule
from identity.scoping import customer_station_paths
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline


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
class CampaignDeliveryAdmin(ReadOnlyMixin, StationScopedAdmin):
    """What each campaign sent (or skipped) to whom: a record, not editable."""

    station_path = customer_station_paths("customer__")

    list_display = ("created_at", "campaign", "customer", "channel", "status", "sent_at")
    list_filter = ("status", "channel", "campaign")
    search_fields = ("campaign__name", "customer__email", "=provider_id")
    list_select_related = ("campaign", "customer")
    date_hierarchy = "created_at"
    fields = ("campaign", "customer", "channel", "status", "sent_at", "provider_id", "created_at")
    readonly_fields = fields
