"""The staff panel's front page: each demo login gets it, within a fixed number of queries,
with only their stations' figures (a chef: their own parties), and without a JS library."""

import datetime

import pytest
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from core.models import Booking, Payment
from crm.models import Lead
from identity.models import User
from myhibachi.dashboard import TREND_DAYS, dashboard_for
from tests.core.factories import BookingFactory, CustomerFactory
from tests.staff_panel import (
    ADMIN,
    CHEF,
    DEMO_LOGINS,
    MANAGER_FREMONT,
    MANAGER_SACRAMENTO,
    SUPER_ADMIN,
    SUPPORT,
    client_for,
    demo_database,
)

pytestmark = pytest.mark.django_db

# Session and user (2), the user's roles (1), the stations' names (1), one query per section
# (parties this week, deposits past due, messages waiting, leads by source, conversion, revenue,
# parties held: 7), the app list's recent actions (1); a query per row or per station would exceed it.
DASHBOARD_MAX_QUERIES = 12
FREMONT, SACRAMENTO = "CA-FREMONT-001", "CA-SACRAMENTO-001"


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


def dashboard_of(email: str):
    return dashboard_for(User.objects.get(email=email))


def references(bookings) -> set[str]:
    return {booking.reference for booking in bookings}


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_the_dashboard_opens_for_every_demo_login_within_the_query_budget(
    demo_data, db, django_assert_max_num_queries, email
):
    client = client_for(email)

    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="staff-dashboard"' in content
    assert "<script" not in content.split('class="staff-dashboard"')[1].split("</svg>")[0]


def test_the_query_count_does_not_grow_with_the_data(demo_data, db, django_assert_max_num_queries):
    booking = Booking.objects.get(reference="MH-DEMO13")
    for days in range(1, 6):
        BookingFactory(
            station=booking.station,
            chef=None,
            customer=CustomerFactory(),
            date=timezone.localdate() + datetime.timedelta(days=days),
        )

    client = client_for(MANAGER_FREMONT)

    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200


def test_a_station_manager_sees_only_their_stations_parties_and_deposits(demo_data, db):
    fremont, sacramento = dashboard_of(MANAGER_FREMONT), dashboard_of(MANAGER_SACRAMENTO)
    today = timezone.localdate()
    week = (today, today + datetime.timedelta(days=7))
    active = Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES, date__range=week)

    assert fremont.station_names == ("Fremont",)
    assert references(fremont.upcoming) == set(
        active.filter(station__code=FREMONT).values_list("reference", flat=True)
    )
    assert references(sacramento.upcoming) == set(
        active.filter(station__code=SACRAMENTO).values_list("reference", flat=True)
    )
    assert "MH-DEMO25" in references(sacramento.upcoming)  # Sacramento, in 2 days
    assert "MH-DEMO25" not in references(fremont.upcoming)
    assert references(fremont.unassigned) == {"MH-DEMO26"}
    assert references(sacramento.unassigned) == set()
    assert references(fremont.deposits_past_due) == {"MH-DEMO22"}  # due 2 hours ago
    assert references(sacramento.deposits_past_due) == set()


def test_the_page_shows_the_week_with_chef_and_party_size(demo_data, db):
    content = client_for(MANAGER_FREMONT).get(reverse("admin:index")).content.decode()
    demo13 = Booking.objects.select_related("chef").get(reference="MH-DEMO13")

    upcoming = content.split('id="dashboard-upcoming"')[1].split('id="dashboard-unassigned"')[0]
    assert "MH-DEMO13" in upcoming and demo13.chef.name in upcoming
    assert f"{demo13.guest_count} ({demo13.party_adults} adults, {demo13.party_kids} kids)" in upcoming
    assert "MH-DEMO25" not in content  # Sacramento's
    unassigned = content.split('id="dashboard-unassigned"')[1].split('id="dashboard-deposits"')[0]
    assert "MH-DEMO26" in unassigned
    assert "MH-DEMO22" in content.split('id="dashboard-deposits"')[1]


