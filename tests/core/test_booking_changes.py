"""DOMAIN.md "Party and menu changes": one service revalidates, reprices, keeps what was paid, audits."""

import datetime

import pytest
import time_machine

from audit.models import AuditLog
from core.models import Booking, Payment
from core.selectors import booking_paid_cents
from core.services.bookings import booking_change_address, booking_change_party, booking_create
from core.services.payments import booking_balance_due_cents
from kernel.errors import ConflictError, ServiceError
from tests.core.conftest import LA, booking_request
from tests.core.factories import PaymentFactory

pytestmark = pytest.mark.django_db

ADULT, KID, DEPOSIT = 5500, 3000, 10000


@pytest.fixture
def booking(station, chef, customer_actor) -> Booking:
    # 10 adults, 2 kids, 1 toddler, 4 filet upgrades: 550 + 60 + 20 = $630, travel 0 (Fremont).
    return booking_create(request=booking_request(), actor=customer_actor)


def test_changing_the_party_reprices_it_from_the_catalogue(booking, staff_actor):
    changed = booking_change_party(
        booking=booking,
        party_adults=30,
        party_kids=0,
        items=[{"code": "lobster_tail", "quantity": 20}],
        actor=staff_actor,
        by_customer=False,
    )

    changed.refresh_from_db()
    assert changed.party_adults == 30 and changed.party_kids == 0
    assert changed.total_due_cents == 30 * ADULT + 20 * 1500
    assert changed.quote["total_cents"] == changed.total_due_cents
    assert {line["code"]: line["quantity"] for line in changed.quote["lines"]} == {
        "adult": 30,
        "lobster_tail": 20,
    }
    assert changed.items == [{"code": "lobster_tail", "quantity": 20}]


def test_a_smaller_party_is_raised_to_the_party_minimum(booking, staff_actor):
    changed = booking_change_party(booking=booking, party_adults=4, actor=staff_actor, by_customer=False)

    assert changed.total_due_cents == 55000
    assert changed.quote["minimum_applied"] is True


def test_a_party_change_keeps_the_deposit_paid_and_owes_the_new_total_minus_it(booking, staff_actor):
    PaymentFactory(booking=booking, amount_cents=DEPOSIT)

    changed = booking_change_party(booking=booking, party_adults=20, actor=staff_actor, by_customer=False)

    assert booking_paid_cents(booking=changed) == DEPOSIT
    assert changed.deposit_due_cents == DEPOSIT
    assert booking_balance_due_cents(changed) == 20 * ADULT - DEPOSIT
    assert Payment.objects.filter(booking=changed).count() == 1


def test_a_party_change_below_what_was_paid_flags_the_booking_for_staff(booking, staff_actor):
    PaymentFactory(booking=booking, amount_cents=DEPOSIT)
    PaymentFactory(booking=booking, kind=Payment.Kind.BALANCE, amount_cents=63000 - DEPOSIT)

    changed = booking_change_party(booking=booking, party_adults=10, actor=staff_actor, by_customer=False)

    assert changed.total_due_cents == 55000
    assert changed.flagged_for_staff
    assert "more than the new total" in changed.flag_reason


def test_more_than_two_upgrades_per_guest_are_refused(booking, customer_actor):
    with pytest.raises(ServiceError) as error:
        booking_change_party(
            booking=booking,
            party_adults=2,
            items=[{"code": "lobster_tail", "quantity": 5}],
            actor=customer_actor,
            by_customer=True,
        )

    assert error.value.code == "too_many_upgrades"
    booking.refresh_from_db()
    assert booking.party_adults == 10


def test_an_unknown_item_or_an_empty_party_is_refused(booking, customer_actor):
    with pytest.raises(ServiceError) as unknown:
        booking_change_party(
            booking=booking,
            party_adults=10,
            items=[{"code": "caviar", "quantity": 1}],
            actor=customer_actor,
            by_customer=True,
        )
    with pytest.raises(ServiceError) as empty:
        booking_change_party(booking=booking, party_adults=0, actor=customer_actor, by_customer=True)

    assert unknown.value.field == "items"
    assert empty.value.field == "party_adults"


def test_a_party_change_is_audited_before_and_after(booking, staff_actor):
    booking_change_party(
        booking=booking,
        party_adults=12,
        party_kids=2,
        party_toddlers=1,
        items=[{"code": "filet_mignon", "quantity": 4}],
        actor=staff_actor,
        by_customer=False,
    )

    row = AuditLog.objects.get(action="booking.change_party", resource_id=str(booking.pk))
    assert row.before["party_adults"] == 10 and row.after["party_adults"] == 12
    assert row.before["total_due_cents"] == 63000 and row.after["total_due_cents"] == 63000 + 2 * ADULT


