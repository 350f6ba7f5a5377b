"""Every invariant of docs/business-rules.md is enforced by PostgreSQL itself, named as
docs/business-rules.md names it."""

import pytest
from django.db import IntegrityError, connection, transaction

from core.models import Booking, Customer
from crm.models import Lead
from tests.core.factories import BookingFactory, CustomerFactory, PaymentFactory
from tests.crm.factories import LeadFactory
from tests.leads.factories import LeadEventFactory
from tests.ops.factories import ChefFactory

pytestmark = pytest.mark.django_db


def _violates(constraint: str, write) -> None:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    assert constraint in str(excinfo.value)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("party_adults", 0, "check_party_adults_positive"),
        ("deposit_due_cents", -1, "check_deposit_non_negative"),
        ("total_due_cents", 9999, "check_total_gte_deposit"),
    ],
)
def test_booking_check_constraints_reject_bad_rows(field, value, constraint):
    booking = BookingFactory(deposit_due_cents=10000, total_due_cents=60000)

    _violates(constraint, lambda: Booking.objects.filter(pk=booking.pk).update(**{field: value}))


def test_party_kids_cannot_be_negative():
    booking = BookingFactory()

    # The column is unsigned in Django's eyes too; the named check is the database's own rule.
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core.bookings SET party_kids = -1 WHERE id = %s", [booking.pk])
    assert "check_party_kids_non_negative" in str(excinfo.value)


def test_lead_score_must_be_between_0_and_100():
    lead = LeadFactory()

    _violates("check_lead_score_range", lambda: Lead.objects.filter(pk=lead.pk).update(score=101))


def test_customer_email_is_unique_case_insensitively():
    CustomerFactory(email="ana@example.com")

    _violates("uq_customers_email", lambda: CustomerFactory(email="ANA@Example.com"))


def test_a_chef_holds_at_most_one_active_booking_per_date_and_slot():
    booking = BookingFactory()

    _violates(
        "ix_core_bookings_chef_slot_unique",
        lambda: BookingFactory(
            chef=booking.chef, station=booking.station, date=booking.date, slot=booking.slot
        ),
    )


def test_a_cancelled_booking_frees_the_chef_for_that_slot():
    booking = BookingFactory(status=Booking.Status.CANCELLED)

    again = BookingFactory(chef=booking.chef, station=booking.station, date=booking.date, slot=booking.slot)

    assert again.pk


def test_two_chefs_can_work_the_same_date_and_slot():
    first = BookingFactory()
    other_chef = ChefFactory(station=first.station)

    second = BookingFactory(chef=other_chef, station=first.station, date=first.date, slot=first.slot)

    assert second.pk


def test_a_customer_cannot_hold_two_active_bookings_in_the_same_date_and_slot():
    first = BookingFactory()
    other_chef = ChefFactory(station=first.station)

    _violates(
        "idx_booking_date_slot_active",
        lambda: BookingFactory(
            customer=first.customer, chef=other_chef, station=first.station, date=first.date, slot=first.slot
        ),
    )


# --- ON DELETE rules, enforced by the database (docs/business-rules.md "Referential rules") ---------


def _delete_rule(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT con.confdeltype FROM pg_constraint con
            JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
            WHERE con.contype = 'f' AND con.conrelid = to_regclass(%s) AND att.attname = %s
            """,
            [table, column],
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("table", "column", "rule"),
    [
        ('"core"."bookings"', "customer_id", "r"),  # RESTRICT
        ('"core"."bookings"', "chef_id", "n"),  # SET NULL
        ('"crm"."leads"', "customer_id", "n"),  # SET NULL
        ('"lead"."lead_events"', "lead_id", "c"),  # CASCADE
        ('"core"."payments"', "booking_id", "r"),  # RESTRICT
    ],
)
def test_foreign_keys_carry_the_on_delete_rules_in_pg_constraint(table, column, rule):
    assert _delete_rule(table, column) == rule


def _raw_delete(table: str, pk) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed table names


def test_database_restricts_deleting_a_customer_with_bookings():
    booking = BookingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_delete("core.customers", booking.customer_id)
    assert Customer.objects.filter(pk=booking.customer_id).exists()


def test_database_restricts_deleting_a_booking_with_payments():
    payment = PaymentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_delete("core.bookings", payment.booking_id)


def test_database_unassigns_the_chef_of_a_booking_when_the_chef_is_deleted():
    booking = BookingFactory()

    _raw_delete("ops.chefs", booking.chef_id)

    booking.refresh_from_db()
    assert booking.chef_id is None


def test_database_keeps_a_lead_when_its_customer_is_deleted():
    customer = CustomerFactory()
    lead = LeadFactory(customer=customer)

    _raw_delete("core.customers", customer.pk)

    lead.refresh_from_db()
    assert lead.customer_id is None


def test_database_deletes_lead_events_with_their_lead():
    event = LeadEventFactory()

    _raw_delete("crm.leads", event.lead_id)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lead.lead_events WHERE id = %s", [event.pk])
        assert cursor.fetchone()[0] == 0
