"""Staff panel: chefs and their time off."""

from django.contrib import admin
from django.utils import timezone

from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from ops.models import Chef, ChefAvailability


class UpcomingAvailabilityInline(StationScopedInline, admin.TabularInline):
    """Today's and future entries; the history is in the chef availability list."""

    model = ChefAvailability
    fields = ("date", "slot", "is_available", "note")
    extra = 0
    verbose_name = "time off / availability entry"
    verbose_name_plural = "upcoming time off and availability"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(date__gte=timezone.localdate())


@admin.register(Chef)
class ChefAdmin(StationScopedAdmin):
    station_path = "station"
    inlines = (UpcomingAvailabilityInline,)
    list_display = ("name", "station", "phone", "email", "rating", "pay_tier", "is_active", "login")
    list_filter = ("station", "is_active", "pay_tier")
    search_fields = ("name", "email", "phone")
    list_select_related = ("station", "user")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("name", "station", "is_active", "user")}),
        ("Contact", {"fields": ("phone", "email")}),
        ("Performance and pay", {"fields": ("rating", "pay_tier")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Staff login", ordering="user__email")
    def login(self, obj: Chef) -> str:
        return obj.user.email if obj.user else "—"


@admin.register(ChefAvailability)
class ChefAvailabilityAdmin(StationScopedAdmin):
    station_path = "chef__station"
    list_display = ("chef", "station", "date", "slot_display", "is_available", "note")
    list_filter = ("is_available", "chef__station", "slot")
    search_fields = ("chef__name", "note")
    list_select_related = ("chef__station",)
    autocomplete_fields = ("chef",)
    date_hierarchy = "date"
    fields = ("chef", "date", "slot", "is_available", "note")

    @admin.display(description="Station", ordering="chef__station__name")
    def station(self, obj: ChefAvailability) -> str:
        return obj.chef.station.name

    @admin.display(description="Slot", ordering="slot")
    def slot_display(self, obj: ChefAvailability) -> str:
        return obj.slot.strftime("%H:%M") if obj.slot else "All day"
