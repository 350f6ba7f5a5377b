"""docs/business-rules.md "Booking lifecycle": every transition is one service, checked, idempotent
and audited."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from audit.models import AuditLog
from core.availability import free_chefs
from core.models import Booking, Payment
from core.services.bookings import (
    booking_assign_chef,
    booking_cancel,
    booking_cancellation_approve,
    booking_cancellation_reject,
    booking_complete,
    booking_confirm,
    booking_mark_no_show,
    booking_reschedule,
)
from kernel.errors import ConflictError, ServiceError
from ops.slots import DEFAULT_SLOT_TIMES
from tests.core.conftest import LA, event_date
from tests.core.factories import BookingFactory, PaymentFactory
from tests.identity.factories import SacramentoStationFactory
from tests.ops.factories import ChefAvailabilityFactory, ChefFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
NOON, THREE, SIX, NINE = DEFAULT_SLOT_TIMES


def starts_at(booking: Booking) -> datetime.datetime:
    return datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)


def make_booking(station, status=S.CONFIRMED, days=14, **kwargs) -> Booking:
    if status == S.CANCELLATION_REQUESTED:
        kwargs.setdefault("previous_status", S.CONFIRMED)
    return BookingFactory(station=station, status=status, date=event_date(days), slot=SIX, **kwargs)


# --- The table, service by service: allowed (→ status), already done (no-op) or refused ----------

OK, NOOP, REFUSED = "ok", "noop", "refused"

EXPECTED = {
    "confirm": {
        S.DEPOSIT_PENDING: (OK, S.CONFIRMED),
        S.CONFIRMED: (NOOP, S.CONFIRMED),
        # (previous status confirmed: confirmed underneath already)
        S.CANCELLATION_REQUESTED: (NOOP, S.CANCELLATION_REQUESTED),
        S.CANCELLED: (REFUSED, None),
        S.COMPLETED: (REFUSED, None),
        S.NO_SHOW: (REFUSED, None),
    },
    "staff_cancel": {
        S.DEPOSIT_PENDING: (OK, S.CANCELLED),
        S.CONFIRMED: (OK, S.CANCELLED),
        S.CANCELLATION_REQUESTED: (OK, S.CANCELLED),
        S.CANCELLED: (NOOP, S.CANCELLED),
        S.COMPLETED: (REFUSED, None),
        S.NO_SHOW: (REFUSED, None),
    },
    "approve": {
        S.DEPOSIT_PENDING: (REFUSED, None),
        S.CONFIRMED: (REFUSED, None),
        S.CANCELLATION_REQUESTED: (OK, S.CANCELLED),
        S.CANCELLED: (NOOP, S.CANCELLED),
        S.COMPLETED: (REFUSED, None),
        S.NO_SHOW: (REFUSED, None),
    },
    "reject": {
        S.DEPOSIT_PENDING: (NOOP, S.DEPOSIT_PENDING),
        S.CONFIRMED: (NOOP, S.CONFIRMED),
        S.CANCELLATION_REQUESTED: (OK, S.CONFIRMED),
        S.CANCELLED: (REFUSED, None),
        S.COMPLETED: (REFUSED, None),
        S.NO_SHOW: (REFUSED, None),
    },
    "complete": {
        S.DEPOSIT_PENDING: (REFUSED, None),
        S.CONFIRMED: (OK, S.COMPLETED),
        S.CANCELLATION_REQUESTED: (REFUSED, None),
        S.CANCELLED: (REFUSED, None),
        S.COMPLETED: (NOOP, S.COMPLETED),
        S.NO_SHOW: (REFUSED, None),
    },
    "no_show": {
        S.DEPOSIT_PENDING: (REFUSED, None),
        S.CONFIRMED: (OK, S.NO_SHOW),
        S.CANCELLATION_REQUESTED: (REFUSED, None),
        S.CANCELLED: (REFUSED, None),
        S.COMPLETED: (REFUSED, None),
        S.NO_SHOW: (NOOP, S.NO_SHOW),
    },
    "staff_reschedule": {
        S.DEPOSIT_PENDING: (OK, S.DEPOSIT_PENDING),
        S.CONFIRMED: (OK, S.CONFIRMED),
        S.CANCELLATION_REQUESTED: (REFUSED, None),
        S.CANCELLED: (REFUSED, None),
        S.COMPLETED: (REFUSED, None),
        S.NO_SHOW: (REFUSED, None),
    },
}

AUDIT_ACTIONS = {
    "confirm": "booking.confirm",
    "staff_cancel": "booking.cancel",
    "approve": "booking.cancellation_approve",
    "reject": "booking.cancellation_reject",
    "complete": "booking.complete",
    "no_show": "booking.no_show",
    "staff_reschedule": "booking.reschedule",
}


def run(service: str, booking: Booking, actor) -> Booking:
    if service == "confirm":
        return booking_confirm(booking=booking, actor=actor)
    if service == "staff_cancel":
        return booking_cancel(booking=booking, actor=actor, reason="Chef ill", by_customer=False)
    if service == "approve":
        return booking_cancellation_approve(booking=booking, actor=actor)
    if service == "reject":
        return booking_cancellation_reject(booking=booking, actor=actor)
    if service == "complete":
        return booking_complete(booking=booking, actor=actor)
    if service == "no_show":
        return booking_mark_no_show(booking=booking, actor=actor)
    if service == "staff_reschedule":
        return booking_reschedule(
            booking=booking,
            date=booking.date + datetime.timedelta(days=1),
            slot=SIX,
            actor=actor,
            by_customer=False,
        )
    raise AssertionError(service)


@pytest.mark.parametrize(
    ("service", "status"), [(service, status) for service, row in EXPECTED.items() for status in row]
)
def test_each_transition_is_allowed_or_refused_per_the_table_and_audited(
    station, staff_actor, service, status
):
    # Given a booking in the status (its event over for completion and no-show, else ahead)
    days = -1 if service in ("complete", "no_show") else 14
    booking = make_booking(station, status=status, days=days)
    outcome, target = EXPECTED[service][status]

    # When staff run the service
    if outcome == REFUSED:
        with pytest.raises(ConflictError) as error:
            run(service, booking, staff_actor)
        # Then it is refused with a clear message and nothing changes
        assert error.value.code == "invalid_transition"
        assert booking.reference in error.value.message
        booking.refresh_from_db()
        assert booking.status == status
        assert not AuditLog.objects.filter(resource_id=str(booking.pk)).exists()
        return

    result = run(service, booking, staff_actor)

    # Then the booking is in the target status, with one audit row for a real change
    booking.refresh_from_db()
    assert result.status == booking.status == target
    audits = AuditLog.objects.filter(resource_id=str(booking.pk), action=AUDIT_ACTIONS[service])
    if outcome == NOOP:
        assert not audits.exists()
    else:
        audit = audits.get()
        assert audit.before["status"] == status
        assert audit.after["status"] == target
        assert audit.actor_type == "user"
        assert audit.station_id == station.pk


def test_running_a_transition_twice_changes_and_audits_once(station, staff_actor):
    booking = make_booking(station, status=S.DEPOSIT_PENDING)

    booking_confirm(booking=booking, actor=staff_actor)
    booking_confirm(booking=booking, actor=staff_actor)

    assert AuditLog.objects.filter(action="booking.confirm", resource_id=str(booking.pk)).count() == 1


def test_a_deposit_paid_while_a_cancellation_is_requested_makes_a_rejection_return_to_confirmed(
    station, staff_actor
):
    booking = make_booking(station, status=S.CANCELLATION_REQUESTED, previous_status=S.DEPOSIT_PENDING)

    booking = booking_confirm(booking=booking, actor=staff_actor)
    assert booking.status == S.CANCELLATION_REQUESTED
    booking = booking_cancellation_reject(booking=booking, actor=staff_actor)

    assert booking.status == S.CONFIRMED


# --- Cancellation: the 4-day rule ------------------------------------------------------------


def test_a_customer_cancelling_4_or_more_days_ahead_is_cancelled_with_the_deposit_refunded(
    station, customer_actor
):
    # Given a confirmed booking 10 days ahead with its $100 deposit paid (and a failed attempt)
    booking = make_booking(station, days=10)
    PaymentFactory(booking=booking, amount_cents=10000)
    PaymentFactory(booking=booking, amount_cents=10000, status=Payment.Status.FAILED)

    # When the customer cancels
    booking = booking_cancel(booking=booking, actor=customer_actor, reason="Plans changed", by_customer=True)

    # Then it is cancelled, the deposit is due back, and the chef is free again
    assert booking.status == S.CANCELLED
    assert booking.refund_due_cents == 10000
    assert booking.cancelled_at is not None
    assert booking.cancellation_reason == "Plans changed"
    assert booking.chef in free_chefs(station=station, date=booking.date, slot=booking.slot)
    assert AuditLog.objects.filter(action="booking.cancel", resource_id=str(booking.pk)).exists()


def test_the_refund_due_is_the_deposit_paid_less_what_was_already_refunded(station, customer_actor):
    booking = make_booking(station, days=10)
    deposit = PaymentFactory(booking=booking, amount_cents=10000)
    PaymentFactory(booking=booking, kind=Payment.Kind.REFUND, amount_cents=2500, refund_of=deposit)

    booking = booking_cancel(booking=booking, actor=customer_actor, by_customer=True)

    assert booking.refund_due_cents == 7500


def test_a_deposit_refunded_in_full_is_not_due_again_but_a_second_deposit_is(station, customer_actor):
    # Given a first deposit refunded in full (payments marks it refunded) and a second one paid
    booking = make_booking(station, days=10)
    first = PaymentFactory(booking=booking, amount_cents=10000, status=Payment.Status.REFUNDED)
    PaymentFactory(booking=booking, kind=Payment.Kind.REFUND, amount_cents=10000, refund_of=first)
    PaymentFactory(booking=booking, amount_cents=10000)

    booking = booking_cancel(booking=booking, actor=customer_actor, by_customer=True)

    # Then only the deposit still held is due back
    assert booking.refund_due_cents == 10000


def test_a_balance_paid_early_is_refunded_with_the_deposit_on_a_timely_cancel(station, customer_actor):
    booking = make_booking(station, days=10)
    PaymentFactory(booking=booking, amount_cents=10000)
    PaymentFactory(booking=booking, kind=Payment.Kind.BALANCE, amount_cents=51000)

    booking = booking_cancel(booking=booking, actor=customer_actor, by_customer=True)

    assert booking.refund_due_cents == 61000


def test_exactly_96_hours_ahead_still_counts_as_4_days(station, customer_actor):
    booking = make_booking(station, days=10)
    PaymentFactory(booking=booking, amount_cents=10000)

    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=96), tick=False):
        booking = booking_cancel(booking=booking, actor=customer_actor, by_customer=True)

    assert booking.status == S.CANCELLED
    assert booking.refund_due_cents == 10000


def test_a_customer_cancelling_inside_4_days_makes_a_cancellation_request(station, customer_actor):
    # Given a confirmed, paid booking 95 hours away
    booking = make_booking(station, days=10)
    PaymentFactory(booking=booking, amount_cents=10000)

    # When the customer cancels
    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=95), tick=False):
        booking = booking_cancel(booking=booking, actor=customer_actor, reason="Sick", by_customer=True)

    # Then staff must decide: the booking keeps its slot, its previous status, and no refund is due
    assert booking.status == S.CANCELLATION_REQUESTED
    assert booking.previous_status == S.CONFIRMED
    assert booking.refund_due_cents == 0
    assert booking.chef not in free_chefs(station=station, date=booking.date, slot=booking.slot)
    audit = AuditLog.objects.get(action="booking.cancellation_request", resource_id=str(booking.pk))
    assert audit.reason == "Sick"


def test_a_customer_cancelling_again_while_the_request_is_pending_changes_nothing(station, customer_actor):
    booking = make_booking(station, status=S.CANCELLATION_REQUESTED, days=2)

    assert (
        booking_cancel(booking=booking, actor=customer_actor, by_customer=True).status
        == S.CANCELLATION_REQUESTED
    )


def test_a_customer_cannot_cancel_after_the_event_started(station, customer_actor):
    booking = make_booking(station, days=-1)

    with pytest.raises(ConflictError):
        booking_cancel(booking=booking, actor=customer_actor, by_customer=True)


def test_staff_cancel_needs_a_reason(station, staff_actor):
    booking = make_booking(station)

    with pytest.raises(ServiceError) as error:
        booking_cancel(booking=booking, actor=staff_actor, reason="  ", by_customer=False)

    assert error.value.field == "reason"


def test_staff_cancel_inside_4_days_cancels_at_once_with_the_refund_they_choose(station, staff_actor):
    booking = make_booking(station, days=1)
    PaymentFactory(booking=booking, amount_cents=10000)

    booking = booking_cancel(
        booking=booking, actor=staff_actor, reason="Storm warning", by_customer=False, refund_cents=10000
    )

    assert booking.status == S.CANCELLED
    assert booking.refund_due_cents == 10000
    assert (
        AuditLog.objects.get(action="booking.cancel", resource_id=str(booking.pk)).reason == "Storm warning"
    )


def test_approving_a_cancellation_refunds_nothing_unless_staff_choose_to(station, staff_actor):
    booking = make_booking(station, status=S.CANCELLATION_REQUESTED, days=2)
    PaymentFactory(booking=booking, amount_cents=10000)

    booking = booking_cancellation_approve(booking=booking, actor=staff_actor)

    assert booking.status == S.CANCELLED
    assert booking.refund_due_cents == 0


def test_a_refund_on_approval_needs_a_reason_and_cannot_exceed_what_was_paid(station, staff_actor):
    booking = make_booking(station, status=S.CANCELLATION_REQUESTED, days=2)
    PaymentFactory(booking=booking, amount_cents=10000)

    with pytest.raises(ServiceError) as no_reason:
        booking_cancellation_approve(booking=booking, actor=staff_actor, refund_cents=5000)
    with pytest.raises(ServiceError) as too_much:
        booking_cancellation_approve(
            booking=booking, actor=staff_actor, refund_cents=10001, reason="Goodwill"
        )
    booking = booking_cancellation_approve(
        booking=booking, actor=staff_actor, refund_cents=5000, reason="Goodwill"
    )

    assert no_reason.value.field == "reason"
    assert too_much.value.field == "refund_cents"
    assert booking.status == S.CANCELLED
    assert booking.refund_due_cents == 5000
    assert (
        AuditLog.objects.get(action="booking.cancellation_approve", resource_id=str(booking.pk)).reason
        == "Goodwill"
    )


@pytest.mark.parametrize("previous", [S.CONFIRMED, S.DEPOSIT_PENDING])
def test_rejecting_a_cancellation_returns_the_booking_to_its_previous_status(station, staff_actor, previous):
    booking = make_booking(station, status=S.CANCELLATION_REQUESTED, previous_status=previous, days=2)

    booking = booking_cancellation_reject(booking=booking, actor=staff_actor, reason="Inside the window")

    assert booking.status == previous
    assert booking.previous_status == ""


# --- Reschedule: the 72-hour rule and capacity -------------------------------------------------


def test_a_customer_can_move_a_booking_72_hours_or_more_ahead_keeping_a_free_chef(station, customer_actor):
    booking = make_booking(station, days=10)
    chef, new_date = booking.chef, event_date(20)

    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=72), tick=False):
        moved = booking_reschedule(
            booking=booking, date=new_date, slot="15:00", actor=customer_actor, by_customer=True
        )

    assert (moved.date, moved.slot) == (new_date, THREE)
    assert moved.chef == chef
    audit = AuditLog.objects.get(action="booking.reschedule", resource_id=str(booking.pk))
    assert audit.before["date"] == event_date(10).isoformat()
    assert audit.after["date"] == new_date.isoformat()


def test_a_customer_cannot_move_a_booking_inside_72_hours(station, customer_actor):
    booking = make_booking(station, days=10)

    with (
        time_machine.travel(starts_at(booking) - datetime.timedelta(hours=71), tick=False),
        pytest.raises(ConflictError) as error,
    ):
        booking_reschedule(
            booking=booking, date=event_date(20), slot=SIX, actor=customer_actor, by_customer=True
        )

    assert error.value.code == "reschedule_window_closed"
    booking.refresh_from_db()
    assert booking.date == event_date(10)


def test_staff_can_move_a_booking_inside_72_hours(station, staff_actor):
    booking = make_booking(station, days=10)
    new_date = event_date(20)

    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=5), tick=False):
        moved = booking_reschedule(
            booking=booking, date=new_date, slot=SIX, actor=staff_actor, by_customer=False
        )

    assert moved.date == new_date


def test_moving_to_a_full_slot_is_refused(station, customer_actor):
    # Given the booking's chef and the station's only other chef are both busy in the new slot
    booking = make_booking(station, days=10)
    other = ChefFactory(station=station)
    BookingFactory(station=station, chef=booking.chef, date=event_date(20), slot=SIX)
    BookingFactory(station=station, chef=other, date=event_date(20), slot=SIX)

    with pytest.raises(ConflictError) as error:
        booking_reschedule(
            booking=booking, date=event_date(20), slot=SIX, actor=customer_actor, by_customer=True
        )

    assert error.value.code == "slot_unavailable"
    booking.refresh_from_db()
    assert booking.date == event_date(10)


def test_moving_to_a_slot_where_the_chef_is_busy_gives_the_booking_a_free_chef(station, customer_actor):
    booking = make_booking(station, days=10)
    free = ChefFactory(station=station)
    BookingFactory(station=station, chef=booking.chef, date=event_date(20), slot=SIX)

    moved = booking_reschedule(
        booking=booking, date=event_date(20), slot=SIX, actor=customer_actor, by_customer=True
    )

    assert moved.chef == free


def test_moving_to_a_slot_where_the_chef_is_off_gives_the_booking_a_free_chef(station, customer_actor):
    booking = make_booking(station, days=10)
    free = ChefFactory(station=station)
    ChefAvailabilityFactory(chef=booking.chef, date=event_date(20), slot=None)

    moved = booking_reschedule(
        booking=booking, date=event_date(20), slot=SIX, actor=customer_actor, by_customer=True
    )

    assert moved.chef == free


def test_moving_to_another_slot_of_the_same_day_keeps_the_chef(station, customer_actor):
    booking = make_booking(station, days=10)

    moved = booking_reschedule(
        booking=booking, date=booking.date, slot=NOON, actor=customer_actor, by_customer=True
    )

    assert moved.chef_id == booking.chef_id and moved.slot == NOON


def test_moving_outside_the_booking_window_is_refused(station, staff_actor):
    booking = make_booking(station, days=10)

    with pytest.raises(ServiceError) as too_soon:
        booking_reschedule(
            booking=booking, date=event_date(1), slot=SIX, actor=staff_actor, by_customer=False
        )
    with pytest.raises(ServiceError) as too_late:
        booking_reschedule(
            booking=booking, date=event_date(366), slot=SIX, actor=staff_actor, by_customer=False
        )

    assert too_soon.value.field == too_late.value.field == "date"


# --- Completion and no-show ---------------------------------------------------------------------


def test_a_no_show_can_only_be_marked_after_the_event_starts(station, staff_actor):
    booking = make_booking(station, days=3)

    with (
        time_machine.travel(starts_at(booking) - datetime.timedelta(minutes=1), tick=False),
        pytest.raises(ConflictError) as error,
    ):
        booking_mark_no_show(booking=booking, actor=staff_actor)
    assert error.value.code == "event_not_started"

    with time_machine.travel(starts_at(booking) + datetime.timedelta(minutes=30), tick=False):
        booking = booking_mark_no_show(booking=booking, actor=staff_actor)
    assert booking.status == S.NO_SHOW


def test_completing_a_booking_counts_it_on_the_customer(station, staff_actor):
    booking = make_booking(station, days=-1)
    assert booking.customer.booking_count == 0

    booking = booking_complete(booking=booking, actor=staff_actor)
    booking_complete(booking=booking, actor=staff_actor)

    booking.customer.refresh_from_db()
    assert booking.status == S.COMPLETED and booking.completed_at is not None
    assert booking.customer.booking_count == 1


def test_a_booking_cannot_be_completed_before_the_event(station, staff_actor):
    booking = make_booking(station, days=3)

    with pytest.raises(ConflictError) as error:
        booking_complete(booking=booking, actor=staff_actor)

    assert error.value.code == "event_not_started"


# --- Chef assignment ------------------------------------------------------------------------------


def test_staff_can_give_a_booking_another_free_chef_of_its_station(station, staff_actor):
    booking = make_booking(station)
    other = ChefFactory(station=station, rating=Decimal("3.1"))

    booking = booking_assign_chef(booking=booking, chef=other, actor=staff_actor)

    assert booking.chef == other
    assert AuditLog.objects.filter(action="booking.assign_chef", resource_id=str(booking.pk)).exists()


def test_a_chef_busy_in_the_slot_cannot_be_assigned(station, staff_actor):
    booking = make_booking(station)
    busy = ChefFactory(station=station)
    BookingFactory(station=station, chef=busy, date=booking.date, slot=booking.slot)

    with pytest.raises(ConflictError) as error:
        booking_assign_chef(booking=booking, chef=busy, actor=staff_actor)

    assert error.value.code == "chef_unavailable"


def test_a_chef_off_that_day_cannot_be_assigned(station, staff_actor):
    booking = make_booking(station)
    off = ChefFactory(station=station)
    ChefAvailabilityFactory(chef=off, date=booking.date, slot=SIX)

    with pytest.raises(ConflictError):
        booking_assign_chef(booking=booking, chef=off, actor=staff_actor)


def test_a_chef_of_another_station_cannot_be_assigned(station, staff_actor):
    booking = make_booking(station)
    elsewhere = ChefFactory(station=SacramentoStationFactory())

    with pytest.raises(ServiceError) as error:
        booking_assign_chef(booking=booking, chef=elsewhere, actor=staff_actor)

    assert error.value.field == "chef"


def test_a_booking_can_get_a_chef_when_it_had_none(station, staff_actor):
    booking = make_booking(station, chef=None)
    chef = ChefFactory(station=station)

    assert booking_assign_chef(booking=booking, chef=chef, actor=staff_actor).chef == chef


def test_a_cancellation_tells_the_customer_after_commit(
    station, customer_actor, django_capture_on_commit_callbacks, mailoutbox
):
    booking = make_booking(station, days=10)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=customer_actor, by_customer=True)

    # The customer, and the party's chef (test_chef_notifications.py says what the chef gets).
    assert [email.to for email in mailoutbox] == [[booking.customer.email], [booking.chef.email]]
