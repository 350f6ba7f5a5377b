"""The staff pages that grow with the business stay within fixed query budgets at scale.

The data is `manage.py seed --scale 1` (the demo plus one unit of bookings, customers, leads
and audit rows), loaded once for the module and rolled back after it. Times are measured by
bench/admin_bench.py, never here; these tests pin what makes a page grow: a query per row, a
second COUNT(*) of the whole table, a DISTINCT over the whole table for a filter or a date
hierarchy, and a station scope that ORs across joins.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from audit.models import AuditLog
from core.models import Customer
from identity.models import User
from identity.scoping import scope_queryset
from myhibachi import dashboard

pytestmark = pytest.mark.django_db

SUPER_ADMIN = "super_admin@myhibachi.test"
STATION_MANAGER = "manager.fremont@myhibachi.test"
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
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", "--scale", "1", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def client_for(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


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
