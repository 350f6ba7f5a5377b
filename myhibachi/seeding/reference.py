"""Reference data every installation needs, production included (docs/business-rules.md defaults).

Two policies, on purpose:
- Roles and permissions are owned by identity/catalog.py: the seed mirrors the catalog
  exactly (creates, corrects and removes grants), since authorization is built on it.
- Business settings (the station, prices, menu, knowledge) are owned by staff once they
  exist: the seed creates what is missing and never overwrites a row staff may have edited.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ai.models import Knowledge
from identity import catalog
from identity.models import Permission, Role, RolePermission, Station
from myhibachi.seeding.knowledge import KNOWLEDGE
from myhibachi.seeding.rows import SeedReport, ensure_row, ensure_rows
from ops.models import BookingPolicy, PayRate
from ops.pay import DEFAULT_PAY_RATES
from pricing.models import AddonItem, MenuItem, PricingPolicy

FREMONT_CODE = "CA-FREMONT-001"
POLICY_EFFECTIVE_FROM = datetime.date(2025, 1, 1)

# (code, name, description) in menu order.
BASE_PROTEINS = (
    ("chicken", "Chicken", "Hibachi chicken"),
    ("ny_strip_steak", "NY Strip Steak", "New York strip steak"),
    ("shrimp", "Shrimp", "Garlic butter shrimp"),
    ("calamari", "Calamari", "Grilled calamari"),
    ("tofu", "Tofu", "Vegetarian protein"),
)
INCLUDED_ITEMS = (
    ("fried_rice", "Fried Rice", "Hibachi fried rice"),
    ("vegetables", "Vegetables", "Grilled seasonal vegetables"),
    ("salad", "Salad", "House salad"),
    ("sauces", "Sauces", "Our house sauces"),
)
# These codes are a contract: the pricing engine, the API and the tests refer to them.
# (code, name, kind, price_cents, description)
ADDON_ITEMS = (
    ("salmon", "Salmon", "upgrade", 500, "Replaces one protein, per serving"),
    ("scallops", "Scallops", "upgrade", 500, "Replaces one protein, per serving"),
    ("filet_mignon", "Filet Mignon", "upgrade", 500, "Replaces one protein, per serving"),
    ("lobster_tail", "Lobster Tail", "upgrade", 1500, "Replaces one protein, per serving"),
    ("yakisoba_noodles", "Yakisoba Noodles", "addon", 500, "Per serving"),
    ("extra_fried_rice", "Extra Fried Rice", "addon", 500, "Per serving"),
    ("extra_vegetables", "Extra Vegetables", "addon", 500, "Per serving"),
    ("edamame", "Edamame", "addon", 500, "Per serving"),
    ("gyoza", "Gyoza", "addon", 1000, "Per serving"),
    ("extra_protein", "Extra Protein", "addon", 1000, "A third protein, per serving"),
)


@dataclass
class Reference:
    """The reference rows the demo builds on."""

    roles: dict[str, Role]
    fremont: Station
    policy: PricingPolicy
    addons: dict[str, AddonItem]


def seed_reference(report: SeedReport) -> Reference:
    """Load the reference data; creates what is missing (see the module docstring)."""
    roles = sync_catalog(report)
    fremont = ensure_row(
        Station,
        Station(
            name="Fremont",
            code=FREMONT_CODE,
            address="47481 Towhee St",
            city="Fremont",
            state="CA",
            zip_code="94539",
            latitude=Decimal("37.517200"),
            longitude=Decimal("-121.918800"),
            timezone="America/Los_Angeles",
            free_miles=30,
            price_per_mile_cents=200,
            max_distance_miles=150,
            tax_rate_percent=Decimal("0"),
            is_active=True,
        ),
        key=("code",),
        report=report,
    )
    policy = ensure_row(
        PricingPolicy,
        PricingPolicy(
            name="Standard",
            effective_from=POLICY_EFFECTIVE_FROM,
            adult_price_cents=5500,
            kid_price_cents=3000,
            toddler_price_cents=0,
            party_minimum_cents=55000,
            deposit_cents=10000,
            road_factor=Decimal("1.25"),
            gratuity_min_percent=20,
            gratuity_max_percent=35,
            is_active=True,
        ),
        key=("effective_from",),
        report=report,
    )
    menu = [
        MenuItem(
            code=code, name=name, category=category, description=description, price_cents=0, sort_order=i
        )
        for category, items in (
            (MenuItem.Category.PROTEIN, BASE_PROTEINS),
            (MenuItem.Category.INCLUDED, INCLUDED_ITEMS),
        )
        for i, (code, name, description) in enumerate(items, start=1)
    ]
    ensure_rows(MenuItem, menu, key=("code",), report=report)
    addons = ensure_rows(
        AddonItem,
        [
            AddonItem(
                code=code, name=name, kind=kind, price_cents=price, description=description, sort_order=i
            )
            for i, (code, name, kind, price, description) in enumerate(ADDON_ITEMS, start=1)
        ],
        key=("code",),
        report=report,
    )
    ensure_rows(
        Knowledge,
        [Knowledge(title=title, category=category, body=body) for title, category, body in KNOWLEDGE],
        key=("title",),
        report=report,
    )
    ensure_rows(
        PayRate,
        [
            PayRate(pay_tier=tier, per_party_cents=per_party, per_guest_cents=per_guest)
            for tier, (per_party, per_guest) in DEFAULT_PAY_RATES.items()
        ],
        key=("pay_tier",),
        report=report,
    )
    return Reference(
        roles=roles,
        fremont=fremont,
        policy=policy,
        addons={code: item for (code,), item in addons.items()},
    )


def sync_catalog(report: SeedReport) -> dict[str, Role]:
    """Make roles, permissions and role_permissions equal to identity/catalog.py."""
    roles = {
        name: role
        for (name,), role in ensure_rows(
            Role,
            [Role(name=spec.name, tier=spec.tier, description=spec.description) for spec in catalog.ROLES],
            key=("name",),
            report=report,
        ).items()
    }
    for spec in catalog.ROLES:
        _correct(roles[spec.name], report, tier=spec.tier, description=spec.description)

    permissions = {}
    for (code,), permission in ensure_rows(
        Permission,
        [
            Permission(
                code=code, resource=code.split(".")[0], action=code.split(".")[1], description=description
            )
            for code, description in catalog.PERMISSIONS.items()
        ],
        key=("code",),
        report=report,
    ).items():
        resource, action = code.split(".")
        _correct(permission, report, resource=resource, action=action, description=catalog.PERMISSIONS[code])
        permissions[code] = permission

    wanted = {
        (roles[role_name].pk, permissions[code].pk)
        for role_name, codes in catalog.ROLE_PERMISSIONS.items()
        for code in codes
    }
    ensure_rows(
        RolePermission,
        [RolePermission(role_id=role_id, permission_id=permission_id) for role_id, permission_id in wanted],
        key=("role_id", "permission_id"),
        report=report,
    )
    # Grants the catalog does not hold (added in the admin, or removed from the catalog).
    stale = [
        grant.pk
        for grant in RolePermission.objects.filter(role__name__in=catalog.ROLE_TIERS.keys())
        if (grant.role_id, grant.permission_id) not in wanted
    ]
    if stale:
        RolePermission.objects.filter(pk__in=stale).delete()
        report.deleted[RolePermission._meta.label] += len(stale)
    return roles


def _correct(instance, report: SeedReport, **values) -> None:
    """Set the given fields when they differ; a row that already matches is not saved."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=[*changed, "updated_at"])
        report.updated[instance._meta.label] += 1


def seed_booking_policies(report: SeedReport) -> None:
    """Every station gets a booking policy with the DOMAIN.md defaults (existing ones are kept)."""
    ensure_rows(
        BookingPolicy,
        [BookingPolicy(station=station) for station in Station.objects.all()],
        key=("station_id",),
        report=report,
    )
