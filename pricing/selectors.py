"""Reads of prices, the menu and the stations' travel rules."""

from datetime import date

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from identity.models import Station
from kernel.error_codes import PricingErrors
from kernel.errors import ServiceError
from pricing.catalogue import catalogue
from pricing.models import AddonItem, MenuItem, PricingPolicy, TravelFeeConfig


class PricingUnavailable(ServiceError):
    """No active pricing policy is in effect: a setup problem on our side, not the customer's."""

    status_code = 503
    default_code = PricingErrors.PRICING_UNAVAILABLE


def pricing_policy_in_effect(on_date: date | None = None) -> PricingPolicy | None:
    """The active policy with the latest effective_from on or before the date (today), or None.

    From the process's catalogue (pricing/catalogue.py): shared, read it and never change it.
    """
    return catalogue().policy_on(on_date or timezone.localdate())


def current_policy(on_date: date | None = None) -> PricingPolicy:
    """The pricing policy in effect on the date (today); raises PricingUnavailable when none is."""
    policy = pricing_policy_in_effect(on_date)
    if policy is None:
        raise PricingUnavailable(
            "Pricing is not available right now. Please call or text us for a quote.",
        )
    return policy


def stations_active(*, on_date: date | None = None) -> QuerySet[Station]:
    """Active stations, each annotated with the travel rules in effect on the date (today).

    `effective_free_miles`, `effective_price_per_mile_cents` and `effective_max_distance_miles`
    come from the station's latest TravelFeeConfig with effective_from on or before the date,
    else from the station itself. One query.
    """
    on_date = on_date or timezone.localdate()
    config = TravelFeeConfig.objects.filter(station=OuterRef("pk"), effective_from__lte=on_date).order_by(
        "-effective_from"
    )

    def overridden(field: str) -> Coalesce:
        return Coalesce(
            Subquery(config.values(field)[:1], output_field=IntegerField()),
            F(field),
            output_field=IntegerField(),
        )

    return (
        Station.objects.filter(is_active=True)
        .annotate(
            effective_free_miles=overridden("free_miles"),
            effective_price_per_mile_cents=overridden("price_per_mile_cents"),
            effective_max_distance_miles=overridden("max_distance_miles"),
        )
        .order_by("name")
    )


def menu_read(*, on_date: date | None = None) -> dict:
    """The menu as customers see it: prices, proteins, included items, upgrades, add-ons, rules.

    From the process's catalogue: no query while it is current.
    """
    policy = current_policy(on_date)
    rows = catalogue()
    items = [(item.category, item) for item in rows.menu_items] + [
        (item.kind, item) for item in rows.addons.values()
    ]
    items.sort(key=lambda pair: (pair[1].sort_order, pair[1].name, pair[1].code))
    groups: dict[str, list[dict]] = {
        MenuItem.Category.PROTEIN: [],
        MenuItem.Category.INCLUDED: [],
        AddonItem.Kind.UPGRADE: [],
        AddonItem.Kind.ADDON: [],
    }
    for kind, row in items:
        item = {"code": row.code, "name": row.name, "description": row.description}
        if kind in (AddonItem.Kind.UPGRADE, AddonItem.Kind.ADDON):
            item["price_cents"] = row.price_cents
        groups[kind].append(item)
    return {
        "prices": {
            "adult_cents": policy.adult_price_cents,
            "kid_cents": policy.kid_price_cents,
            "toddler_cents": policy.toddler_price_cents,
        },
        "proteins": groups[MenuItem.Category.PROTEIN],
        "included": groups[MenuItem.Category.INCLUDED],
        "upgrades": groups[AddonItem.Kind.UPGRADE],
        "addons": groups[AddonItem.Kind.ADDON],
        "party_minimum_cents": policy.party_minimum_cents,
        "deposit_cents": policy.deposit_cents,
        "gratuity": {
            "min_percent": policy.gratuity_min_percent,
            "max_percent": policy.gratuity_max_percent,
        },
    }
