"""Staff panel: segments and campaigns. (Leads, whose services are in leads/, are in leads/admin.py.)"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from crm.admin_campaign_actions import CampaignActions
from crm.content import campaign_content_check
from crm.models import Campaign, CampaignDelivery, CustomerSegment, SegmentRule
from crm.segments import rule_value_parse
from crm.selectors import campaign_stats, segment_preview
from crm.services.campaigns import LOCKED_FIELDS, LOCKING_STATUSES
from identity.scoping import customer_station_paths
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from kernel.errors import ServiceError


def segment_in_use(segment: CustomerSegment | None) -> bool:
    """Whether a scheduled or sending campaign targets the segment (its rules are then locked).

    Asked several times per page (add, change, delete of the rules): kept on the object.
    """
    if segment is None or segment.pk is None:
        return False
    if not hasattr(segment, "_in_use"):
        segment._in_use = segment.campaigns.filter(status__in=LOCKING_STATUSES).exists()
    return segment._in_use


class SegmentRuleForm(forms.ModelForm):
    """A rule whose value does not fit its field is refused on save, with the reason."""

    class Meta:
        model = SegmentRule
        fields = ("field", "operator", "value")

    def clean(self):
        cleaned = super().clean()
        segment = cleaned.get("segment")
        if segment_in_use(segment):
            self.add_error(
                None, f"“{segment}” is the audience of a scheduled campaign: its rules are locked."
            )
        field, operator, value = cleaned.get("field"), cleaned.get("operator"), cleaned.get("value")
        if field and operator and value is not None:
            try:
                rule_value_parse(field=field, operator=operator, value=value)
            except ServiceError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class SegmentRuleInline(StationScopedInline, admin.TabularInline):
    model = SegmentRule
    form = SegmentRuleForm
    fields = ("field", "operator", "value")
    extra = 0

    # A scheduled campaign's audience is what was approved: its segment's rules are locked.
    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and not segment_in_use(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not segment_in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not segment_in_use(obj)


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(StationScopedAdmin):
    station_path = None  # segments and campaigns span every station
    ordering = ("name",)  # explicit: the counted (grouped) queryset drops Meta.ordering
    inlines = (SegmentRuleInline,)
    list_display = ("name", "match", "is_active", "rule_count", "campaign_count", "updated_at")
    list_filter = ("is_active", "match")
    search_fields = ("name", "description")
    fields = ("name", "description", "match", "is_active", "preview", "created_at", "updated_at")
    readonly_fields = ("preview", "created_at", "updated_at")

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

    @admin.display(description="Customers now")
    def preview(self, obj: CustomerSegment) -> str:
        """The live count and the first 20 (a preview never sends anything)."""
        if obj.pk is None:
            return "Save the segment to see who is in it."
        try:
            preview = segment_preview(obj)
        except ServiceError as error:
            return f"This segment cannot be evaluated: {error.message}"
        rows = format_html_join(
            "", "<li>{} {} &lt;{}&gt;</li>", ((c.first_name, c.last_name, c.email) for c in preview.first)
        )
        more = preview.count - len(preview.first)
        return format_html(
            "<strong>{}</strong> customers{}<ul>{}</ul>{}",
            preview.count,
            ", the first 20 by name:" if more > 0 else "",
            rows,
            f"and {more} more." if more > 0 else "",
        )


@admin.register(SegmentRule)
class SegmentRuleAdmin(StationScopedAdmin):
    station_path = None
    form = SegmentRuleForm
    list_display = ("segment", "field", "operator", "value")
    list_filter = ("segment", "field", "operator")
    search_fields = ("segment__name", "value")
    list_select_related = ("segment",)
    fields = ("segment", "field", "operator", "value")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and segment_in_use(obj.segment))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and segment_in_use(obj.segment))


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("name", "channel", "segment", "subject", "content")
        help_texts = {
            "content": "Plain text. {{ first_name }} and {{ station }} are filled in for each customer. "
            "An SMS ends with “Reply STOP to opt out.” and stays within 320 characters; an email gets "
            "the brand's layout and an unsubscribe link.",
        }

    def clean(self):
        cleaned = super().clean()
        if {"channel", "content"} <= set(cleaned) and self.instance.status in ("", Campaign.Status.DRAFT):
            try:
                campaign_content_check(
                    channel=cleaned["channel"],
                    subject=cleaned.get("subject") or "",
                    content=cleaned["content"],
                )
            except ServiceError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(CampaignActions, StationScopedAdmin):
    station_path = None
    form = CampaignForm
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
        ("Figures", {"fields": ("stats",)}),
        ("Record", {"fields": ("sent_at", "created_by", "created_at", "updated_at")}),
    )
    # The status changes only through the actions (their services check the lifecycle).
    readonly_fields = ("status", "scheduled_at", "stats", "sent_at", "created_by", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            # Locked once scheduled: what was approved is what goes out.
            return (*fields, *LOCKED_FIELDS)
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_delivery_count=Count("deliveries"))

    # Deliveries are what the caps count: a campaign that sent anything is never deleted
    # (cancel it instead); only a draft may go, one at a time.
    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Campaign.Status.DRAFT)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Deliveries", ordering="_delivery_count")
    def delivery_count(self, obj: Campaign) -> int:
        return obj._delivery_count

    @admin.display(description="Figures")
    def stats(self, obj: Campaign) -> str:
        if obj.pk is None:
            return "—"
        stats = campaign_stats(obj)
        skipped = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (CampaignDelivery.Status(status).label, count)
                for status, count in stats.skipped.items()
                if count
            ),
        )
        return format_html(
            "<ul><li>Targeted: {}</li><li>Sent: {}</li><li>Queued: {}</li><li>Failed: {}</li>"
            "<li>Skipped: {}<ul>{}</ul></li><li>Unsubscribed since: {}</li>"
            "<li>Bookings by recipients within 30 days: {} ({})</li></ul>",
            stats.targeted,
            stats.sent,
            stats.queued,
            stats.failed,
            stats.skipped_total,
            skipped,
            stats.unsubscribed_since,
            stats.attributed_bookings,
            stats.attributed_revenue,
        )


@admin.register(CampaignDelivery)
class CampaignDeliveryAdmin(ReadOnlyMixin, StationScopedAdmin):
    """What each campaign sent (or skipped) to whom: a record, not editable."""

    station_path = customer_station_paths("customer__")

    list_display = ("created_at", "campaign", "customer", "channel", "status", "sent_at", "unsubscribed_at")
    list_filter = ("status", "channel", "campaign")
    search_fields = ("campaign__name", "customer__email", "=provider_id")
    list_select_related = ("campaign", "customer")
    date_hierarchy = "created_at"
    fields = (
        "campaign",
        "customer",
        "channel",
        "status",
        "sent_at",
        "provider_id",
        "error",
        "unsubscribed_at",
        "created_at",
    )
    readonly_fields = fields
