from decimal import Decimal

from django.db import models

from kernel.models import UUIDModel
from kernel.versions import CATALOGUE, VersionBumpingQuerySet


class CatalogueQuerySet(VersionBumpingQuerySet):
    """Bulk writes to the catalogue's rows retire every process's copy (pricing/catalogue.py)."""

    version_name = CATALOGUE


class PricingPolicy(UUIDModel):
    """The business's prices and rules; the newest active policy in effect applies."""

    objects = CatalogueQuerySet.as_manager()

    name = models.CharField(max_length=100, default="Standard")
    effective_from = models.DateField()
    adult_price_cents = models.PositiveIntegerField(default=5500)
    kid_price_cents = models.PositiveIntegerField(default=3000)
    toddler_price_cents = models.PositiveIntegerField(default=0)
    party_minimum_cents = models.PositiveIntegerField(default=55000)
    deposit_cents = models.PositiveIntegerField(default=10000)
    road_factor = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.25"))
    gratuity_min_percent = models.PositiveSmallIntegerField(default=20)
    gratuity_max_percent = models.PositiveSmallIntegerField(default=35)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = 'pricing"."pricing_policy'
        verbose_name_plural = "pricing policies"
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from"], name="uq_pricing_policy_effective_from"),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"


class MenuItem(UUIDModel):
    """What every meal can include: the base proteins and the included sides."""

    objects = CatalogueQuerySet.as_manager()

    class Category(models.TextChoices):
        PROTEIN = "protein", "Base protein"
        INCLUDED = "included", "Included with every meal"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.CharField(max_length=255, blank=True)
    price_cents = models.PositiveIntegerField(default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = 'pricing"."menu_items'
        ordering = ["category", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AddonItem(UUIDModel):
    """A priced extra, per serving: an upgrade replaces a protein, an add-on is on top."""

    objects = CatalogueQuerySet.as_manager()

    class Kind(models.TextChoices):
        UPGRADE = "upgrade", "Protein upgrade"
        ADDON = "addon", "Add-on"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=255, blank=True)
    price_cents = models.PositiveIntegerField()
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = 'pricing"."addon_items'
        ordering = ["kind", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class TravelFeeConfig(UUIDModel):
    """Overrides a station's travel defaults from an effective date on."""

    objects = CatalogueQuerySet.as_manager()

    station = models.ForeignKey(
        "identity.Station", on_delete=models.CASCADE, related_name="travel_fee_configs"
    )
    effective_from = models.DateField()
    free_miles = models.PositiveIntegerField()
    price_per_mile_cents = models.PositiveIntegerField()
    max_distance_miles = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = 'pricing"."travel_fee_config'
        verbose_name = "travel fee configuration"
        ordering = ["station", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["station", "effective_from"], name="uq_travel_fee_station_from"),
        ]

    def __str__(self) -> str:
        return f"{self.station.code} from {self.effective_from}"
