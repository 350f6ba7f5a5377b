"""Output shapes of the pricing API, and the one shape of a quote wherever the API shows one
(the quote endpoint, a booking's quote, the assistant's quotes)."""

from rest_framework import serializers


class MenuPricesOutputSerializer(serializers.Serializer):
    adult_cents = serializers.IntegerField(help_text="Per adult (13+).")
    kid_cents = serializers.IntegerField(help_text="Per kid (6-12).")
    toddler_cents = serializers.IntegerField(help_text="Per toddler (5 and under); usually 0.")


class MenuItemOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class PricedItemOutputSerializer(MenuItemOutputSerializer):
    price_cents = serializers.IntegerField(help_text="Per serving.")


class GratuityOutputSerializer(serializers.Serializer):
    min_percent = serializers.IntegerField()
    max_percent = serializers.IntegerField()


class MenuOutputSerializer(serializers.Serializer):
    prices = MenuPricesOutputSerializer()
    proteins = MenuItemOutputSerializer(many=True, help_text="Every guest chooses two.")
    included = MenuItemOutputSerializer(many=True, help_text="Included with every meal.")
    upgrades = PricedItemOutputSerializer(many=True, help_text="Each replaces one of a guest's proteins.")
    addons = PricedItemOutputSerializer(many=True)
    party_minimum_cents = serializers.IntegerField(help_text="Food below this is raised to it.")
    deposit_cents = serializers.IntegerField(help_text="Fixed deposit, never above the total.")
    gratuity = GratuityOutputSerializer(help_text="Suggested; not part of the total, paid to the chef.")


class StationOutputSerializer(serializers.Serializer):
    """A station with the travel rules in effect today (a travel fee configuration overrides)."""

    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    free_miles = serializers.IntegerField(source="effective_free_miles")
    price_per_mile_cents = serializers.IntegerField(source="effective_price_per_mile_cents")
    max_distance_miles = serializers.IntegerField(source="effective_max_distance_miles")


# --- A quote --------------------------------------------------------------------------------
# The API's words for money (README "API vocabulary"): `total_due_cents` and
# `deposit_due_cents` as on a booking; "balance" is reserved for what is still owed
# (total - paid), so the quote's total minus its deposit is `due_after_deposit_cents`.


class QuoteLineOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="adult, kid, toddler, an item code, or party_minimum_adjustment.")
    label = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_cents = serializers.IntegerField()
    total_cents = serializers.IntegerField(help_text="quantity times unit_cents.")


class QuoteStationOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class QuoteOutputSerializer(serializers.Serializer):
    """The single source of a quote's body: pricing.quote.Quote.as_dict() (also what a booking stores)."""

    lines = QuoteLineOutputSerializer(many=True)
    food_cents = serializers.IntegerField(help_text="After the party minimum.")
    minimum_applied = serializers.BooleanField()
    party_minimum_cents = serializers.IntegerField()
    travel_fee_cents = serializers.IntegerField()
    distance_miles = serializers.CharField(help_text='Road miles to the serving station, e.g. "12.3".')
    tax_cents = serializers.IntegerField()
    total_due_cents = serializers.IntegerField(source="total_cents", help_text="Food + travel fee + tax.")
    deposit_due_cents = serializers.IntegerField(
        source="deposit_cents",
        help_text="Due by the booking's deposit deadline (its station's policy); never above the total.",
    )
    due_after_deposit_cents = serializers.IntegerField(
        source="balance_cents", help_text="total_due_cents minus deposit_due_cents: paid on the day."
    )
    station = QuoteStationOutputSerializer()


def quote_output(quote: dict) -> dict:
    """QuoteOutputSerializer(quote).data as a plain dict, for the hot paths (the quote endpoint).

    The serializer stays the documented shape (OpenAPI) and the reference: a test holds the two
    equal. `quote` is Quote.as_dict() (or a booking's stored copy of it).
    """
    return {
        "lines": [
            {
                "code": line["code"],
                "label": line["label"],
                "quantity": line["quantity"],
                "unit_cents": line["unit_cents"],
                "total_cents": line["total_cents"],
            }
            for line in quote["lines"]
        ],
        "food_cents": quote["food_cents"],
        "minimum_applied": quote["minimum_applied"],
        "party_minimum_cents": quote["party_minimum_cents"],
        "travel_fee_cents": quote["travel_fee_cents"],
        "distance_miles": str(quote["distance_miles"]),
        "tax_cents": quote["tax_cents"],
        "total_due_cents": quote["total_cents"],
        "deposit_due_cents": quote["deposit_cents"],
        "due_after_deposit_cents": quote["balance_cents"],
        "station": {"code": quote["station"]["code"], "name": quote["station"]["name"]},
    }
