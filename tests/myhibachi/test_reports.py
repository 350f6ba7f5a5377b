"""The staff panel's reports: table + chart + CSV, scoped to the user's stations, constant queries."""

import csv
import datetime
import io
import re

import pytest
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from core.models import Booking, Payment
from identity.models import Station
from myhibachi.reports.definitions import REPORTS
from ops.models import Chef
from tests.core.factories import BookingFactory, PaymentFactory
from tests.staff_panel import (
    CHEF,
    MANAGER_FREMONT,
    MANAGER_SACRAMENTO,
    SUPER_ADMIN,
    SUPPORT,
    client_for,
    demo_database,
)

pytestmark = pytest.mark.django_db

FREMONT, SACRAMENTO = "CA-FREMONT-001", "CA-SACRAMENTO-001"
# Session and user (2), the user's roles (1), the stations to choose from (1), the report (1).
REPORT_MAX_QUERIES = 5


@pytest.fixture(scope="module")
def ten_times_the_demo(django_db_setup, django_db_blocker):
    """The demo, plus nine times as many bookings and payments again at Fremont."""
    with demo_database(django_db_blocker), django_db_blocker.unblock():
        fremont = Station.objects.get(code=FREMONT)
        chefs = list(Chef.objects.filter(station=fremont))
        demo_bookings = Booking.objects.count()
        today = timezone.localdate()
        for index in range(demo_bookings * 9):
            status = (Booking.Status.COMPLETED, Booking.Status.DEPOSIT_PENDING, Booking.Status.CONFIRMED)[
                index % 3
            ]
            booking = BookingFactory(
                station=fremont,
                chef=chefs[index % len(chefs)] if status == Booking.Status.COMPLETED else None,
                date=today - datetime.timedelta(days=index % 20)
                if status == Booking.Status.COMPLETED
                else today + datetime.timedelta(days=3 + index % 20),
                reference=f"MH-X{index:05d}",
                status=status,
                source=("phone", "website", "referral")[index % 3],
                quote={"tax_cents": 500, "food_cents": 55000, "lines": []},
            )
            if status != Booking.Status.DEPOSIT_PENDING:
                PaymentFactory(
                    booking=booking,
                    succeeded_at=timezone.now() - datetime.timedelta(days=index % 20),
                    method=("stripe", "cash", "zelle")[index % 3],
                )
        yield


def report_url(slug: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("staff-report", args=[slug]) + (f"?{query}" if query else "")


@pytest.mark.parametrize("slug", [spec.slug for spec in REPORTS])
def test_every_report_opens_with_a_chart_within_a_fixed_number_of_queries_on_ten_times_the_demo(
    ten_times_the_demo, django_assert_max_num_queries, slug
):
    client = client_for(SUPER_ADMIN)
    start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    end = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    with django_assert_max_num_queries(REPORT_MAX_QUERIES):
        response = client.get(report_url(slug, start=start, end=end))

    assert response.status_code == 200
    assert response.context["result"].rows
    content = response.content.decode()
    assert '<rect class="bar"' in content
    # Nothing from elsewhere: no script, style or image from another host (no CDN).
    assert not re.search(r'(?:src|href)="(?:https?:)?//', content)


def test_the_payments_report_adds_up_to_what_the_station_received(ten_times_the_demo):
    fremont = Station.objects.get(code=FREMONT)
    start = timezone.localdate() - datetime.timedelta(days=30)
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_current_timezone())

    result = (
        client_for(MANAGER_FREMONT).get(report_url("payments", start=start.isoformat())).context["result"]
    )

    payments = Payment.objects.filter(booking__station=fremont, succeeded_at__gte=since)
    received = payments.filter(
        kind__in=("deposit", "balance"), status__in=("succeeded", "refunded")
    ).aggregate(total=Sum("amount_cents"))["total"]
    refunded = (
        payments.filter(Q(kind="refund", status="succeeded")).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    assert result.totals["received_cents"] == received
    assert result.totals["net_cents"] == received - refunded


def test_the_payments_report_shows_the_tips_paid_to_the_chefs(ten_times_the_demo):
    fremont = Station.objects.get(code=FREMONT)
    booking = BookingFactory(station=fremont, status=Booking.Status.CONFIRMED, reference="MH-TIP01")
    PaymentFactory(
        booking=booking, kind="balance", amount_cents=62_000, tip_cents=12_000, succeeded_at=timezone.now()
    )
    start = timezone.localdate() - datetime.timedelta(days=30)

    result = (
        client_for(MANAGER_FREMONT).get(report_url("payments", start=start.isoformat())).context["result"]
    )

    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_current_timezone())
    tips = Payment.objects.filter(
        booking__station=fremont, succeeded_at__gte=since, kind__in=("deposit", "balance")
    ).aggregate(total=Sum("tip_cents"))["total"]
    assert tips >= 12_000
    assert result.totals["tips_cents"] == tips
    assert any(column.key == "tips_cents" for column in result.columns)


def test_a_station_manager_sees_no_other_stations_rows(ten_times_the_demo):
    start = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    end = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    sacramento = Station.objects.get(code=SACRAMENTO)

    result = (
        client_for(MANAGER_SACRAMENTO)
        .get(report_url("deposits-outstanding", start=start, end=end))
        .context["result"]
    )
    forced = (
        client_for(MANAGER_SACRAMENTO)
        .get(
            report_url(
                "deposits-outstanding", start=start, end=end, station=Station.objects.get(code=FREMONT).pk
            )
        )
        .context["result"]
    )

    expected = set(
        Booking.objects.filter(
            station=sacramento, status="deposit_pending", date__range=(start, end)
        ).values_list("reference", flat=True)
    )
    assert {row["reference"] for row in result.rows} == expected
    assert {row["reference"] for row in forced.rows} == expected  # another station's id is ignored
    assert not any(row["reference"].startswith("MH-X") for row in result.rows)


def test_money_reports_are_for_finance_roles_only(ten_times_the_demo):
    assert client_for(SUPPORT).get(report_url("payments")).status_code == 403
    assert client_for(CHEF).get(report_url("chef-payouts")).status_code == 403
    assert client_for(SUPPORT).get(report_url("lead-conversion")).status_code == 200
    index = client_for(SUPPORT).get(reverse("staff-reports")).content.decode()
    assert "Lead sources to bookings" in index and "Payments and refunds" not in index


def test_the_csv_download_is_formula_safe_and_audited(ten_times_the_demo):
    chef = Chef.objects.filter(station__code=FREMONT).order_by("name").first()
    Chef.objects.filter(pk=chef.pk).update(name='=HYPERLINK("http://evil.test")')
    start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()

    response = client_for(MANAGER_FREMONT).get(report_url("chef-payouts", start=start, format="csv"))

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Pay tier", "Chef", "Station", "Parties", "Guests served", "Pay", "Tips", "Total"]
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.test")' in names
    assert all(not name.startswith("=") for name in names)
    audit = AuditLog.objects.filter(action="report.export", resource_id="chef-payouts").latest("created_at")
    assert audit.actor_label == MANAGER_FREMONT and audit.after["rows"] == len(rows) - 1
