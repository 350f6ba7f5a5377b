"""Staff panel: the pricing policy, the menu, add-ons and travel fee overrides."""

from django.contrib import admin

from identity.staff_panel.scoped import StationScopedAdmin
from kernel.money import format_cents
from pricing.models import AddonItem, MenuItem, PricingPolicy, TravelFeeConfig

CENTS_NOTE = "Amounts are in cents (5500 = $55.00)."


@admin.register(PricingPolicy)
class PricingPolicyAdmin(StationScopedAdmin):
    station_path = None  # one price list for every station
    list_display = (
        "name",
        "effective_from",
        "adult_price",
        "kid_price",
        "toddler_price",
        "party_minimum",
        "deposit",
        "road_factor",
        "gratuity_range",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("name",)
    date_hierarchy = "effective_from"
    fieldsets = (
        (None, {"fields": ("name", "effective_from", "is_active")}),
        (
            "Prices",
            {
                "fields": (
                    "adult_price_cents",
                    "kid_price_cents",
                    "toddler_price_cents",
                    "party_minimum_cents",
                    "deposit_cents",
                ),
                "description": CENTS_NOTE,
            },
        ),
        ("Travel and gratuity", {"fields": ("road_factor", "gratuity_min_percent", "gratuity_max_percent")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Adult", ordering="adult_price_cents")
    def adult_price(self, obj: PricingPolicy) -> str:
        return format_cents(obj.adult_price_cents)

    @admin.display(description="Kid", ordering="kid_price_cents")
    def kid_price(self, obj: PricingPolicy) -> str:
        return format_cents(obj.kid_price_cents)

    @admin.display(description="Toddler", ordering="toddler_price_cents")
    def toddler_price(self, obj: PricingPolicy) -> str:
        return format_cents(obj.toddler_price_cents)

    @admin.display(description="Party minimum", ordering="party_minimum_cents")
    def party_minimum(self, obj: PricingPolicy) -> str:
        return format_cents(obj.party_minimum_cents)

    @admin.display(description="Deposit", ordering="deposit_cents")
    def deposit(self, obj: PricingPolicy) -> str:
        return format_cents(obj.deposit_cents)

    @admin.display(description="Suggested gratuity")
    def gratuity_range(self, obj: PricingPolicy) -> str:
        return f"{obj.gratuity_min_percent}-{obj.gratuity_max_percent}%"


@admin.register(MenuItem)
class MenuItemAdmin(StationScopedAdmin):
    station_path = None  # one price list for every station
    list_display = ("name", "code", "category", "price", "sort_order", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "code", "description")
    prepopulated_fields = {"code": ("name",)}
    fields = ("name", "code", "category", "description", "price_cents", "sort_order", "is_active")

    @admin.display(description="Price", ordering="price_cents")
    def price(self, obj: MenuItem) -> str:
        return format_cents(obj.price_cents)


@admin.register(AddonItem)
class AddonItemAdmin(StationScopedAdmin):
    station_path = None  # one price list for every station
    list_display = ("name", "code", "kind", "price", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "description")
    prepopulated_fields = {"code": ("name",)}
    fields = ("name", "code", "kind", "description", "price_cents", "sort_order", "is_active")

    @admin.display(description="Price per serving", ordering="price_cents")
    def price(self, obj: AddonItem) -> str:
        return format_cents(obj.price_cents)


@admin.register(TravelFeeConfig)
class TravelFeeConfigAdmin(StationScopedAdmin):
    station_path = "station"
    list_display = ("station", "effective_from", "free_miles", "price_per_mile", "max_distance_miles", "note")
    list_filter = ("station",)
    search_fields = ("station__name", "station__code", "note")
    list_select_related = ("station",)
    date_hierarchy = "effective_from"
    fields = ("station", "effective_from", "free_miles", "price_per_mile_cents", "max_distance_miles", "note")

    @admin.display(description="Per mile", ordering="price_per_mile_cents")
    def price_per_mile(self, obj: TravelFeeConfig) -> str:
        return format_cents(obj.price_per_mile_cents)
