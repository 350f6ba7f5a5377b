"""The pricing engine: what a party costs, computed by the server from the database's prices.

Every price comes from the PricingPolicy in effect and the AddonItem rows; every rounding goes
through kernel.money.round_cents. A client never sends a price.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from identity.models import Station
from kernel.error_codes import PricingErrors
from kernel.errors import ServiceError
from kernel.money import format_cents, round_cents
from pricing.catalogue import catalogue
from pricing.distance import normalize_zip, serving_station_for_zip
from pricing.models import AddonItem
from pricing.selectors import PricingUnavailable, current_policy

__all__ = [
    "PricingUnavailable",
    "Quote",
    "QuoteLine",
    "current_policy",
    "gratuity_suggestions",
    "quote_compute",
]

MAX_PARTY = 100
MAX_ITEM_QUANTITY = 500
# Every guest picks two proteins; an upgrade replaces one of them.
PROTEINS_PER_GUEST = 2


@dataclass(frozen=True)
class QuoteLine:
    code: str
    label: str
    quantity: int
    unit_cents: int
    total_cents: int

    @classmethod
    def priced(cls, *, code: str, label: str, quantity: int, unit_cents: int) -> "QuoteLine":
        """A line whose total is quantity times the unit price."""
        return cls(
            code=code,
            label=label,
            quantity=quantity,
            unit_cents=unit_cents,
            total_cents=quantity * unit_cents,
        )

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "quantity": self.quantity,
            "unit_cents": self.unit_cents,
            "total_cents": self.total_cents,
        }


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    food_cents: int
    minimum_applied: bool
    party_minimum_cents: int
    travel_fee_cents: int
    distance_miles: Decimal
    tax_cents: int
    total_cents: int
    deposit_cents: int
    balance_cents: int
    station: Station

    def as_dict(self) -> dict:
        """JSON-safe: cents as integers, the distance as a string ("12.3")."""
        return {
            "lines": [line.as_dict() for line in self.lines],
            "food_cents": self.food_cents,
            "minimum_applied": self.minimum_applied,
            "party_minimum_cents": self.party_minimum_cents,
            "travel_fee_cents": self.travel_fee_cents,
            "distance_miles": str(self.distance_miles),
            "tax_cents": self.tax_cents,
            "total_cents": self.total_cents,
            "deposit_cents": self.deposit_cents,
            "balance_cents": self.balance_cents,
            "station": {"code": self.station.code, "name": self.station.name},
        }


def _check_count(value: int, *, field: str, noun: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_PARTY:
        raise ServiceError(f"Enter between {minimum} and {MAX_PARTY} {noun}.", field=field)


def _requested_items(items: Sequence[Mapping]) -> dict[str, int]:
    """{code: total quantity} in the order first asked for; duplicates are summed."""
    quantities: dict[str, int] = {}
    for item in items:
        code = item.get("code") if isinstance(item, Mapping) else None
        if not isinstance(code, str) or not code:
            raise ServiceError("Each item needs a code and a quantity.", field="items")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            quantity = 0  # not a whole number: refused below like any quantity out of range
        quantities[code] = quantities.get(code, 0) + quantity
        if quantity < 1 or quantities[code] > MAX_ITEM_QUANTITY:
            raise ServiceError(
                f"The quantity of {code[:40]} must be between 1 and {MAX_ITEM_QUANTITY}.", field="items"
            )
    return quantities


def _item_lines(
    quantities: dict[str, int], *, guests_choosing_proteins: int, addons: Mapping[str, AddonItem]
) -> list[QuoteLine]:
    """One line per requested upgrade or add-on, priced per serving from the catalogue."""
    if not quantities:
        return []
    found = {code: addons[code] for code in quantities if code in addons}
    unknown = [code for code in quantities if code not in found]
    if unknown:
        raise ServiceError(
            f"We do not offer {', '.join(code[:40] for code in sorted(unknown)[:5])}.",
            field="items",
            code=PricingErrors.UNKNOWN_ITEM,
        )
    upgrades = sum(q for code, q in quantities.items() if found[code].kind == AddonItem.Kind.UPGRADE)
    most_upgrades = PROTEINS_PER_GUEST * guests_choosing_proteins
    if upgrades > most_upgrades:
        raise ServiceError(
            f"{upgrades} protein upgrades is more than the party's {most_upgrades} protein choices "
            f"(two per adult or kid).",
            field="items",
            code=PricingErrors.TOO_MANY_UPGRADES,
        )
    return [
        QuoteLine.priced(
            code=code, label=found[code].name, quantity=quantity, unit_cents=found[code].price_cents
        )
        for code, quantity in quantities.items()
    ]


def quote_compute(
    *,
    zip_code: str,
    party_adults: int,
    party_kids: int = 0,
    party_toddlers: int = 0,
    items: Sequence[Mapping] = (),
    on_date: date | None = None,
) -> Quote:
    """The price of a party at a ZIP code with the prices in effect on the date (today).

    Raises ServiceError (field at fault) for an invalid party or item, the distance errors for
    the ZIP code, and PricingUnavailable when no policy is in effect. No query while the
    process's catalogue is current (pricing/catalogue.py), four when it was just changed.
    """
    zip_code = normalize_zip(zip_code)
    # One date for the policy and the travel rules, even across midnight.
    on_date = on_date or timezone.localdate()
    _check_count(party_adults, field="party_adults", noun="adults", minimum=1)
    _check_count(party_kids, field="party_kids", noun="kids", minimum=0)
    _check_count(party_toddlers, field="party_toddlers", noun="toddlers", minimum=0)
    quantities = _requested_items(items)

    rows = catalogue()
    policy = rows.policy_on(on_date)
    if policy is None:
        current_policy(on_date)  # raises PricingUnavailable, in the one wording
    lines = [
        QuoteLine.priced(
            code="adult", label="Adults (13+)", quantity=party_adults, unit_cents=policy.adult_price_cents
        )
    ]
    if party_kids:
        lines.append(
            QuoteLine.priced(
                code="kid", label="Kids (6-12)", quantity=party_kids, unit_cents=policy.kid_price_cents
            )
        )
    if party_toddlers:
        lines.append(
            QuoteLine.priced(
                code="toddler",
                label="Toddlers (5 and under)",
                quantity=party_toddlers,
                unit_cents=policy.toddler_price_cents,
            )
        )
    lines += _item_lines(quantities, guests_choosing_proteins=party_adults + party_kids, addons=rows.addons)

    food_cents = sum(line.total_cents for line in lines)
    minimum_applied = food_cents < policy.party_minimum_cents
    if minimum_applied:
        difference = policy.party_minimum_cents - food_cents
        lines.append(
            QuoteLine.priced(
                code="party_minimum_adjustment",
                label=f"Party minimum ({format_cents(policy.party_minimum_cents)} of food)",
                quantity=1,
                unit_cents=difference,
            )
        )
        food_cents = policy.party_minimum_cents

    serving = serving_station_for_zip(zip_code, on_date=on_date, road_factor=policy.road_factor, rows=rows)
    billable_miles = max(Decimal(0), serving.distance_miles - serving.free_miles)
    travel_fee_cents = round_cents(billable_miles * serving.price_per_mile_cents)
    tax_cents = round_cents(Decimal(food_cents + travel_fee_cents) * serving.station.tax_rate_percent / 100)
    total_cents = food_cents + travel_fee_cents + tax_cents
    deposit_cents = min(policy.deposit_cents, total_cents)

    return Quote(
        lines=tuple(lines),
        food_cents=food_cents,
        minimum_applied=minimum_applied,
        party_minimum_cents=policy.party_minimum_cents,
        travel_fee_cents=travel_fee_cents,
        distance_miles=serving.distance_miles,
        tax_cents=tax_cents,
        total_cents=total_cents,
        deposit_cents=deposit_cents,
        balance_cents=total_cents - deposit_cents,
        station=serving.station,
    )


def gratuity_suggestions(*, total_cents: int, on_date: date | None = None) -> list[tuple[int, int]]:
    """The suggested tips for a party: (percent, cents) every 5 % across the policy's range (20-35 %)."""
    policy = current_policy(on_date)
    return [
        (percent, round_cents(Decimal(total_cents) * percent / 100))
        for percent in range(policy.gratuity_min_percent, policy.gratuity_max_percent + 1, 5)
    ]