def test_the_same_party_again_changes_nothing_and_writes_no_audit_row(booking, staff_actor):
    booking_change_party(
        booking=booking,
        party_adults=10,
        party_kids=2,
        party_toddlers=1,
        items=[{"code": "filet_mignon", "quantity": 4}],
        actor=staff_actor,
        by_customer=False,
    )

    assert not AuditLog.objects.filter(action="booking.change_party").exists()


def test_a_customer_cannot_change_the_party_inside_72_hours_but_staff_can(
    booking, customer_actor, staff_actor
):
    starts = datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)
    with time_machine.travel(starts - datetime.timedelta(hours=71)):
        with pytest.raises(ConflictError) as error:
            booking_change_party(booking=booking, party_adults=12, actor=customer_actor, by_customer=True)
        changed = booking_change_party(booking=booking, party_adults=12, actor=staff_actor, by_customer=False)

    assert error.value.code == "change_window_closed"
    assert changed.party_adults == 12


def test_a_cancelled_booking_cannot_change_its_party(booking, staff_actor):
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)

    with pytest.raises(ConflictError) as error:
        booking_change_party(booking=booking, party_adults=12, actor=staff_actor, by_customer=False)

    assert error.value.code == "invalid_transition"


def test_a_new_address_in_the_area_is_requoted_for_its_zip(booking, staff_actor):
    far = {"line1": "1 Market St", "city": "Gilroy", "state": "CA", "zip_code": "95020"}

    changed = booking_change_address(booking=booking, address=far, actor=staff_actor, by_customer=False)

    changed.refresh_from_db()
    assert changed.zone == "95020"
    assert changed.address == "1 Market St, Gilroy, CA 95020"
    assert changed.quote["travel_fee_cents"] > 0
    assert changed.total_due_cents == 63000 + changed.quote["travel_fee_cents"]
    assert AuditLog.objects.filter(action="booking.change_address", resource_id=str(booking.pk)).exists()


def test_an_address_outside_the_service_area_is_refused(booking, staff_actor):
    outside = {"line1": "1 Main St", "city": "Los Angeles", "state": "CA", "zip_code": "90001"}

    with pytest.raises(ServiceError) as error:
        booking_change_address(booking=booking, address=outside, actor=staff_actor, by_customer=False)

    assert error.value.field == "address.zip_code"
    booking.refresh_from_db()
    assert booking.zone == "94539" and booking.total_due_cents == 63000


# --- Through the manage link ------------------------------------------------------------------


@pytest.fixture
def manage_url(booking, settings):
    from core.tokens import manage_token_for

    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "1000/min"}
    return f"/api/v1/bookings/manage/{manage_token_for(booking)}/"


def test_the_customer_changes_the_party_through_the_manage_link_and_sees_the_new_total(
    booking, manage_url, api_client
):
    PaymentFactory(booking=booking, amount_cents=DEPOSIT)

    response = api_client.post(
        manage_url + "party/",
        {"party_adults": 30, "items": [{"code": "lobster_tail", "quantity": 20}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["party"]["adults"] == 30
    assert data["total_due_cents"] == 30 * ADULT + 20 * 1500
    assert data["quote"]["total_due_cents"] == data["total_due_cents"]
    assert data["amount_paid_cents"] == DEPOSIT
    assert data["balance_due_cents"] == data["total_due_cents"] - DEPOSIT


def test_the_manage_link_refuses_a_party_change_inside_72_hours_with_a_409(booking, manage_url, api_client):
    starts = datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)
    with time_machine.travel(starts - datetime.timedelta(hours=70)):
        response = api_client.post(manage_url + "party/", {"party_adults": 12}, format="json")

    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "change_window_closed"


def test_the_manage_link_refuses_too_many_upgrades_with_a_400_naming_items(booking, manage_url, api_client):
    response = api_client.post(
        manage_url + "party/",
        {"party_adults": 1, "items": [{"code": "lobster_tail", "quantity": 3}]},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "items" in response.json()["error"]["fields"]


def test_the_manage_link_refuses_an_address_outside_the_area(booking, manage_url, api_client):
    address = {"line1": "1 Main St", "city": "Los Angeles", "state": "CA", "zip_code": "90001"}

    response = api_client.post(manage_url + "address/", {"address": address}, format="json")

    assert response.status_code == 400, response.content
    assert "address.zip_code" in response.json()["error"]["fields"]


def test_a_party_change_through_the_manage_link_takes_a_bounded_number_of_queries(
    booking, manage_url, api_client, django_assert_max_num_queries
):
    PaymentFactory(booking=booking, amount_cents=DEPOSIT)

    # 12 measured: token, lock, quote (policy, items, station, travel), paid, write, audit, view.
    with django_assert_max_num_queries(14):
        response = api_client.post(manage_url + "party/", {"party_adults": 14}, format="json")

    assert response.status_code == 200, response.content
