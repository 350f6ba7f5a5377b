import datetime

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from pricing.models import AddonItem, PricingPolicy
from tests.identity.factories import SacramentoStationFactory, StationFactory
from tests.pricing.factories import TravelFeeConfigFactory

pytestmark = pytest.mark.django_db


def test_the_menu_lists_prices_items_and_rules_from_the_database(api_client, priced):
    response = api_client.get("/api/v1/menu/")

    assert response.status_code == 200
    menu = response.json()
    assert menu["prices"] == {"adult_cents": 5500, "kid_cents": 3000, "toddler_cents": 0}
    assert [p["code"] for p in menu["proteins"]] == [
        "chicken",
        "ny_strip_steak",
        "shrimp",
        "calamari",
        "tofu",
    ]
    assert [i["code"] for i in menu["included"]] == ["fried_rice", "vegetables", "salad", "sauces"]
    assert [(u["code"], u["price_cents"]) for u in menu["upgrades"]] == [
        ("salmon", 500),
        ("scallops", 500),
        ("filet_mignon", 500),
        ("lobster_tail", 1500),
    ]
    assert [(a["code"], a["price_cents"]) for a in menu["addons"]] == [
        ("yakisoba_noodles", 500),
        ("extra_fried_rice", 500),
        ("extra_vegetables", 500),
        ("edamame", 500),
        ("gyoza", 1000),
        ("extra_protein", 1000),
    ]
    assert set(menu["upgrades"][0]) == {"code", "name", "description", "price_cents"}
    assert menu["party_minimum_cents"] == 55000
    assert menu["deposit_cents"] == 10000
    assert menu["gratuity"] == {"min_percent": 20, "max_percent": 35}


def test_the_menu_follows_price_changes_and_hides_inactive_items(api_client, priced):
    PricingPolicy.objects.update(adult_price_cents=6000)
    AddonItem.objects.filter(code="gyoza").update(price_cents=1200)
    AddonItem.objects.filter(code="edamame").update(is_active=False)

    menu = api_client.get("/api/v1/menu/").json()

    assert menu["prices"]["adult_cents"] == 6000
    addons = {a["code"]: a["price_cents"] for a in menu["addons"]}
    assert addons["gyoza"] == 1200
    assert "edamame" not in addons


def test_the_menu_is_read_from_the_process_catalogue_without_a_query(
    api_client, priced, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(5):  # the catalogue, read once
        api_client.get("/api/v1/menu/")

    with django_assert_num_queries(0):
        assert api_client.get("/api/v1/menu/").status_code == 200


def test_without_a_pricing_policy_the_menu_is_unavailable_in_the_error_shape(api_client, menu):
    response = api_client.get("/api/v1/menu/")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "pricing_unavailable"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_stations_lists_active_stations_with_their_travel_rules(api_client):
    StationFactory()
    SacramentoStationFactory(is_active=False)

    response = api_client.get("/api/v1/stations/")

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "CA-FREMONT-001",
            "name": "Fremont",
            "city": "Fremont",
            "state": "CA",
            "free_miles": 30,
            "price_per_mile_cents": 200,
            "max_distance_miles": 150,
        }
    ]


def test_stations_show_the_travel_fee_configuration_in_effect_today(api_client):
    fremont = StationFactory()
    today = timezone.localdate()
    TravelFeeConfigFactory(
        station=fremont, effective_from=today - datetime.timedelta(days=400), free_miles=20
    )
    TravelFeeConfigFactory(
        station=fremont,
        effective_from=today - datetime.timedelta(days=10),
        free_miles=25,
        price_per_mile_cents=250,
        max_distance_miles=120,
    )
    TravelFeeConfigFactory(station=fremont, effective_from=today + datetime.timedelta(days=10), free_miles=99)

    [station] = api_client.get("/api/v1/stations/").json()

    assert (station["free_miles"], station["price_per_mile_cents"], station["max_distance_miles"]) == (
        25,
        250,
        120,
    )


def test_stations_are_listed_in_one_query(api_client, django_assert_num_queries):
    fremont = StationFactory()
    SacramentoStationFactory()
    TravelFeeConfigFactory(station=fremont)

    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/stations/")

    assert len(response.json()) == 2


def test_the_pricing_endpoints_are_throttled_with_the_public_scope(api_client, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "public": "2/min"}
    StationFactory()

    statuses = [api_client.get("/api/v1/stations/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_pricing_endpoints_are_read_only(api_client, priced):
    assert api_client.post("/api/v1/menu/", {}, format="json").status_code == 405
    assert api_client.post("/api/v1/stations/", {}, format="json").status_code == 405


def test_the_openapi_schema_of_the_pricing_api_generates_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("pricing.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert {"/api/v1/menu/", "/api/v1/stations/"} <= set(schema["paths"])
    menu = schema["paths"]["/api/v1/menu/"]["get"]
    assert menu["operationId"] == "menu_read"
    assert {"200", "503"} <= set(menu["responses"])
