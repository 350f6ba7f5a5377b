"""The staff pages that grow with the business stay within fixed query budgets at scale.

The data is `manage.py seed --scale 1` (the demo plus one unit of bookings, customers, leads
and audit rows), loaded once for the module and rolled back after it. Times are measured by
bench/admin_bench.py, never here; these tests pin what makes a page grow: a query per row, a
second COUNT(*) of the whole table, a DISTINCT over the whole table for a filter or a date
hierarchy, and a station scope that ORs across joins.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from core.admin_booking_list import UpcomingFirstPaginator, upcoming_first
from core.models import Booking, Customer
from identity import scoping
from identity.models import User
from identity.scoping import scope_queryset
from identity.staff_panel.pagination import CappedCountPaginator
from myhibachi import dashboard
from ops.models import BookingPolicy
from tests.staff_panel import MANAGER_FREMONT, SUPER_ADMIN, client_for, scaled_database

pytestmark = pytest.mark.django_db

STATION_MANAGER = MANAGER_FREMONT
# Session and user (2), the scope's roles, the page's count and rows, one per related filter.
LARGE_CHANGELISTS = {
    "core_booking": 12,
    "core_customer": 10,
    "core_payment": 10,
    "audit_auditlog": 10,
    "crm_lead": 12,
    "leads_leadcontact": 10,
}


@pytest.fixture(scope="module")
def scaled_data(django_db_setup, django_db_blocker):
    with scaled_database(django_db_blocker):
        yield


@pytest.mark.parametrize("email", [SUPER_ADMIN, STATION_MANAGER])
@pytest.mark.parametrize(("changelist", "budget"), LARGE_CHANGELISTS.items())
def test_large_changelists_open_within_their_query_budget_and_count_once(
    scaled_data, db, django_assert_max_num_queries, changelist, budget, email
):
    client = client_for(email)
    url = reverse(f"admin:{changelist}_changelist")

    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url, {"q": "chen"})

    assert response.status_code == 200
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) <= 1, counts  # the filtered count only, never the whole table's as well


def test_audit_log_list_reads_no_distinct_values_for_its_filters_or_dates(
    scaled_data, db, django_assert_max_num_queries
):
    client = client_for(SUPER_ADMIN)

    with django_assert_max_num_queries(LARGE_CHANGELISTS["audit_auditlog"]) as captured:
        response = client.get(reverse("admin:audit_auditlog_changelist"))

    assert response.status_code == 200
    assert not [query["sql"] for query in captured.captured_queries if "DISTINCT" in query["sql"].upper()]
    assert "core.booking" in response.text  # the resource type filter offers the model labels


def test_audit_log_filters_by_resource_type_and_role(scaled_data, db):
    client = client_for(SUPER_ADMIN)
    url = reverse("admin:audit_auditlog_changelist")

    by_type = client.get(url, {"resource_type": "core.booking"})
    by_role = client.get(url, {"role": "station_manager"})

    expected_type = AuditLog.objects.filter(resource_type="core.booking").count()
    expected_role = AuditLog.objects.filter(role="station_manager").count()
    assert by_type.context["cl"].result_count == expected_type > 0
    assert by_role.context["cl"].result_count == expected_role > 0


def test_a_managers_customer_scope_is_one_semi_join_per_path_with_no_outer_join(scaled_data, db):
    manager = User.objects.get(email=STATION_MANAGER)

    scoped = scope_queryset(manager, Customer.objects.all(), ("bookings__station", "leads__station"))
    sql = str(scoped.query).upper()

    assert "LEFT OUTER JOIN" not in sql.split("WHERE")[0]  # the listed table alone, no fan-out
    assert sql.count(" IN (SELECT") == 2
    assert sql.count('SELECT U0."CUSTOMER_ID"') == 2  # the related tables alone, no self-join
    listed = list(scoped.values_list("pk", flat=True))
    assert len(listed) == len(set(listed)) > 0
    fremont_only = Customer.objects.filter(bookings__station__code="CA-FREMONT-001").distinct()
    assert set(fremont_only.values_list("pk", flat=True)) <= set(listed)


def test_dashboard_lists_are_capped_with_a_link_to_the_rest(scaled_data, db, monkeypatch):
    monkeypatch.setattr(dashboard, "LIST_CAP", 1)
    user = User.objects.get(email=SUPER_ADMIN)

    board = dashboard.dashboard_for(user)
    response = client_for(SUPER_ADMIN).get(reverse("admin:index"))

    assert len(board.upcoming) == 1
    assert "upcoming" in board.more
    assert "See all" in response.text


# --- the list pages read through indexes (identity/staff_panel/, core/admin_booking_list.py) ---


def test_booking_list_reads_no_distinct_for_its_dates_or_filters(scaled_data, db):
    for email in (SUPER_ADMIN, STATION_MANAGER):
        with CaptureQueriesContext(connection) as captured:
            response = client_for(email).get(reverse("admin:core_booking_changelist"))

        assert response.status_code == 200
        assert not [q["sql"] for q in captured.captured_queries if "DISTINCT" in q["sql"].upper()]
        years = {b.year for b in Booking.objects.dates("date", "year")}
        assert {str(year) for year in years} <= set(re.findall(r"date__year=(\d{4})", response.text))


def test_booking_pages_list_upcoming_parties_soonest_first_then_the_past_latest_first(scaled_data, db):
    manager = User.objects.get(email=STATION_MANAGER)
    today = timezone.localdate()
    rows = scope_queryset(manager, Booking.objects.all(), "station").order_by(*upcoming_first(today))
    expected = list(rows.values_list("pk", flat=True))
    upcoming = sum(1 for b in rows.values_list("date", flat=True) if b >= today)
    assert 0 < upcoming < len(expected)

    per_page = 7
    paginator = UpcomingFirstPaginator(rows, per_page)
    listed = [b.pk for number in paginator.page_range for b in paginator.page(number).object_list]

    assert listed == expected  # the same order as the CASE key, page after page
    boundary = upcoming // per_page + 1  # the page where the upcoming parties end
    assert [b.pk for b in paginator.page(boundary).object_list] == expected[
        (boundary - 1) * per_page : boundary * per_page
    ]


def test_a_column_header_orders_the_booking_list_by_that_column(scaled_data, db):
    response = client_for(SUPER_ADMIN).get(reverse("admin:core_booking_changelist"), {"o": "-2"})

    dates = [booking.date for booking in response.context["cl"].result_list]
    assert dates == sorted(dates, reverse=True)


def test_a_list_past_the_counting_cap_says_more_than(scaled_data, db, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 50)
    total = AuditLog.objects.count()
    assert total > 50

    response = client_for(SUPER_ADMIN).get(reverse("admin:audit_auditlog_changelist"))
    small = client_for(SUPER_ADMIN).get(reverse("admin:audit_auditlog_changelist"), {"role": "nobody"})

    assert response.context["cl"].paginator.capped
    assert "more than 50 audit log" in " ".join(response.text.split())
    bookings = client_for(SUPER_ADMIN).get(reverse("admin:core_booking_changelist"))
    assert "Select all (more than 50) bookings" in " ".join(bookings.text.split())  # not "all 50"
    assert not small.context["cl"].paginator.capped  # under the cap: the exact count


@pytest.mark.parametrize(
    ("changelist", "field"),
    [
        ("core_booking", "reference"),
        ("core_customer", "last_name"),
        ("core_payment", "booking__customer__email"),
        ("crm_lead", "last_name"),
        ("leads_leadcontact", "handle_or_address"),
    ],
)
def test_the_indexed_search_finds_what_djangos_search_finds(scaled_data, db, changelist, field):
    from django.contrib import admin
    from django.contrib.admin import ModelAdmin
    from django.test import RequestFactory

    model_admin = next(
        a for m, a in admin.site._registry.items() if m._meta.db_table and _cl(m) == changelist
    )
    request = RequestFactory().get("/")
    request.user = User.objects.get(email=SUPER_ADMIN)
    sample = str(model_admin.model._base_manager.values_list(field, flat=True).exclude(**{field: ""}).first())
    for term in (sample[1:5], f"{sample[1:4]} {sample[2:6]}".upper(), "chen", "no-such-thing"):
        base = model_admin.get_queryset(request)
        ours, _ = model_admin.get_search_results(request, base, term)
        djangos, _ = ModelAdmin.get_search_results(model_admin, request, base, term)

        assert set(ours.values_list("pk", flat=True)) == set(djangos.distinct().values_list("pk", flat=True))


def _cl(model) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}"


def test_a_managers_search_lists_no_other_stations_rows(scaled_data, db):
    manager = User.objects.get(email=STATION_MANAGER)
    held = set(scoping.station_ids_for(manager))

    response = client_for(STATION_MANAGER).get(
        reverse("admin:core_booking_changelist"), {"q": "chen", "all": ""}
    )

    listed = list(response.context["cl"].result_list)
    assert listed and {booking.station_id for booking in listed} <= held


def test_a_managers_chef_filter_offers_their_stations_chefs_without_reading_the_rows(scaled_data, db):
    from ops.models import Chef

    manager = User.objects.get(email=STATION_MANAGER)
    theirs = {
        str(pk)
        for pk in Chef.objects.filter(station__in=scoping.stations_for(manager)).values_list("pk", flat=True)
    }

    with CaptureQueriesContext(connection) as captured:
        response = client_for(STATION_MANAGER).get(reverse("admin:core_booking_changelist"))

    offered = set(re.findall(r"chef__id__exact=([0-9a-f-]{36})", response.text))
    assert offered and offered <= theirs
    assert not [q["sql"] for q in captured.captured_queries if "DISTINCT" in q["sql"].upper()]


def test_the_audit_log_search_finds_a_term_in_any_field_and_an_ip_address(scaled_data, db):
    row = AuditLog.objects.exclude(actor_label="").first()
    url = reverse("admin:audit_auditlog_changelist")
    client = client_for(SUPER_ADMIN)

    by_label = client.get(url, {"q": row.actor_label[1:6].lower()})
    by_action_and_type = client.get(url, {"q": f"{row.action} {row.resource_type}"})

    assert row in list(by_label.context["cl"].queryset)
    assert row in list(by_action_and_type.context["cl"].queryset)
    expected = AuditLog.objects.filter(actor_label__icontains=row.actor_label[1:6]).count()
    assert by_label.context["cl"].result_count == min(expected, CappedCountPaginator.cap)


def test_the_bounded_date_drill_down_opens_a_years_months_and_a_months_days(scaled_data, db):
    client = client_for(SUPER_ADMIN)
    url = reverse("admin:core_booking_changelist")
    first = Booking.objects.order_by("date").first().date

    year = client.get(url, {"date__year": first.year})
    month = client.get(url, {"date__year": first.year, "date__month": first.month})

    assert f"date__month={first.month}" in year.text.replace("&amp;", "&")
    days = {
        b.day
        for b in Booking.objects.filter(date__year=first.year, date__month=first.month).dates("date", "day")
    }
    assert {str(day) for day in days} <= set(re.findall(r"date__day=(\d+)", month.text))


def test_the_slot_filter_offers_the_times_the_managers_stations_offer(scaled_data, db):
    """The bookings list's slot filter: the slot times of the manager's stations' policies."""
    BookingPolicy.objects.filter(station__code="CA-FREMONT-001").update(
        slot_times=[datetime.time(11, 30), datetime.time(17, 30)]
    )
    client = client_for(STATION_MANAGER)
    url = reverse("admin:core_booking_changelist")

    response = client.get(url)

    slot_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "slot")
    offered = [choice["display"] for choice in slot_filter.choices(response.context["cl"])]
    assert offered == ["All", "11:30", "17:30"]
    assert client.get(url, {"slot": "17:30"}).status_code == 200
    assert client.get(url, {"slot": "nonsense"}).status_code == 200
