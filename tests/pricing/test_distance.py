import datetime
import math
from decimal import Decimal

import pytest

from pricing.distance import (
    InvalidZipCode,
    OutsideServiceArea,
    UnknownZipCode,
    ZipCentroidDistanceProvider,
    get_distance_provider,
    serving_station_for_zip,
)
from pricing.selectors import stations_active
from tests.identity.factories import SacramentoStationFactory, StationFactory
from tests.pricing.factories import PricingPolicyFactory, TravelFeeConfigFactory
from tests.pricing.fakes import FixedDistanceProvider

# The Fremont station, and the centroid of ZIP 95814 (downtown Sacramento) in the bundled table.
FREMONT = (Decimal("37.5172"), Decimal("-121.9188"))
SACRAMENTO_95814 = (38.5804, -121.4922)


def spherical_law_of_cosines_miles(a, b) -> float:
    """An independent great-circle formula to check the provider's haversine against."""
    phi_a, phi_b = math.radians(a[0]), math.radians(b[0])
    delta_lambda = math.radians(b[1] - a[1])
    cosine = math.sin(phi_a) * math.sin(phi_b) + math.cos(phi_a) * math.cos(phi_b) * math.cos(delta_lambda)
    return math.acos(cosine) * 3958.8


def test_distance_is_the_great_circle_times_the_road_factor_rounded_to_a_tenth_of_a_mile():
    great_circle = spherical_law_of_cosines_miles(SACRAMENTO_95814, tuple(map(float, FREMONT)))
    assert round(great_circle, 2) == 77.04
    provider = ZipCentroidDistanceProvider(road_factor=Decimal("1.25"))

    miles = provider.miles_between_zip_and_point("95814", *FREMONT)

    assert miles == Decimal("96.3")  # 77.04 x 1.25 = 96.30
    assert miles == Decimal(great_circle * 1.25).quantize(Decimal("0.1"))


def test_a_zip_to_its_own_centroid_is_zero_miles():
    provider = ZipCentroidDistanceProvider(road_factor=Decimal("1.25"))

    assert provider.miles_between_zip_and_point("95814", *map(Decimal, ("38.5804", "-121.4922"))) == Decimal(
        "0.0"
    )


@pytest.mark.django_db
def test_the_default_road_factor_is_the_pricing_policys(policy):
    PricingPolicyFactory(effective_from=datetime.date(2031, 1, 1), road_factor=Decimal("1.50"))

    today = ZipCentroidDistanceProvider().miles_between_zip_and_point("95814", *FREMONT)
    later = ZipCentroidDistanceProvider(on_date=datetime.date(2031, 1, 1)).miles_between_zip_and_point(
        "95814", *FREMONT
    )

    assert today == Decimal("96.3")
    assert later == Decimal("115.6")  # 77.04 x 1.50


@pytest.mark.django_db
def test_without_a_policy_the_road_factor_is_one_and_a_quarter():
    assert ZipCentroidDistanceProvider().road_factor == Decimal("1.25")


def test_an_unknown_zip_code_cannot_be_placed():
    with pytest.raises(UnknownZipCode) as error:
        ZipCentroidDistanceProvider(road_factor=Decimal("1.25")).miles_between_zip_and_point(
            "00000", *FREMONT
        )

    assert error.value.code == "unknown_zip"
    assert error.value.field == "zip_code"


def test_the_configured_distance_provider_is_used(settings):
    settings.DISTANCE_PROVIDER = "tests.pricing.fakes.FixedDistanceProvider"

    assert isinstance(get_distance_provider(), FixedDistanceProvider)


def test_without_configuration_the_zip_centroid_provider_is_used(settings):
    settings.DISTANCE_PROVIDER = ""

    assert isinstance(get_distance_provider(), ZipCentroidDistanceProvider)


# --- The serving station --------------------------------------------------------------


@pytest.mark.django_db
def test_the_serving_station_carries_its_distance_and_travel_rules(policy):
    fremont = StationFactory()

    serving = serving_station_for_zip("95814")

    assert serving.station == fremont
    assert serving.distance_miles == Decimal("96.3")
    assert (serving.free_miles, serving.price_per_mile_cents, serving.max_distance_miles) == (30, 200, 150)


@pytest.mark.django_db
def test_the_nearest_active_station_serves(policy):
    fremont = StationFactory()
    sacramento = SacramentoStationFactory()

    assert serving_station_for_zip("95814").station == sacramento
    assert serving_station_for_zip("94539").station == fremont

    sacramento.is_active = False
    sacramento.save()

    assert serving_station_for_zip("95814").station == fremont


