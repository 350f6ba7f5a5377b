"""A staff list's search reads its matches once, and its rows render as Django renders them.

identity/staff_panel/search.py reads a search's matches (keys, and the values the list orders
and bounds its dates by) in one query; the count, the page and the date drill-down come from
them. identity/staff_panel/rows.py renders each row's checkbox and link without a widget or a
reverse per row. Both must give the very page Django's own path gives: these tests compare the
pages. The data is `manage.py seed --scale 1`, rolled back after the module.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Booking
from identity.staff_panel import search
from identity.staff_panel.rows import ListRowsMixin
from tests.staff_panel import MANAGER_FREMONT, SUPER_ADMIN, client_for, scaled_database

pytestmark = pytest.mark.django_db

STATION_MANAGER = MANAGER_FREMONT
# Session and user (2), the manager's roles, the filters' choices (stations, chefs, slot times),
# the matches, the page's rows by key: no count, no first/last date, the search joined once.
SEARCHED_BOOKINGS_BUDGET = 8


@pytest.fixture(scope="module")
def scaled_data(django_db_setup, django_db_blocker):
    with scaled_database(django_db_blocker):
        yield


def _page(client: Client, url: str, params: dict) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def _as_django_would(monkeypatch) -> None:
    """Django's own path: the search as a subquery, rows through ChangeList and the widget."""
    monkeypatch.setattr(search, "MATERIALIZED_CAP", 0)
    monkeypatch.setattr(ListRowsMixin, "get_changelist", lambda self, request, **kwargs: ChangeList)
    monkeypatch.delattr(ListRowsMixin, "action_checkbox")


@pytest.mark.parametrize("email", [SUPER_ADMIN, STATION_MANAGER])
def test_a_booking_search_joins_its_tables_once_and_reads_no_count_or_date_range(
    scaled_data, db, django_assert_max_num_queries, email
):
    client = client_for(email)

    with django_assert_max_num_queries(SEARCHED_BOOKINGS_BUDGET) as captured:
        response = client.get(reverse("admin:core_booking_changelist"), {"q": "chen"})

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0
    statements = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in statements if "%chen%" in sql]) == 1  # the matches, read once
    assert not [sql for sql in statements if "COUNT(" in sql.upper() or "MIN(" in sql.upper()]


@pytest.mark.parametrize("email", [SUPER_ADMIN, STATION_MANAGER])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "chen"},
        {"q": "chen", "status__exact": "confirmed"},
        {"q": "chen", "o": "-2"},  # a column header's order: the page through SQL
        {"q": "chen la"},
        {"q": "chen", "all": ""},
        {"q": "no-such-thing"},
    ],
)
def test_a_searched_booking_list_is_the_page_djangos_search_gives_page_after_page(
    scaled_data, db, monkeypatch, email, params
):
    monkeypatch.setattr(admin.site._registry[Booking], "list_per_page", 7)
    client, url = client_for(email), reverse("admin:core_booking_changelist")
    pages = client.get(url, params).context["cl"].paginator.num_pages
    numbers = sorted({1, 2, pages // 2 + 1, pages}) if "all" not in params else [1]
    ours = [_page(client, url, {**params, "p": number}) for number in numbers if number <= pages]

    _as_django_would(monkeypatch)
    djangos = [_page(client, url, {**params, "p": number}) for number in numbers if number <= pages]

    assert ours == djangos  # rows, order, count, date drill-down, links and checkboxes


def test_a_searched_booking_lists_date_drill_down_is_djangos_within_a_year(scaled_data, db, monkeypatch):
    year = Booking.objects.order_by("date").values_list("date__year", flat=True).first()
    client, url = client_for(SUPER_ADMIN), reverse("admin:core_booking_changelist")
    params = {"q": "chen", "date__year": year}
    ours = _page(client, url, params)

    _as_django_would(monkeypatch)

    assert ours == _page(client, url, params)


def test_past_the_cap_a_search_keeps_its_matches_in_a_subquery(scaled_data, db, monkeypatch):
    monkeypatch.setattr(search, "MATERIALIZED_CAP", 3)
    client = client_for(SUPER_ADMIN)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:core_booking_changelist"), {"q": "chen"})

    cl = response.context["cl"]
    assert cl.search_matches is None and cl.result_count > 3
    assert cl.result_count == Booking.objects.filter(customer__last_name__icontains="chen").count()
    assert any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)


@pytest.mark.parametrize(
    ("changelist", "params"),
    [
        ("core_customer", {"q": "chen", "sms_consent__exact": "1"}),
        ("crm_lead", {"q": "chen"}),
        ("leads_leadcontact", {}),
        ("core_payment", {"q": "chen"}),
        ("identity_rolepermission", {}),
    ],
)
def test_other_lists_render_their_rows_as_django_does(scaled_data, db, monkeypatch, changelist, params):
    client, url = client_for(SUPER_ADMIN), reverse(f"admin:{changelist}_changelist")
    ours = _page(client, url, params)

    _as_django_would(monkeypatch)

    assert ours == _page(client, url, params)


def test_a_rows_link_carries_the_lists_filters_and_its_checkbox_names_the_row(scaled_data, db):
    response = client_for(SUPER_ADMIN).get(
        reverse("admin:core_booking_changelist"), {"q": "chen", "status__exact": "confirmed"}
    )
    booking = response.context["cl"].result_list[0]

    change = reverse("admin:core_booking_change", args=[booking.pk])
    assert f'href="{change}?_changelist_filters=q%3Dchen%26status__exact%3Dconfirmed"' in response.text
    assert (
        f'<input type="checkbox" name="_selected_action" value="{booking.pk}" class="action-select" '
        f'aria-label="Select this object for an action - {booking}">'
    ) in response.text
