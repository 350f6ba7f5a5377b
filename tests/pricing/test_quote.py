import datetime
import json
from decimal import Decimal

import pytest

from kernel.errors import ServiceError
from pricing.distance import InvalidZipCode, OutsideServiceArea, UnknownZipCode
from pricing.models import AddonItem
from pricing.quote import PricingUnavailable, current_policy, quote_compute
from pricing.serializers import QuoteOutputSerializer, quote_output
from tests.identity.factories import SacramentoStationFactory
from tests.pricing.factories import PricingPolicyFactory, TravelFeeConfigFactory

pytestmark = pytest.mark.django_db

ZIP = "94539"


def line(quote, code):
    return next(line for line in quote.lines if line.code == code)


def codes(quote):
    return [line.code for line in quote.lines]


# --- Food and the party minimum ------------------------------------------------------


def test_five_adults_are_raised_to_the_party_minimum_and_the_quote_says_so(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=5)

    assert line(quote, "adult").total_cents == 27500
    assert quote.minimum_applied is True
    assert quote.food_cents == 55000
    assert quote.party_minimum_cents == 55000
    adjustment = line(quote, "party_minimum_adjustment")
    assert (adjustment.quantity, adjustment.total_cents) == (1, 27500)
    assert sum(line.total_cents for line in quote.lines) == quote.food_cents


def test_no_minimum_is_applied_when_the_food_is_above_it(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=12)

    assert quote.food_cents == 66000
    assert quote.minimum_applied is False
    assert "party_minimum_adjustment" not in codes(quote)


