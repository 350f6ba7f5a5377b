"""The staff panel as staff read it at 1400x1000 (issue 9, item 24): the week's parties across
the page with their status, the apps in the order of daily use, a bookings list with upcoming
parties first, a chef filter and a search that finds a partial reference or a chef's name, and
a revenue chart with its axes and units."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Booking
from myhibachi.admin_site import StaffAdminSite
from tests.staff_panel import ADMIN, changelist_url, client_for, demo_database

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def admin_client(demo_data, db):
    return client_for(ADMIN)


def listed(response) -> list[Booking]:
    return list(response.context["cl"].result_list)


def test_the_apps_are_listed_by_daily_use_with_the_lockouts_named_for_staff(admin_client):
    response = admin_client.get(reverse("admin:index"))

    apps = [app["name"] for app in response.context["app_list"]]
    assert apps[:3] == ["Bookings and customers", "CRM", "Lead details"]
    assert apps[-1] == "Login lockouts" and "Axes" not in apps
    core_models = [model["object_name"] for model in response.context["app_list"][0]["models"]]
    assert core_models[:2] == ["Booking", "Customer"]
    crm_models = [model["object_name"] for model in response.context["app_list"][1]["models"]]
    assert crm_models[0] == "Lead"


def test_the_front_page_builds_its_app_list_once(admin_client, monkeypatch):
    built = []
    real_build = StaffAdminSite._build_app_dict
    monkeypatch.setattr(
        StaffAdminSite, "_build_app_dict", lambda self, *args: built.append(args) or real_build(self, *args)
    )

    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200 and response.context["app_list"]
    assert len(built) == 1  # the page's list and its context share one build (a permission check per model)
    app_page = admin_client.get(reverse("admin:app_list", args=["core"]))
    assert [app["app_label"] for app in app_page.context["app_list"]] == [
        "core"
    ]  # one app: not the kept list


def test_the_dashboard_spans_the_page_and_shows_each_partys_status(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert 'id="content" class="colM"' in page  # no sidebar halving it
    assert "recent-actions-module" not in page
    week = page[page.index('id="dashboard-upcoming"') : page.index('id="dashboard-unassigned"')]
    assert "<th>Status</th>" in week
    assert 'class="status status-cancellation_requested">Cancellation requested<' in week


def test_the_revenue_chart_has_a_dollar_axis_and_names_its_axes(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    chart = page[page.index('id="dashboard-revenue"') :]
    assert "Received per week (USD)" in chart
    assert "Week starting" in chart
    ticks = re.findall(r'<text class="tick"[^>]*>(\$[\d,]+)</text>', chart)
    assert ticks[0] == "$0" and len(ticks) >= 3


def test_the_bookings_list_shows_upcoming_parties_first_soonest_first(admin_client):
    today = timezone.localdate()

    bookings = listed(admin_client.get(changelist_url(Booking)))

    upcoming = [b.date for b in bookings if b.date >= today]
    past = [b.date for b in bookings if b.date < today]
    assert bookings[: len(upcoming)] == [b for b in bookings if b.date >= today]
    assert upcoming == sorted(upcoming) and past == sorted(past, reverse=True)


def test_the_bookings_list_finds_a_partial_reference_and_a_chefs_name(admin_client):
    by_reference = listed(admin_client.get(changelist_url(Booking), {"q": "demo2"}))
    by_chef = listed(admin_client.get(changelist_url(Booking), {"q": "Nakamura"}))

    assert {b.reference for b in by_reference} == set(
        Booking.objects.filter(reference__icontains="DEMO2").values_list("reference", flat=True)
    )
    assert by_reference
    assert by_chef and {b.chef.name for b in by_chef} == {"Hiro Nakamura"}


def test_the_bookings_list_filters_by_chef_and_shows_the_status_whole(admin_client):
    chef_booking = Booking.objects.filter(
        chef__isnull=False, status=Booking.Status.CANCELLATION_REQUESTED
    ).first()

    response = admin_client.get(changelist_url(Booking), {"chef__id__exact": str(chef_booking.chef_id)})

    assert {b.chef_id for b in listed(response)} == {chef_booking.chef_id}
    assert '<span class="booking-status status-cancellation_requested">Cancellation requested</span>' in (
        response.content.decode()
    )
