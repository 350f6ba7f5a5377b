import datetime

import factory

from pricing.models import AddonItem, MenuItem, PricingPolicy, TravelFeeConfig
from tests.identity.factories import StationFactory


class PricingPolicyFactory(factory.django.DjangoModelFactory):
    """The docs/business-rules.md defaults, in effect since long ago."""

    class Meta:
        model = PricingPolicy
        django_get_or_create = ("effective_from",)

    name = "Standard"
    effective_from = datetime.date(2020, 1, 1)
    adult_price_cents = 5500
    kid_price_cents = 3000
    toddler_price_cents = 0
    party_minimum_cents = 55000
    deposit_cents = 10000
    gratuity_min_percent = 20
    gratuity_max_percent = 35
    is_active = True


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem
        django_get_or_create = ("code",)

    code = "chicken"
    name = "Chicken"
    category = MenuItem.Category.PROTEIN


class AddonItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AddonItem
        django_get_or_create = ("code",)

    code = "edamame"
    name = "Edamame"
    kind = AddonItem.Kind.ADDON
    price_cents = 500


class UpgradeFactory(AddonItemFactory):
    code = "salmon"
    name = "Salmon"
    kind = AddonItem.Kind.UPGRADE
    price_cents = 500


UPGRADES = [
    ("salmon", "Salmon", 500),
    ("scallops", "Scallops", 500),
    ("filet_mignon", "Filet Mignon", 500),
    ("lobster_tail", "Lobster Tail", 1500),
]
ADDONS = [
    ("yakisoba_noodles", "Yakisoba noodles", 500),
    ("extra_fried_rice", "Extra fried rice", 500),
    ("extra_vegetables", "Extra vegetables", 500),
    ("edamame", "Edamame", 500),
    ("gyoza", "Gyoza", 1000),
    ("extra_protein", "Extra protein", 1000),
]
PROTEINS = [
    ("chicken", "Chicken"),
    ("ny_strip_steak", "NY strip steak"),
    ("shrimp", "Shrimp"),
    ("calamari", "Calamari"),
    ("tofu", "Tofu"),
]
INCLUDED = [
    ("fried_rice", "Fried rice"),
    ("vegetables", "Vegetables"),
    ("salad", "Salad"),
    ("sauces", "Sauces"),
]


def create_menu() -> None:
    """The docs/business-rules.md menu: base proteins, included items, upgrades and add-ons."""
    for order, (code, name) in enumerate(PROTEINS):
        MenuItemFactory(code=code, name=name, category=MenuItem.Category.PROTEIN, sort_order=order)
    for order, (code, name) in enumerate(INCLUDED):
        MenuItemFactory(code=code, name=name, category=MenuItem.Category.INCLUDED, sort_order=order)
    for order, (code, name, price_cents) in enumerate(UPGRADES):
        UpgradeFactory(code=code, name=name, price_cents=price_cents, sort_order=order)
    for order, (code, name, price_cents) in enumerate(ADDONS):
        AddonItemFactory(code=code, name=name, price_cents=price_cents, sort_order=order)


class TravelFeeConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelFeeConfig

    station = factory.SubFactory(StationFactory)
    effective_from = datetime.date(2020, 1, 1)
    free_miles = 30
    price_per_mile_cents = 200
    max_distance_miles = 150
