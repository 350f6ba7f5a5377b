"""Chefs' pay rates: a business setting per pay tier, edited by admins (audited), read by managers."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditLog
from ops.models import Chef, PayRate
from ops.pay import DEFAULT_PAY_RATES, TierRate, chef_pay_cents
from tests.staff_panel import ADMIN, MANAGER_FREMONT, SUPPORT, client_for, demo_database


def test_a_chef_is_paid_per_party_plus_per_guest_served_at_their_tiers_rate():
    standard = TierRate(per_party_cents=10_000, per_guest_cents=400)

    # Three parties that served 12, 20 and 8 guests: 3 x $100 + 40 x $4.
    assert chef_pay_cents(parties=3, guests=40, rate=standard) == 30_000 + 16_000


def test_a_tier_without_a_rate_is_paid_nothing_rather_than_a_guess():
    assert chef_pay_cents(parties=2, guests=30, rate=None) == 0


def test_the_default_rates_cover_every_tier_and_rise_with_it():
    assert list(DEFAULT_PAY_RATES) == list(Chef.PayTier.values)
    per_party = [DEFAULT_PAY_RATES[tier][0] for tier in Chef.PayTier.values]
    per_guest = [DEFAULT_PAY_RATES[tier][1] for tier in Chef.PayTier.values]
    assert per_party == sorted(per_party) and per_guest == sorted(per_guest)
    assert all(isinstance(cents, int) for pair in DEFAULT_PAY_RATES.values() for cents in pair)


@pytest.mark.django_db
def test_the_seed_gives_every_pay_tier_its_default_rate_and_keeps_changed_ones():
    PayRate.objects.all().delete()
    call_command("seed", stdout=io.StringIO())
    PayRate.objects.filter(pay_tier="lead").update(per_party_cents=20_000)

    call_command("seed", stdout=io.StringIO())

    rates = {rate.pay_tier: (rate.per_party_cents, rate.per_guest_cents) for rate in PayRate.objects.all()}
    assert rates == {**DEFAULT_PAY_RATES, "lead": (20_000, DEFAULT_PAY_RATES["lead"][1])}


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.mark.django_db
def test_an_admin_changes_a_pay_rate_and_the_change_is_audited(demo_data):
    rate = PayRate.objects.get(pay_tier="senior")
    url = reverse("admin:ops_payrate_change", args=[rate.pk])

    response = client_for(ADMIN).post(url, {"per_party_cents": "13000", "per_guest_cents": "550"})

    assert response.status_code == 302, response.content.decode()[:2000]
    rate.refresh_from_db()
    assert (rate.pay_tier, rate.per_party_cents, rate.per_guest_cents) == ("senior", 13_000, 550)
    audit = AuditLog.objects.get(resource_type="ops.payrate", resource_id=str(rate.pk))
    assert audit.before["per_party_cents"] == 12_000 and audit.after["per_party_cents"] == 13_000


@pytest.mark.django_db
def test_a_station_manager_reads_the_pay_rates_but_cannot_change_them(demo_data):
    rate = PayRate.objects.get(pay_tier="standard")
    url = reverse("admin:ops_payrate_change", args=[rate.pk])
    manager = client_for(MANAGER_FREMONT)

    listing = manager.get(reverse("admin:ops_payrate_changelist"))
    refused = manager.post(url, {"per_party_cents": "1", "per_guest_cents": "1"})

    assert listing.status_code == 200 and "$100.00" in listing.content.decode()
    assert refused.status_code == 403
    rate.refresh_from_db()
    assert rate.per_party_cents == 10_000


@pytest.mark.django_db
def test_customer_support_does_not_see_pay_rates(demo_data):
    assert client_for(SUPPORT).get(reverse("admin:ops_payrate_changelist")).status_code == 403
