"""The process's pricing catalogue: read once, retired by the shared version every write bumps."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate

from identity.models import Station
from kernel.versions import CATALOGUE, version_bump, version_read
from pricing import catalogue as catalogue_module
from pricing.catalogue import catalogue
from pricing.models import AddonItem, PricingPolicy
from pricing.quote import quote_compute
from tests.pricing.factories import PricingPolicyFactory, TravelFeeConfigFactory

pytestmark = pytest.mark.django_db


def adult_price(**kwargs) -> int:
    return quote_compute(zip_code="94539", party_adults=20, **kwargs).lines[0].unit_cents


def test_a_price_saved_in_this_process_is_in_the_next_quote(priced, django_assert_num_queries):
    assert adult_price() == 5500
    policy = PricingPolicy.objects.get()
    policy.adult_price_cents = 6000
    policy.save()

    assert adult_price() == 6000
    with django_assert_num_queries(0):  # and read once again, not on every quote
        assert adult_price() == 6000


def test_a_price_changed_by_another_process_is_in_the_next_quote_once_it_bumps_the_version(priced):
    assert adult_price() == 5500
    # Another process's write: this process sees neither its save() nor its signals...
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "pricing"."pricing_policy" SET adult_price_cents = 6100')
    assert adult_price() == 5500  # ...so it keeps its copy (the catalogue is really cached)...

    version_bump(CATALOGUE)  # ...until the shared version moves, as every write makes it.

    assert adult_price() == 6100


def test_a_bulk_update_of_the_add_ons_bumps_the_version(priced):
    items = [{"code": "gyoza", "quantity": 2}]
    assert quote_compute(zip_code="94539", party_adults=20, items=items).lines[-1].unit_cents == 1000
    before = version_read(CATALOGUE)

    AddonItem.objects.filter(code="gyoza").update(price_cents=1200)

    assert version_read(CATALOGUE) != before
    assert quote_compute(zip_code="94539", party_adults=20, items=items).lines[-1].unit_cents == 1200


def test_a_bulk_created_policy_and_a_deleted_one_are_seen_at_once(priced):
    later = PricingPolicy.objects.get().effective_from.replace(year=2090)
    PricingPolicy.objects.bulk_create(
        [PricingPolicyFactory.build(effective_from=later, adult_price_cents=7000)]
    )
    assert adult_price(on_date=later) == 7000

    PricingPolicy.objects.filter(effective_from=later).delete()

    assert adult_price(on_date=later) == 5500


def test_a_station_edit_and_a_new_travel_rule_change_the_next_quote(priced, fixed_distance):
    fixed_distance("40")
    assert quote_compute(zip_code="94539", party_adults=20).travel_fee_cents == 2000  # 10 miles x $2

    Station.objects.filter(pk=priced.pk).update(price_per_mile_cents=300)
    assert quote_compute(zip_code="94539", party_adults=20).travel_fee_cents == 3000

    TravelFeeConfigFactory(station=priced, free_miles=0, price_per_mile_cents=100)
    assert quote_compute(zip_code="94539", party_adults=20).travel_fee_cents == 4000  # 40 miles x $1


def test_the_travel_rules_in_effect_on_the_date_are_resolved_from_the_catalogue(priced, fixed_distance):
    fixed_distance("40")
    today = datetime.date(2030, 1, 1)
    later = datetime.date(2031, 1, 1)
    TravelFeeConfigFactory(station=priced, effective_from=later, free_miles=0, price_per_mile_cents=100)

    assert quote_compute(zip_code="94539", party_adults=20, on_date=today).travel_fee_cents == 2000
    assert quote_compute(zip_code="94539", party_adults=20, on_date=later).travel_fee_cents == 4000


def test_every_migrate_bumps_the_version(priced):
    before = version_read(CATALOGUE)

    post_migrate.send(sender=apps.get_app_config("pricing"), app_config=apps.get_app_config("pricing"))

    assert version_read(CATALOGUE) != before


def test_the_quote_station_is_a_copy_the_caller_may_change(priced):
    station = quote_compute(zip_code="94539", party_adults=20).station
    station.name = "Changed by a caller"

    assert catalogue().stations[0].name == "Fremont"


def test_the_seed_bumps_the_version_and_its_prices_are_quoted(db):
    before = version_read(CATALOGUE)

    call_command("seed", stdout=io.StringIO())

    assert version_read(CATALOGUE) != before
    assert quote_compute(zip_code="94539", party_adults=20).lines[0].unit_cents == 5500


def test_a_process_rereads_its_copy_after_its_longest_age_even_without_a_bump(priced, monkeypatch):
    assert adult_price() == 5500
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "pricing"."pricing_policy" SET adult_price_cents = 6200')
    assert adult_price() == 5500

    # A cache that is not shared between processes never carries another one's bump.
    monkeypatch.setattr(catalogue_module, "MAX_AGE_SECONDS", 0)

    assert adult_price() == 6200
