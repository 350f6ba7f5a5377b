"""The staff panel's booking and review actions, through the admin as staff use it.

Each action is posted to the changelist (with its intermediate form where it has one) by a
demo login; the test checks what the service did in the database, the message shown, and
the audit row, and that a role without the business permission is refused.
"""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditLog
from core.models import Booking, Payment, Review
from core.schedule.run_sheet import chef_sees_details
from identity.models import RolePermission, Station
from kernel.money import format_cents
from ops.models import Chef, ChefAvailability
from tests.core.factories import BookingFactory, CustomerFactory
from tests.ops.factories import ChefFactory
from tests.staff_panel import (
    ADMIN,
    CHEF,
    MANAGER_FREMONT,
    SUPPORT,
    change_url,
    client_for,
    demo_database,
    messages_of,
    offered_actions,
    post_action,
)

pytestmark = pytest.mark.django_db

FREMONT = "CA-FREMONT-001"


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def manager(demo_data, db):
    return client_for(MANAGER_FREMONT)


@pytest.fixture
def support(demo_data, db):
    return client_for(SUPPORT)


def booking(reference: str) -> Booking:
    return Booking.objects.select_related("station", "chef", "customer").get(reference=reference)


def audit_rows(obj, action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(resource_id=str(obj.pk), action=action))


def past_confirmed_booking() -> Booking:
    """A confirmed Fremont party that took place yesterday."""
    fremont = Station.objects.get(code=FREMONT)
    return BookingFactory(
        station=fremont,
        chef=ChefFactory(station=fremont),
        customer=CustomerFactory(),
        date=timezone.localdate() - datetime.timedelta(days=1),
        status=Booking.Status.CONFIRMED,
    )


# --- Manual payments -----------------------------------------------------------------------


def test_a_manager_records_a_cash_deposit_and_the_booking_is_confirmed(manager):
    pending = booking("MH-DEMO21")
    assert pending.status == Booking.Status.DEPOSIT_PENDING

    form_page = post_action(manager, Booking, "record_payment", [pending])
    assert form_page.status_code == 200
    assert "csrfmiddlewaretoken" in form_page.content.decode()
    assert form_page.context["form"].initial["kind"] == Payment.Kind.DEPOSIT

    response = post_action(
        manager,
        Booking,
        "record_payment",
        [pending],
        {"kind": "deposit", "method": "cash", "amount_cents": "100.00", "reason": "Paid at the door"},
    )

    payment = Payment.objects.get(booking=pending, method=Payment.Method.CASH)
    assert (payment.kind, payment.amount_cents, payment.status) == ("deposit", 10000, "succeeded")
    assert payment.recorded_by.email == MANAGER_FREMONT
    assert booking("MH-DEMO21").status == Booking.Status.CONFIRMED
    assert messages_of(response) == ["Recorded a $100.00 Cash deposit payment for MH-DEMO21."]
    [audit] = audit_rows(payment, "payment.record_manual")
    assert (audit.actor_label, audit.role, audit.reason) == (
        MANAGER_FREMONT,
        "station_manager",
        "Paid at the door",
    )


def test_an_overpayment_is_a_message_not_an_error_page(manager):
    pending = booking("MH-DEMO21")

    response = post_action(
        manager,
        Booking,
        "record_payment",
        [pending],
        {"kind": "deposit", "method": "zelle", "amount_cents": "99999.00", "reason": ""},
    )

    assert response.status_code == 200
    assert not Payment.objects.filter(booking=pending, method=Payment.Method.ZELLE).exists()
    [message] = messages_of(response)
    assert message.startswith("MH-DEMO21: At most ")


