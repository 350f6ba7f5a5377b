"""Policy figures: every price and policy number the assistant may say, from their one home each.

Prices come from the pricing policy in effect and the add-on items (pricing), travel rules from
the station (pricing.selectors.stations_active), the booking windows from ops.policy. The
result is recorded on the message as the `policy` tool's result, so the guard can check every
figure of a reply against it, and knowledge placeholders are filled from it.
"""

from __future__ import annotations

import datetime
from typing import Any

from identity.models import Station
from kernel.money import format_cents
from ops.policy import booking_rules
from pricing.models import AddonItem
from pricing.selectors import current_policy, stations_active


def _hours(value: datetime.timedelta) -> int:
    return int(value.total_seconds() // 3600)


def policy_figures(*, station: Station | None, on_date: datetime.date | None = None) -> dict[str, Any]:
    """{name: value} of every price and policy figure at the station (JSON-safe). Three queries."""
    policy = current_policy(on_date)
    rules = booking_rules(station)
    figures: dict[str, Any] = {
        "adult_price_cents": policy.adult_price_cents,
        "kid_price_cents": policy.kid_price_cents,
        "toddler_price_cents": policy.toddler_price_cents,
        "party_minimum_cents": policy.party_minimum_cents,
        "deposit_cents": policy.deposit_cents,
        "gratuity_min_percent": policy.gratuity_min_percent,
        "gratuity_max_percent": policy.gratuity_max_percent,
        "refund_notice_days": rules.refund_notice.days,
        "change_cutoff_hours": _hours(rules.change_cutoff),
        "booking_min_lead_hours": _hours(rules.booking_min_lead),
        "booking_max_ahead_days": rules.booking_max_ahead.days,
        "deposit_deadline_hours": _hours(rules.deposit_deadline),
        "staff_party_size": rules.staff_party_size,
        "slots": [slot.strftime("%H:%M") for slot in rules.slot_times],
        "item_prices_cents": dict(
            AddonItem.objects.filter(is_active=True).order_by("sort_order").values_list("code", "price_cents")
        ),
    }
    travel = stations_active(on_date=on_date)
    travel = travel.filter(pk=station.pk) if station is not None else travel
    first = travel.first()
    if first is not None:
        figures.update(
            station_name=first.name,
            station_city=first.city,
            station_address=f"{first.address}, {first.city}, {first.state} {first.zip_code}",
            free_miles=first.effective_free_miles,
            price_per_mile_cents=first.effective_price_per_mile_cents,
            max_distance_miles=first.effective_max_distance_miles,
        )
    return figures


def money(cents: int) -> str:
    """$55 for whole dollars, $12.50 otherwise: how the assistant writes an amount."""
    text = format_cents(cents)
    return text[:-3] if text.endswith(".00") else text


def placeholder_values(figures: dict[str, Any]) -> dict[str, str]:
    """What each knowledge placeholder ({adult_price}, {refund_notice_days}, ...) reads as."""
    values = {
        "adult_price": money(figures["adult_price_cents"]),
        "kid_price": money(figures["kid_price_cents"]),
        "toddler_price": money(figures["toddler_price_cents"]),
        "party_minimum": money(figures["party_minimum_cents"]),
        "deposit": money(figures["deposit_cents"]),
        "gratuity_min_percent": str(figures["gratuity_min_percent"]),
        "gratuity_max_percent": str(figures["gratuity_max_percent"]),
        "refund_notice_days": str(figures["refund_notice_days"]),
        "change_cutoff_hours": str(figures["change_cutoff_hours"]),
        "booking_min_lead_hours": str(figures["booking_min_lead_hours"]),
        "booking_max_ahead_days": str(figures["booking_max_ahead_days"]),
        "deposit_deadline_hours": str(figures["deposit_deadline_hours"]),
        "staff_party_size": str(figures["staff_party_size"]),
        "slots": ", ".join(figures["slots"][:-1]) + f" or {figures['slots'][-1]}",
    }
    for key in ("station_name", "station_city", "station_address"):
        if key in figures:
            values[key] = figures[key]
    if "free_miles" in figures:
        values["free_miles"] = str(figures["free_miles"])
        values["price_per_mile"] = money(figures["price_per_mile_cents"])
        values["max_distance_miles"] = str(figures["max_distance_miles"])
    for code, cents in figures["item_prices_cents"].items():
        values[f"price_{code}"] = money(cents)
    return values