def test_food_exactly_at_the_minimum_is_not_adjusted(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.food_cents == 55000
    assert quote.minimum_applied is False


def test_kids_are_charged_the_kid_price(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=10, party_kids=3)

    kid = line(quote, "kid")
    assert (kid.quantity, kid.unit_cents, kid.total_cents) == (3, 3000, 9000)
    assert quote.food_cents == 55000 + 9000


def test_toddlers_are_free_but_counted_on_the_quote(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=10, party_toddlers=4)

    toddler = line(quote, "toddler")
    assert (toddler.quantity, toddler.unit_cents, toddler.total_cents) == (4, 0, 0)
    assert quote.food_cents == 55000


def test_no_kid_or_toddler_lines_when_there_are_none(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert codes(quote) == ["adult"]


def test_upgrades_and_addons_are_priced_per_serving_from_the_database(priced, fixed_distance):
    quote = quote_compute(
        zip_code=ZIP,
        party_adults=10,
        items=[{"code": "lobster_tail", "quantity": 3}, {"code": "gyoza", "quantity": 2}],
    )

    lobster, gyoza = line(quote, "lobster_tail"), line(quote, "gyoza")
    assert (lobster.label, lobster.unit_cents, lobster.total_cents) == ("Lobster Tail", 1500, 4500)
    assert (gyoza.unit_cents, gyoza.total_cents) == (1000, 2000)
    assert quote.food_cents == 55000 + 4500 + 2000
    assert quote.minimum_applied is False


def test_changing_an_item_price_in_the_database_changes_the_quote(priced, fixed_distance):
    AddonItem.objects.filter(code="lobster_tail").update(price_cents=1800)

    quote = quote_compute(zip_code=ZIP, party_adults=10, items=[{"code": "lobster_tail", "quantity": 3}])

    assert line(quote, "lobster_tail").total_cents == 5400
    assert quote.food_cents == 55000 + 5400


def test_upgrades_and_addons_count_toward_the_party_minimum(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=9, items=[{"code": "extra_protein", "quantity": 6}])

    assert quote.food_cents == 49500 + 6000
    assert quote.minimum_applied is False


def test_duplicate_item_codes_are_summed_into_one_line(priced, fixed_distance):
    quote = quote_compute(
        zip_code=ZIP,
        party_adults=10,
        items=[{"code": "edamame", "quantity": 2}, {"code": "edamame", "quantity": 3}],
    )

    assert codes(quote) == ["adult", "edamame"]
    assert line(quote, "edamame").quantity == 5
    assert line(quote, "edamame").total_cents == 2500


def test_an_unknown_item_is_refused(priced, fixed_distance):
    with pytest.raises(ServiceError) as error:
        quote_compute(zip_code=ZIP, party_adults=10, items=[{"code": "wagyu", "quantity": 1}])

    assert error.value.code == "unknown_item"
    assert error.value.field == "items"
    assert "wagyu" in error.value.message


def test_an_inactive_item_is_refused(priced, fixed_distance):
    AddonItem.objects.filter(code="gyoza").update(is_active=False)

    with pytest.raises(ServiceError) as error:
        quote_compute(zip_code=ZIP, party_adults=10, items=[{"code": "gyoza", "quantity": 1}])

    assert error.value.code == "unknown_item"


@pytest.mark.parametrize("quantity", [0, -1, 501, "3", 2.5, True, None])
def test_an_item_quantity_outside_1_to_500_is_refused(priced, fixed_distance, quantity):
    with pytest.raises(ServiceError) as error:
        quote_compute(zip_code=ZIP, party_adults=10, items=[{"code": "edamame", "quantity": quantity}])

    assert error.value.field == "items"


def test_duplicate_items_summing_past_500_are_refused(priced, fixed_distance):
    items = [{"code": "edamame", "quantity": 300}, {"code": "edamame", "quantity": 201}]

    with pytest.raises(ServiceError) as error:
        quote_compute(zip_code=ZIP, party_adults=10, items=items)

    assert error.value.field == "items"


def test_up_to_two_upgrades_per_adult_or_kid_are_allowed(priced, fixed_distance):
    items = [{"code": "salmon", "quantity": 20}, {"code": "filet_mignon", "quantity": 4}]

    quote = quote_compute(zip_code=ZIP, party_adults=10, party_kids=2, items=items)

    assert quote.food_cents == 55000 + 6000 + 24 * 500


def test_more_upgrades_than_two_per_adult_or_kid_are_refused(priced, fixed_distance):
    items = [{"code": "salmon", "quantity": 20}, {"code": "filet_mignon", "quantity": 5}]

    with pytest.raises(ServiceError) as error:
        # Toddlers do not make room for upgrades.
        quote_compute(zip_code=ZIP, party_adults=10, party_kids=2, party_toddlers=5, items=items)

    assert error.value.field == "items"
    assert error.value.code == "too_many_upgrades"


def test_addons_are_not_limited_by_the_number_of_guests(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=10, items=[{"code": "edamame", "quantity": 100}])

    assert line(quote, "edamame").total_cents == 50000


@pytest.mark.parametrize(
    ("party", "field"),
    [
        ({"party_adults": 0}, "party_adults"),
        ({"party_adults": 101}, "party_adults"),
        ({"party_adults": 10, "party_kids": -1}, "party_kids"),
        ({"party_adults": 10, "party_kids": 101}, "party_kids"),
        ({"party_adults": 10, "party_toddlers": 101}, "party_toddlers"),
        ({"party_adults": "10"}, "party_adults"),
    ],
)
def test_a_party_outside_the_limits_is_refused(priced, fixed_distance, party, field):
    with pytest.raises(ServiceError) as error:
        quote_compute(zip_code=ZIP, **party)

    assert error.value.field == field


def test_a_party_of_100_adults_100_kids_and_100_toddlers_is_quoted(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=100, party_kids=100, party_toddlers=100)

    assert quote.food_cents == 100 * 5500 + 100 * 3000


# --- Prices come from the policy in effect --------------------------------------------


def test_prices_come_from_the_policy_in_effect_on_the_date(priced, fixed_distance):
    PricingPolicyFactory(
        effective_from=datetime.date(2031, 1, 1), adult_price_cents=6000, party_minimum_cents=0
    )

    before = quote_compute(zip_code=ZIP, party_adults=5, on_date=datetime.date(2030, 12, 31))
    after = quote_compute(zip_code=ZIP, party_adults=5, on_date=datetime.date(2031, 1, 1))

    assert (before.food_cents, before.minimum_applied) == (55000, True)
    assert (after.food_cents, after.minimum_applied) == (30000, False)


def test_an_inactive_policy_is_ignored(priced, fixed_distance):
    PricingPolicyFactory(effective_from=datetime.date(2031, 1, 1), adult_price_cents=9900, is_active=False)

    quote = quote_compute(zip_code=ZIP, party_adults=10, on_date=datetime.date(2031, 6, 1))

    assert line(quote, "adult").unit_cents == 5500


def test_without_a_policy_in_effect_pricing_is_unavailable(fremont, menu, fixed_distance):
    PricingPolicyFactory(effective_from=datetime.date(2031, 1, 1))

    with pytest.raises(PricingUnavailable) as error:
        quote_compute(zip_code=ZIP, party_adults=10, on_date=datetime.date(2030, 1, 1))

    assert error.value.code == "pricing_unavailable"
    assert isinstance(error.value, ServiceError)


def test_current_policy_is_the_latest_active_one_on_or_before_the_date(policy):
    later = PricingPolicyFactory(effective_from=datetime.date(2031, 1, 1))

    assert current_policy(datetime.date(2030, 12, 31)) == policy
    assert current_policy(datetime.date(2031, 1, 1)) == later


# --- Travel ---------------------------------------------------------------------------


def test_the_travel_fee_is_zero_within_the_free_miles(priced, fixed_distance):
    fixed_distance("30.0")

    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.travel_fee_cents == 0
    assert quote.distance_miles == Decimal("30.0")


def test_the_travel_fee_is_charged_per_mile_past_the_free_miles(priced, fixed_distance):
    fixed_distance("42.4")

    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.travel_fee_cents == 2480  # 12.4 miles x $2.00
    assert quote.total_cents == 55000 + 2480


def test_a_travel_fee_at_half_a_cent_rounds_up(priced, fixed_distance):
    priced.price_per_mile_cents = 205
    priced.save()
    fixed_distance("42.1")

    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.travel_fee_cents == 2481  # 12.1 x 205 = 2480.5


def test_a_zip_past_the_maximum_distance_is_outside_the_service_area(priced, fixed_distance):
    fixed_distance("162.3")

    with pytest.raises(OutsideServiceArea) as error:
        quote_compute(zip_code="94123", party_adults=10)

    assert error.value.code == "outside_service_area"
    assert error.value.field == "zip_code"
    assert error.value.message == (
        "94123 is outside our service area (162.3 miles from our nearest station; we travel up to 150)."
    )


def test_a_zip_at_exactly_the_maximum_distance_is_served(priced, fixed_distance):
    fixed_distance("150.0")

    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.travel_fee_cents == 24000


def test_an_unknown_zip_code_is_refused(priced):
    with pytest.raises(UnknownZipCode) as error:
        quote_compute(zip_code="00000", party_adults=10)

    assert error.value.code == "unknown_zip"
    assert error.value.field == "zip_code"


def test_a_malformed_zip_code_is_refused(priced):
    with pytest.raises(InvalidZipCode) as error:
        quote_compute(zip_code="9453", party_adults=10)

    assert error.value.message == "Enter a 5-digit US ZIP code."
    assert error.value.field == "zip_code"


def test_a_travel_fee_configuration_applies_from_its_effective_date_on(priced, fixed_distance):
    fixed_distance("42.4")
    TravelFeeConfigFactory(
        station=priced, effective_from=datetime.date(2030, 6, 1), free_miles=20, price_per_mile_cents=300
    )

    before = quote_compute(zip_code=ZIP, party_adults=10, on_date=datetime.date(2030, 5, 31))
    on = quote_compute(zip_code=ZIP, party_adults=10, on_date=datetime.date(2030, 6, 1))

    assert before.travel_fee_cents == 2480  # 12.4 x 200, the station's own rules
    assert on.travel_fee_cents == 6720  # 22.4 x 300


def test_the_real_distance_to_the_serving_station_is_quoted(priced):
    quote = quote_compute(zip_code="95814", party_adults=10)  # downtown Sacramento, 96.3 road miles

    assert quote.station == priced
    assert quote.distance_miles == Decimal("96.3")
    assert quote.travel_fee_cents == 13260  # 66.3 x 200


def test_the_nearest_active_station_serves_the_quote(priced):
    sacramento = SacramentoStationFactory()

    quote = quote_compute(zip_code="95814", party_adults=10)

    assert quote.station == sacramento
    assert quote.travel_fee_cents == 0


# --- Tax, total, deposit --------------------------------------------------------------


def test_tax_is_charged_on_food_and_travel_at_the_station_rate(priced, fixed_distance):
    priced.tax_rate_percent = Decimal("9.25")
    priced.save()
    fixed_distance("42.4")

    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.tax_cents == 5317  # (55000 + 2480) x 9.25% = 5316.9
    assert quote.total_cents == 55000 + 2480 + 5317


def test_no_tax_at_a_station_without_a_tax_rate(priced, fixed_distance):
    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.tax_cents == 0


def test_the_balance_is_the_total_less_the_deposit(priced, fixed_distance):
    fixed_distance("42.4")

    quote = quote_compute(zip_code=ZIP, party_adults=10)

    assert quote.total_cents == quote.food_cents + quote.travel_fee_cents + quote.tax_cents
    assert quote.deposit_cents == 10000
    assert quote.balance_cents == quote.total_cents - 10000


def test_the_deposit_is_never_above_the_total(fremont, menu, fixed_distance):
    PricingPolicyFactory(deposit_cents=10000, party_minimum_cents=0, adult_price_cents=5500)

    quote = quote_compute(zip_code=ZIP, party_adults=1)

    assert quote.total_cents == 5500
    assert quote.deposit_cents == 5500
    assert quote.balance_cents == 0


# --- Shape and cost -------------------------------------------------------------------


def test_a_quote_as_a_dict_is_json_safe(priced, fixed_distance):
    fixed_distance("42.4")

    quote = quote_compute(zip_code=ZIP, party_adults=5, items=[{"code": "salmon", "quantity": 2}])
    data = json.loads(json.dumps(quote.as_dict()))

    assert data["distance_miles"] == "42.4"
    assert data["station"] == {"code": "CA-FREMONT-001", "name": "Fremont"}
    assert data["lines"][0] == {
        "code": "adult",
        "label": "Adults (13+)",
        "quantity": 5,
        "unit_cents": 5500,
        "total_cents": 27500,
    }
    assert set(data) == {
        "lines",
        "food_cents",
        "minimum_applied",
        "party_minimum_cents",
        "travel_fee_cents",
        "distance_miles",
        "tax_cents",
        "total_cents",
        "deposit_cents",
        "balance_cents",
        "station",
    }
    assert data["minimum_applied"] is True


def test_a_quote_with_items_and_two_stations_reads_no_query_once_the_catalogue_is_read(
    priced, django_assert_max_num_queries, django_assert_num_queries
):
    SacramentoStationFactory()
    TravelFeeConfigFactory(station=priced)
    items = [{"code": "lobster_tail", "quantity": 3}, {"code": "gyoza", "quantity": 2}]
    with django_assert_max_num_queries(5):  # the catalogue, read once per process
        quote_compute(zip_code="95123", party_adults=10, party_kids=2, items=items)

    with django_assert_num_queries(0):
        quote_compute(zip_code="95123", party_adults=10, party_kids=2, items=items)


def test_the_plain_quote_body_is_the_documented_serializer_shape(priced):
    items = [{"code": "lobster_tail", "quantity": 3}, {"code": "gyoza", "quantity": 2}]
    quote = quote_compute(zip_code="95123", party_adults=3, party_kids=2, party_toddlers=1, items=items)

    assert quote_output(quote.as_dict()) == QuoteOutputSerializer(quote.as_dict()).data