def test_an_invalid_amount_shows_the_form_again_with_its_error(manager):
    pending = booking("MH-DEMO21")

    response = post_action(
        manager,
        Booking,
        "record_payment",
        [pending],
        {"kind": "deposit", "method": "cash", "amount_cents": "0"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["amount_cents"]
    assert not Payment.objects.filter(booking=pending, method=Payment.Method.CASH).exists()


def test_support_is_not_offered_and_cannot_run_the_finance_actions(support):
    assert {"record_payment", "refund"}.isdisjoint(offered_actions(support, Booking))
    assert {"cancel_bookings", "reschedule", "approve_cancellation"} <= offered_actions(support, Booking)
    paid = booking("MH-DEMO20")

    response = post_action(
        support, Booking, "refund", [paid], {"amount_cents": "10.00", "reason": "Goodwill"}
    )
    post_action(
        support,
        Booking,
        "record_payment",
        [paid],
        {"kind": "balance", "method": "cash", "amount_cents": "10.00"},
    )

    assert not Payment.objects.filter(booking=paid, kind=Payment.Kind.REFUND).exists()
    assert not Payment.objects.filter(booking=paid, kind=Payment.Kind.BALANCE).exists()
    assert "No action selected." in messages_of(response)


# --- Chefs ---------------------------------------------------------------------------------


def test_reassigning_offers_only_the_chefs_free_in_that_slot_at_that_station(manager):
    unassigned = booking("MH-DEMO26")  # Fremont, in 5 days at 21:00, no chef
    fremont = unassigned.station
    on_leave = Chef.objects.get(name="Hiro Nakamura")
    ChefAvailability.objects.create(chef=on_leave, date=unassigned.date, slot=None, is_available=False)
    busy = Chef.objects.get(name="Maria Santos")
    BookingFactory(
        station=fremont, chef=busy, customer=CustomerFactory(), date=unassigned.date, slot=unassigned.slot
    )
    ChefFactory(station=fremont, is_active=False)

    form_page = post_action(manager, Booking, "assign_chef", [unassigned])

    offered = set(form_page.context["form"].fields["chef"].queryset.values_list("name", flat=True))
    assert offered == {"Kenji Tanaka", "Daniel Kim"}
    assert "Luis Hernandez" not in form_page.content.decode()  # Sacramento

    refused = post_action(manager, Booking, "assign_chef", [unassigned], {"chef": str(busy.pk)})
    assert refused.context["form"].errors["chef"]
    assert booking("MH-DEMO26").chef is None

    kenji = Chef.objects.get(name="Kenji Tanaka")
    response = post_action(manager, Booking, "assign_chef", [unassigned], {"chef": str(kenji.pk)})

    assert booking("MH-DEMO26").chef == kenji
    assert messages_of(response) == ["Assigned Kenji Tanaka to MH-DEMO26."]
    [audit] = audit_rows(unassigned, "booking.assign_chef")
    assert audit.before["chef"] is None and audit.after["chef"] == str(kenji.pk)


def test_a_chef_is_assigned_to_one_booking_at_a_time(manager):
    response = post_action(manager, Booking, "assign_chef", [booking("MH-DEMO13"), booking("MH-DEMO14")])

    assert messages_of(response) == ["Select exactly one booking."]


# --- Cancelling --------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_is_audited_with_it(support):
    confirmed = booking("MH-DEMO13")

    without_reason = post_action(support, Booking, "cancel_bookings", [confirmed], {"reason": ""})
    assert without_reason.context["form"].errors["reason"]
    assert "refund_cents" not in without_reason.context["form"].fields  # support: no finance
    assert booking("MH-DEMO13").status == Booking.Status.CONFIRMED

    response = post_action(
        support, Booking, "cancel_bookings", [confirmed], {"reason": "Customer moved abroad"}
    )

    cancelled = booking("MH-DEMO13")
    assert cancelled.status == Booking.Status.CANCELLED
    assert cancelled.cancellation_reason == "Customer moved abroad"
    assert messages_of(response) == ["Cancelled MH-DEMO13."]
    [audit] = audit_rows(confirmed, "booking.cancel")
    assert (audit.actor_label, audit.reason) == (SUPPORT, "Customer moved abroad")


def test_cancelling_an_already_finished_booking_reports_it_per_booking(manager):
    completed, confirmed = booking("MH-DEMO01"), booking("MH-DEMO14")

    response = post_action(
        manager, Booking, "cancel_bookings", [completed, confirmed], {"reason": "Storm warning"}
    )

    assert booking("MH-DEMO01").status == Booking.Status.COMPLETED
    assert booking("MH-DEMO14").status == Booking.Status.CANCELLED
    assert messages_of(response) == [
        "MH-DEMO01: Booking MH-DEMO01 is completed; it cannot be cancelled.",
        "Cancelled MH-DEMO14.",
    ]


def test_a_manager_approves_a_cancellation_request_with_a_refund(manager):
    requested = booking("MH-DEMO24")

    form_page = post_action(manager, Booking, "approve_cancellation", [requested])
    assert "refund_cents" in form_page.context["form"].fields
    response = post_action(
        manager,
        Booking,
        "approve_cancellation",
        [requested],
        {"refund_cents": "50.00", "reason": "Family emergency: half the deposit back"},
    )

    approved = booking("MH-DEMO24")
    assert (approved.status, approved.refund_due_cents) == (Booking.Status.CANCELLED, 5000)
    assert messages_of(response) == ["Approved the cancellation of MH-DEMO24."]
    [audit] = audit_rows(requested, "booking.cancellation_approve")
    assert audit.reason == "Family emergency: half the deposit back"


def test_support_approves_a_cancellation_without_a_refund_whatever_is_posted(support):
    requested = booking("MH-DEMO24")

    post_action(
        support, Booking, "approve_cancellation", [requested], {"refund_cents": "100.00", "reason": "x"}
    )

    approved = booking("MH-DEMO24")
    assert (approved.status, approved.refund_due_cents) == (Booking.Status.CANCELLED, 0)


def test_rejecting_a_cancellation_request_restores_the_status_before_it(manager):
    requested = booking("MH-DEMO24")

    response = post_action(manager, Booking, "reject_cancellation", [requested])

    assert booking("MH-DEMO24").status == Booking.Status.CONFIRMED
    assert messages_of(response) == [
        "Rejected the cancellation request of MH-DEMO24: back to their status before it."
    ]
    assert audit_rows(requested, "booking.cancellation_reject")


def test_a_manager_cannot_act_on_another_stations_booking(manager):
    sacramento = booking("MH-DEMO25")  # cancellation requested, in Sacramento

    post_action(manager, Booking, "reject_cancellation", [sacramento])

    assert booking("MH-DEMO25").status == Booking.Status.CANCELLATION_REQUESTED
    assert not audit_rows(sacramento, "booking.cancellation_reject")


# --- Reschedule, complete, no-show ---------------------------------------------------------


def test_rescheduling_moves_the_booking_to_a_slot_with_capacity(support):
    confirmed = booking("MH-DEMO16")
    new_date = timezone.localdate() + datetime.timedelta(days=40)

    response = post_action(
        support, Booking, "reschedule", [confirmed], {"date": new_date.isoformat(), "slot": "15:00"}
    )

    moved = booking("MH-DEMO16")
    assert (moved.date, moved.slot) == (new_date, datetime.time(15, 0))
    assert messages_of(response) == [f"Rescheduled MH-DEMO16 to {new_date:%b} {new_date.day} at 15:00."]
    assert audit_rows(confirmed, "booking.reschedule")


def test_rescheduling_into_a_full_slot_is_refused_with_a_message(manager):
    confirmed = booking("MH-DEMO16")
    full = booking("MH-DEMO13")  # every Fremont chef busy or off then:
    for chef in Chef.objects.filter(station=confirmed.station, is_active=True):
        ChefAvailability.objects.get_or_create(chef=chef, date=full.date, slot=None, is_available=False)

    response = post_action(
        manager, Booking, "reschedule", [confirmed], {"date": full.date.isoformat(), "slot": "18:00"}
    )

    assert response.status_code == 200
    assert booking("MH-DEMO16").date == confirmed.date
    [message] = messages_of(response)
    assert message.startswith("MH-DEMO16: ")


def test_a_past_party_is_marked_completed_and_a_future_one_is_refused(manager):
    past = past_confirmed_booking()
    future = booking("MH-DEMO14")

    response = post_action(manager, Booking, "mark_completed", [past, future])

    past.refresh_from_db()
    assert past.status == Booking.Status.COMPLETED
    assert booking("MH-DEMO14").status == Booking.Status.CONFIRMED
    assert f"Marked {past.reference} completed." in messages_of(response)
    assert "MH-DEMO14: Booking MH-DEMO14 can only be completed after the event starts." in messages_of(
        response
    )
    assert audit_rows(past, "booking.complete")


def test_a_past_party_is_marked_a_no_show(manager):
    past = past_confirmed_booking()

    response = post_action(manager, Booking, "mark_no_show", [past])

    past.refresh_from_db()
    assert past.status == Booking.Status.NO_SHOW
    assert messages_of(response) == [f"Marked {past.reference} a no-show."]
    assert audit_rows(past, "booking.no_show")


def test_support_cannot_complete_bookings(support):
    past = past_confirmed_booking()

    assert "mark_completed" not in offered_actions(support, Booking)
    post_action(support, Booking, "mark_completed", [past])

    past.refresh_from_db()
    assert past.status == Booking.Status.CONFIRMED


# --- Refunds ----------------------------------------------------------------------------


def test_a_manager_refunds_part_of_a_cash_deposit(manager):
    paid = booking("MH-DEMO20")  # $100 cash deposit

    response = post_action(
        manager, Booking, "refund", [paid], {"amount_cents": "40.00", "reason": "Smaller party than booked"}
    )

    refund = Payment.objects.get(booking=paid, kind=Payment.Kind.REFUND)
    assert (refund.amount_cents, refund.method, refund.status) == (4000, "cash", "succeeded")
    assert messages_of(response) == ["Refunded $40.00 on MH-DEMO20."]
    [audit] = audit_rows(refund, "payment.refund_create")
    assert (audit.actor_label, audit.reason) == (MANAGER_FREMONT, "Smaller party than booked")


def test_a_refund_above_what_was_paid_is_a_message(manager):
    paid = booking("MH-DEMO20")

    response = post_action(manager, Booking, "refund", [paid], {"amount_cents": "5000.00", "reason": "Oops"})

    assert not Payment.objects.filter(booking=paid, kind=Payment.Kind.REFUND).exists()
    [message] = messages_of(response)
    assert (
        message
        == "MH-DEMO20: At most $100.00 can be refunded on this booking (what was paid and not yet refunded)."
    )


# --- CSV export ---------------------------------------------------------------------------


def _csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_export_is_the_filtered_list_of_the_users_stations_with_addresses(manager):
    # "Select all": the page posts the ids it shows, and select_across for the whole list.
    response = post_action(
        manager,
        Booking,
        "export_csv",
        [booking("MH-DEMO13")],
        select_across=True,
        query="status__exact=confirmed",
    )

    rows = _csv_rows(response)
    expected = Booking.objects.filter(status=Booking.Status.CONFIRMED, station__code=FREMONT)
    assert sorted(row["reference"] for row in rows) == sorted(expected.values_list("reference", flat=True))
    demo13 = next(row for row in rows if row["reference"] == "MH-DEMO13")
    assert demo13["address"] == booking("MH-DEMO13").address
    assert (demo13["total_due"], demo13["slot"], demo13["station"]) == (
        f"{booking('MH-DEMO13').total_due_cents / 100:.2f}",
        "18:00",
        FREMONT,
    )
    [audit] = AuditLog.objects.filter(action="booking.export")
    assert audit.after["count"] == len(rows) and audit.actor_label == MANAGER_FREMONT


def test_the_export_hides_addresses_from_a_role_that_may_not_see_them(manager):
    RolePermission.objects.filter(
        role__name="station_manager", permission__code="booking.view_address"
    ).delete()

    response = post_action(manager, Booking, "export_csv", [booking("MH-DEMO13"), booking("MH-DEMO14")])

    rows = _csv_rows(response)
    assert [row["address"] for row in rows] == ["hidden", "hidden"]
    assert "Mission Blvd" not in response.content.decode()


def test_support_may_not_export(support):
    assert "export_csv" not in offered_actions(support, Booking)

    response = post_action(support, Booking, "export_csv", [booking("MH-DEMO13")])

    assert not response["Content-Type"].startswith("text/csv")
    assert not AuditLog.objects.filter(action="booking.export").exists()


def test_a_formula_in_a_customer_name_is_defused_in_the_export(manager):
    target = booking("MH-DEMO13")
    target.customer.first_name = '=HYPERLINK("http://evil.example")'
    target.customer.save()

    rows = _csv_rows(post_action(manager, Booking, "export_csv", [target]))

    assert rows[0]["customer"].startswith("'=HYPERLINK")
    assert rows[0]["phone"] == target.customer.phone  # a phone number is not a formula


# --- The booking page ---------------------------------------------------------------------


def test_the_booking_page_shows_the_quote_lines_payments_and_audit_trail_newest_first(manager):
    confirmed = booking("MH-DEMO15")  # upgrades, a Zelle deposit
    kenji = Chef.objects.get(name="Kenji Tanaka")
    post_action(manager, Booking, "assign_chef", [confirmed], {"chef": str(kenji.pk)})
    post_action(manager, Booking, "cancel_bookings", [confirmed], {"reason": "Venue flooded"})

    response = manager.get(change_url(confirmed))

    assert response.status_code == 200
    content = response.content.decode()
    for line in confirmed.quote["lines"]:
        assert escape(line["label"]) in content
        assert format_cents(line["total_cents"]) in content
    assert format_cents(confirmed.quote["total_cents"]) in content
    deposit = Payment.objects.get(booking=confirmed, kind=Payment.Kind.DEPOSIT)
    assert "Zelle" in content and format_cents(deposit.amount_cents) in content
    assert content.index("booking.cancel") < content.index("booking.assign_chef")  # newest first
    assert "Venue flooded" in content
    assert escape(confirmed.customer.email) in content
    assert escape(confirmed.address) in content


def test_the_booking_page_hides_the_address_from_a_chef_until_seven_days_before(demo_data, db):
    chef_client = client_for(CHEF)
    own = booking("MH-DEMO13")  # Kenji's party
    assert own.chef.user.email == CHEF

    response = chef_client.get(change_url(own))

    assert response.status_code == 200
    content = response.content.decode()
    # The address field itself is never shown to a chef, nor editable...
    assert "hidden" in content
    assert 'name="address"' not in content
    # ... their party's address is, in "Your party", from 7 days before (DOMAIN.md "Chefs").
    # (tests/core/schedule/test_run_sheet.py covers a party further out.)
    assert (escape(own.address) in content) == chef_sees_details(own)


# --- Reviews --------------------------------------------------------------------------------


def test_support_approves_and_rejects_reviews(support):
    pending = list(Review.objects.filter(status=Review.Status.PENDING, booking__station__code=FREMONT))
    assert pending

    response = post_action(support, Review, "approve_reviews", pending)

    for review in pending:
        review.refresh_from_db()
        assert review.status == Review.Status.APPROVED and review.moderated_at
        assert audit_rows(review, "review.approve")
    assert messages_of(response) == [
        "Approved " + ", ".join(f"review of {review.booking.reference}" for review in pending) + "."
    ]

    post_action(support, Review, "reject_reviews", pending[:1])
    pending[0].refresh_from_db()
    assert pending[0].status == Review.Status.REJECTED


def test_a_chef_cannot_moderate_reviews(demo_data, db):
    chef_client = client_for(CHEF)
    review = Review.objects.filter(status=Review.Status.PENDING).first()

    post_action(chef_client, Review, "approve_reviews", [review])

    review.refresh_from_db()
    assert review.status == Review.Status.PENDING


def test_the_admin_offers_every_booking_action_to_an_admin(demo_data, db):
    assert {
        "record_payment",
        "assign_chef",
        "reschedule",
        "cancel_bookings",
        "approve_cancellation",
        "reject_cancellation",
        "mark_completed",
        "mark_no_show",
        "refund",
        "export_csv",
    } <= offered_actions(client_for(ADMIN), Booking)
