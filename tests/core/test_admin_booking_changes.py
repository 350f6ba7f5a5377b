"""The staff panel never edits a price by hand: party, menu and address change through actions
that call the repricing services (issue 9, item 9)."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditLog
from core.models import Booking
from tests.core.test_admin_actions import FREMONT, demo_data  # noqa: F401  (the module's demo data)
from tests.staff_panel import MANAGER_FREMONT, change_url, client_for, messages_of, post_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(demo_data, db):  # noqa: F811
    return client_for(MANAGER_FREMONT)


def upcoming_fremont_booking() -> Booking:
    return (
        Booking.objects.filter(
            station__code=FREMONT,
            status=Booking.Status.CONFIRMED,
            date__gte=timezone.localdate() + datetime.timedelta(days=5),
        )
        .order_by("date")
        .first()
    )


def test_the_booking_page_shows_party_items_zip_and_address_read_only(manager):
    booking = upcoming_fremont_booking()

    page = manager.get(change_url(booking)).content.decode()

    for field in ("party_adults", "party_kids", "party_toddlers", "items", "zone", "address", "date", "chef"):
        assert f'name="{field}"' not in page, field


def test_posting_a_new_party_to_the_booking_page_does_not_change_it(manager):
    booking = upcoming_fremont_booking()
    before = (booking.party_adults, booking.total_due_cents, booking.zone)

    manager.post(change_url(booking), {"party_adults": "30", "zone": "90001", "special_requests": "x"})

    booking.refresh_from_db()
    assert (booking.party_adults, booking.total_due_cents, booking.zone) == before


def test_change_party_shows_the_new_total_before_it_applies_it(manager):
    booking = upcoming_fremont_booking()
    old_total = booking.total_due_cents
    form = {"party_adults": "30", "party_kids": "0", "party_toddlers": "0", "item_lobster_tail": "20"}

    preview = post_action(manager, Booking, "change_party", [booking], form)

    assert preview.status_code == 200
    assert "New total $1,950.00" in preview.content.decode()
    booking.refresh_from_db()
    assert booking.total_due_cents == old_total

    confirmed = post_action(
        manager, Booking, "change_party", [booking], {**form, "previewed_total_cents": "195000"}
    )

    booking.refresh_from_db()
    assert (booking.party_adults, booking.total_due_cents) == (30, 195000)
    assert messages_of(confirmed) == [f"Changed the party of {booking.reference}: new total $1,950.00."]
    [row] = AuditLog.objects.filter(action="booking.change_party", resource_id=str(booking.pk))
    assert row.actor_label == MANAGER_FREMONT


def test_change_party_refuses_too_many_upgrades_on_the_form(manager):
    booking = upcoming_fremont_booking()
    form = {"party_adults": "2", "party_kids": "0", "party_toddlers": "0", "item_lobster_tail": "20"}

    response = post_action(manager, Booking, "change_party", [booking], form)

    assert response.status_code == 200
    assert "protein upgrades" in response.content.decode()


def test_change_address_refuses_a_zip_outside_the_area_with_a_message(manager):
    booking = upcoming_fremont_booking()
    form = {"line1": "1 Main St", "city": "Los Angeles", "state": "CA", "zip_code": "90001"}

    response = post_action(manager, Booking, "change_address", [booking], form)

    booking.refresh_from_db()
    assert booking.zone != "90001"
    [message] = messages_of(response)
    assert message.startswith(f"{booking.reference}: ")


def test_the_time_off_form_refuses_a_booked_day_naming_the_booking(manager):
    from django.urls import reverse

    from ops.models import ChefAvailability

    booking = (
        Booking.objects.filter(station__code=FREMONT, status=Booking.Status.CONFIRMED, chef__isnull=False)
        .filter(date__gte=timezone.localdate())
        .order_by("date")
        .first()
    )
    url = reverse("admin:ops_chefavailability_add")
    form = {"chef": str(booking.chef_id), "date": booking.date.isoformat(), "slot": "", "note": "Off"}

    refused = manager.post(url, form)

    assert refused.status_code == 200
    assert booking.reference in refused.content.decode()
    assert not ChefAvailability.objects.filter(chef=booking.chef, date=booking.date).exists()

    manager.post(url, {**form, "unassign_booked": "on"})

    booking.refresh_from_db()
    assert booking.chef_id is None
    assert ChefAvailability.objects.filter(date=booking.date, note="Off").exists()


def test_the_party_form_shows_the_new_total_live_from_a_staff_only_quote(manager):
    from django.urls import reverse

    booking = upcoming_fremont_booking()
    url = reverse("admin:core_booking_party_quote", args=[booking.pk])

    form_page = post_action(manager, Booking, "change_party", [booking])
    live = manager.get(
        url, {"party_adults": "30", "party_kids": "0", "party_toddlers": "0", "item_lobster_tail": "20"}
    )
    refused = manager.get(
        url, {"party_adults": "2", "party_kids": "0", "party_toddlers": "0", "item_lobster_tail": "20"}
    )

    assert "core/admin/party_change.js" in form_page.content.decode()
    assert f'data-quote-url="{url}"' in form_page.content.decode()
    assert live.status_code == 200
    assert (live.json()["total_due_cents"], live.json()["total"]) == (195000, "$1,950.00")
    assert refused.status_code == 400 and "protein upgrades" in refused.json()["error"]
    booking.refresh_from_db()
    assert booking.party_adults != 30  # a read: nothing changed


def test_the_live_quote_of_another_stations_booking_is_a_404(manager):
    from django.urls import reverse

    sacramento = Booking.objects.filter(station__code="CA-SACRAMENTO-001").first()

    response = manager.get(
        reverse("admin:core_booking_party_quote", args=[sacramento.pk]), {"party_adults": "10"}
    )

    assert response.status_code == 404