def test_new_leads_by_source_and_conversion_cover_the_users_stations(demo_data, db):
    sacramento = dashboard_of(MANAGER_SACRAMENTO)
    leads = Lead.objects.filter(station__code=SACRAMENTO)

    assert dict(sacramento.leads_by_source) == {
        Lead.Source(source).label: leads.filter(source=source).count()
        for source in leads.values_list("source", flat=True)
    }
    fremont = dashboard_of(MANAGER_FREMONT)
    fremont_leads = Lead.objects.filter(station__code=FREMONT)
    assert (fremont.conversion.converted, fremont.conversion.leads) == (
        fremont_leads.filter(status=Lead.Status.CONVERTED).count(),
        fremont_leads.count(),
    )
    assert (
        fremont.conversion.percent == f"{100 * fremont.conversion.converted / fremont.conversion.leads:.0f}%"
    )


def test_the_revenue_chart_adds_up_to_the_money_received_at_the_users_stations(demo_data, db):
    since = timezone.localdate() - datetime.timedelta(days=TREND_DAYS + 7)
    chart = dashboard_of(MANAGER_FREMONT).chart
    first_week = chart.bars[0].week
    start = datetime.datetime.combine(first_week, datetime.time.min, tzinfo=timezone.get_current_timezone())
    fremont_payments = Payment.objects.filter(booking__station__code=FREMONT, succeeded_at__gte=start)
    received = fremont_payments.filter(
        ~Q(kind=Payment.Kind.REFUND), status__in=(Payment.Status.SUCCEEDED, Payment.Status.REFUNDED)
    ).aggregate(total=Sum("amount_cents"))["total"]
    refunded = fremont_payments.filter(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED).aggregate(
        total=Sum("amount_cents")
    )["total"]
    held = Booking.objects.filter(
        station__code=FREMONT,
        status__in=(Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW),
        date__range=(first_week, timezone.localdate()),
    ).count()

    assert first_week >= since
    assert len(chart.bars) in (13, 14)  # 90 days, week by week
    assert chart.revenue_cents == received - (refunded or 0) > 0
    assert chart.parties == held > 0
    assert sum(bar.revenue_cents for bar in chart.bars) == chart.revenue_cents
    tallest = max(chart.bars, key=lambda bar: bar.revenue_cents)
    # bars share a baseline (coordinates are rounded to 0.1 px, so compared as floats)
    assert tallest.y + tallest.height == pytest.approx(chart.bars[0].y + chart.bars[0].height, abs=0.11)
    assert dashboard_of(MANAGER_SACRAMENTO).chart.revenue_cents != chart.revenue_cents


def test_every_station_for_a_super_admin_and_an_admin_of_both(demo_data, db):
    assert dashboard_of(SUPER_ADMIN).station_names is None
    assert dashboard_of(ADMIN).station_names == ("Fremont", "Sacramento")
    assert references(dashboard_of(SUPER_ADMIN).upcoming) == references(dashboard_of(ADMIN).upcoming)


def test_support_sees_bookings_and_leads_but_no_money(demo_data, db):
    support = dashboard_of(SUPPORT)

    assert support.upcoming is not None and support.leads_by_source is not None
    assert support.chart is None
    content = client_for(SUPPORT).get(reverse("admin:index")).content.decode()
    assert 'id="dashboard-revenue"' not in content and 'id="dashboard-leads"' in content


def test_a_chef_sees_only_their_own_parties_and_nothing_else(demo_data, db):
    chef = dashboard_of(CHEF)
    kenji = User.objects.get(email=CHEF)

    assert chef.chef_only
    assert chef.upcoming and all(booking.chef.user_id == kenji.pk for booking in chef.upcoming)
    assert (chef.leads_by_source, chef.conversion, chef.chart) == (None, None, None)