@pytest.mark.django_db
def test_a_nearer_station_that_does_not_travel_that_far_is_passed_over(policy):
    fremont = StationFactory()
    SacramentoStationFactory(max_distance_miles=10)

    # 95678 (Roseville) is 21.2 road miles from Sacramento and 115.7 from Fremont.
    serving = serving_station_for_zip("95678")

    assert serving.station == fremont


@pytest.mark.django_db
def test_a_zip_beyond_every_stations_reach_is_outside_the_service_area(policy):
    StationFactory()
    SacramentoStationFactory()

    with pytest.raises(OutsideServiceArea) as error:
        serving_station_for_zip("90001")  # Los Angeles

    assert error.value.code == "outside_service_area"
    assert error.value.field == "zip_code"
    assert error.value.message.startswith("90001 is outside our service area (")
    assert error.value.message.endswith("miles from our nearest station; we travel up to 150).")


@pytest.mark.django_db
def test_with_no_active_station_every_zip_is_outside_the_service_area(policy):
    StationFactory(is_active=False)

    with pytest.raises(OutsideServiceArea):
        serving_station_for_zip("94539")


@pytest.mark.django_db
@pytest.mark.parametrize("zip_code", ["9453", "945390", "abcde", "", "94539-1234", "٩٤٥٣٩", None])
def test_a_zip_code_must_be_five_digits(policy, zip_code):
    StationFactory()

    with pytest.raises(InvalidZipCode) as error:
        serving_station_for_zip(zip_code)

    assert error.value.message == "Enter a 5-digit US ZIP code."
    assert error.value.field == "zip_code"


@pytest.mark.django_db
def test_spaces_around_a_zip_code_are_ignored(policy):
    StationFactory()

    assert serving_station_for_zip(" 94539 ").distance_miles < 5


@pytest.mark.django_db
def test_a_travel_fee_configuration_overrides_the_station_from_its_effective_date_on(policy):
    fremont = StationFactory()
    TravelFeeConfigFactory(
        station=fremont,
        effective_from=datetime.date(2030, 6, 1),
        free_miles=20,
        price_per_mile_cents=300,
        max_distance_miles=200,
    )
    TravelFeeConfigFactory(
        station=fremont,
        effective_from=datetime.date(2031, 1, 1),
        free_miles=25,
        price_per_mile_cents=250,
        max_distance_miles=None,
    )

    def rules(on_date):
        serving = serving_station_for_zip("94539", on_date=on_date)
        return serving.free_miles, serving.price_per_mile_cents, serving.max_distance_miles

    assert rules(datetime.date(2030, 5, 31)) == (30, 200, 150)
    assert rules(datetime.date(2030, 6, 1)) == (20, 300, 200)
    assert rules(datetime.date(2031, 1, 1)) == (25, 250, 150)  # no max distance: the station's


@pytest.mark.django_db
def test_a_travel_fee_configuration_can_shrink_the_service_area(policy):
    fremont = StationFactory()
    TravelFeeConfigFactory(station=fremont, effective_from=datetime.date(2030, 6, 1), max_distance_miles=50)

    assert serving_station_for_zip("95814", on_date=datetime.date(2030, 5, 31)).station == fremont
    with pytest.raises(OutsideServiceArea) as error:
        serving_station_for_zip("95814", on_date=datetime.date(2030, 6, 1))

    assert "(96.3 miles from our nearest station; we travel up to 50)" in error.value.message


@pytest.mark.django_db
def test_another_stations_travel_fee_configuration_does_not_apply(policy):
    fremont = StationFactory()
    sacramento = SacramentoStationFactory()
    TravelFeeConfigFactory(station=sacramento, free_miles=0, price_per_mile_cents=999)

    fremont_rules = stations_active().get(pk=fremont.pk)

    assert (fremont_rules.effective_free_miles, fremont_rules.effective_price_per_mile_cents) == (30, 200)


@pytest.mark.django_db
def test_finding_the_serving_station_reads_no_query_once_the_catalogue_is_read(
    policy, django_assert_num_queries
):
    fremont = StationFactory()
    SacramentoStationFactory()
    TravelFeeConfigFactory(station=fremont)
    serving_station_for_zip("94539", road_factor=Decimal("1.25"))  # the process reads the catalogue

    with django_assert_num_queries(0):
        serving = serving_station_for_zip("94539", road_factor=Decimal("1.25"))

    assert serving.station == fremont
