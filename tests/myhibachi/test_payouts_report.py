"""The chef payouts report: pay from the tier's rate, tips, and the total, per chef (table and CSV)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Booking, Payment
from identity.models import Station
from ops.models import PayRate
from tests.core.factories import BookingFactory, PaymentFactory
from tests.ops.factories import ChefFactory
from tests.staff_panel import MANAGER_FREMONT, MANAGER_SACRAMENTO, client_for, demo_database

pytestmark = pytest.mark.django_db

# A week long ago, where the demo has no party: only this test's parties are in the report.
START = timezone.localdate() - datetime.timedelta(days=300)
END = START + datetime.timedelta(days=6)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


def party(chef, *, day: int, adults: int, kids: int = 0, toddlers: int = 0, status=Booking.Status.COMPLETED):
    return BookingFactory(
        station=chef.station,
        chef=chef,
        date=START + datetime.timedelta(days=day),
        status=status,
        party_adults=adults,
        party_kids=kids,
        party_toddlers=toddlers,
    )


def payouts(client, station: Station, **params):
    url = reverse("staff-report", args=["chef-payouts"])
    return client.get(
        url, {"start": START.isoformat(), "end": END.isoformat(), "station": str(station.pk), **params}
    )


def test_the_payouts_report_pays_each_chef_their_tiers_rate_plus_the_tips_they_were_given(demo_data):
    fremont = Station.objects.get(code="CA-FREMONT-001")
    PayRate.objects.filter(pay_tier="senior").update(per_party_cents=12_000, per_guest_cents=500)
    PayRate.objects.filter(pay_tier="trainee").update(per_party_cents=8_000, per_guest_cents=300)
    senior = ChefFactory(station=fremont, name="Aiko Senior", pay_tier="senior")
    trainee = ChefFactory(station=fremont, name="Ben Trainee", pay_tier="trainee")
    first = party(senior, day=0, adults=10, kids=2)  # 12 guests
    party(senior, day=2, adults=6, kids=1, toddlers=1)  # 8 guests
    party(senior, day=3, adults=20, status=Booking.Status.CANCELLED)  # not paid
    PaymentFactory(booking=first, kind=Payment.Kind.DEPOSIT, amount_cents=10_000)
    PaymentFactory(booking=first, kind=Payment.Kind.BALANCE, amount_cents=70_000, tip_cents=15_000)
    second_tip = PaymentFactory(
        booking=party(trainee, day=1, adults=15),
        kind=Payment.Kind.BALANCE,
        amount_cents=90_000,
        tip_cents=20_000,
    )
    PaymentFactory(
        booking=second_tip.booking, kind=Payment.Kind.BALANCE, status=Payment.Status.FAILED, tip_cents=9_999
    )

    response = payouts(client_for(MANAGER_FREMONT), fremont)

    assert response.status_code == 200
    rows = {row["chef"]: row for row in response.context["result"].rows}
    assert set(rows) == {"Aiko Senior", "Ben Trainee"}
    assert rows["Aiko Senior"] == {
        "tier": "Senior",
        "chef": "Aiko Senior",
        "station": "Fremont",
        "parties": 2,
        "guests": 20,
        "pay_cents": 2 * 12_000 + 20 * 500,
        "tips_cents": 15_000,
        "total_cents": 34_000 + 15_000,
    }
    assert rows["Ben Trainee"]["pay_cents"] == 8_000 + 15 * 300
    assert rows["Ben Trainee"]["tips_cents"] == 20_000  # the failed payment's tip is not counted
    totals = response.context["result"].totals
    assert totals["total_cents"] == 49_000 + 12_500 + 20_000
    assert "$490.00" in response.content.decode()


def test_the_payouts_csv_has_the_pay_the_tips_and_the_total(demo_data):
    fremont = Station.objects.get(code="CA-FREMONT-001")
    PayRate.objects.filter(pay_tier="lead").update(per_party_cents=15_000, per_guest_cents=600)
    lead = ChefFactory(station=fremont, name="Carla Lead", pay_tier="lead")
    PaymentFactory(booking=party(lead, day=4, adults=10), kind=Payment.Kind.BALANCE, tip_cents=5_000)

    response = payouts(client_for(MANAGER_FREMONT), fremont, format="csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Pay tier", "Chef", "Station", "Parties", "Guests served", "Pay", "Tips", "Total"]
    carla = next(row for row in rows if row[1] == "Carla Lead")
    assert carla[3:5] == ["1", "10"]
    assert carla[5:] == ["210.00", "50.00", "260.00"]  # $150 + 10 x $6, the tip, the total


def test_a_changed_rate_changes_the_pay_at_once(demo_data):
    fremont = Station.objects.get(code="CA-FREMONT-001")
    chef = ChefFactory(station=fremont, name="Dai Standard", pay_tier="standard")
    party(chef, day=5, adults=10)
    manager = client_for(MANAGER_FREMONT)

    PayRate.objects.filter(pay_tier="standard").update(per_party_cents=10_000, per_guest_cents=400)
    before = payouts(manager, fremont).context["result"].rows[0]["pay_cents"]
    PayRate.objects.filter(pay_tier="standard").update(per_party_cents=11_000, per_guest_cents=450)
    after = payouts(manager, fremont).context["result"].rows[0]["pay_cents"]

    assert (before, after) == (14_000, 15_500)


def test_another_stations_manager_does_not_see_these_chefs_pay(demo_data):
    fremont = Station.objects.get(code="CA-FREMONT-001")
    party(ChefFactory(station=fremont, name="Eve Fremont"), day=6, adults=10)

    response = payouts(client_for(MANAGER_SACRAMENTO), fremont)

    assert all(row["station"] != "Fremont" for row in response.context["result"].rows)
