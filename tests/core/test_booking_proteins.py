"""booking_set_proteins: the guests' two proteins each, for the chef (DOMAIN.md "Proteins")."""

import datetime

import pytest
import time_machine

from audit.models import AuditLog
from core.models import Booking
from core.services.bookings import booking_set_proteins
from kernel.errors import ConflictError, ServiceError
from tests.core.conftest import LA, SIX_PM, event_date
from tests.core.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(station) -> Booking:
    # 10 adults and 2 kids choose 24 proteins; 4 filet upgrades replace 4 of them: 20.
    return BookingFactory(
        station=station,
        date=event_date(14),
        slot=SIX_PM,
        status=Booking.Status.CONFIRMED,
        items=[{"code": "filet_mignon", "quantity": 4}, {"code": "gyoza", "quantity": 6}],
    )


def test_proteins_add_up_to_two_per_adult_and_kid_less_one_per_upgrade(booking, customer_actor):
    booking_set_proteins(booking=booking, proteins={"chicken": 10, "shrimp": 10}, actor=customer_actor)

    booking.refresh_from_db()
    assert booking.protein_counts == {"chicken": 10, "shrimp": 10}


def test_proteins_that_do_not_add_up_are_refused(booking, customer_actor):
    with pytest.raises(ServiceError, match="Choose 20 proteins in all"):
        booking_set_proteins(booking=booking, proteins={"chicken": 24}, actor=customer_actor)


def test_a_protein_not_on_the_menu_is_refused(booking, customer_actor):
    with pytest.raises(ServiceError, match="We do not offer"):
        booking_set_proteins(booking=booking, proteins={"wagyu": 20}, actor=customer_actor)


def test_a_negative_count_is_refused(booking, customer_actor):
    with pytest.raises(ServiceError):
        booking_set_proteins(booking=booking, proteins={"chicken": 21, "tofu": -1}, actor=customer_actor)


def test_the_change_is_audited_with_before_and_after(booking, customer_actor):
    booking_set_proteins(booking=booking, proteins={"chicken": 20}, actor=customer_actor)
    booking_set_proteins(
        booking=booking, proteins={"chicken": 10, "tofu": 10, "shrimp": 0}, actor=customer_actor
    )

    last = AuditLog.objects.filter(action="booking.set_proteins").order_by("-created_at").first()
    assert last.before == {"protein_counts": {"chicken": 20}}
    assert last.after == {"protein_counts": {"chicken": 10, "tofu": 10}}


def test_setting_the_same_proteins_again_writes_nothing(booking, customer_actor):
    booking_set_proteins(booking=booking, proteins={"chicken": 20}, actor=customer_actor)
    booking_set_proteins(booking=booking, proteins={"chicken": 20}, actor=customer_actor)

    assert AuditLog.objects.filter(action="booking.set_proteins").count() == 1


def test_the_customer_cannot_change_proteins_inside_72_hours(booking, customer_actor):
    starts = datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)

    with (
        time_machine.travel(starts - datetime.timedelta(hours=71), tick=False),
        pytest.raises(ConflictError) as refused,
    ):
        booking_set_proteins(booking=booking, proteins={"chicken": 20}, actor=customer_actor)
    assert refused.value.code == "proteins_closed"


def test_the_customer_can_change_proteins_at_72_hours(booking, customer_actor):
    starts = datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)

    with time_machine.travel(starts - datetime.timedelta(hours=72), tick=False):
        booking_set_proteins(booking=booking, proteins={"chicken": 20}, actor=customer_actor)


def test_staff_can_change_proteins_inside_72_hours(booking, staff_actor):
    starts = datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)

    with time_machine.travel(starts - datetime.timedelta(hours=5), tick=False):
        booking_set_proteins(booking=booking, proteins={"tofu": 20}, actor=staff_actor, by_customer=False)

    booking.refresh_from_db()
    assert booking.protein_counts == {"tofu": 20}


def test_a_cancelled_booking_takes_no_protein_choice(booking, customer_actor):
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)

    with pytest.raises(ConflictError):
        booking_set_proteins(booking=booking, proteins={"chicken": 20}, actor=customer_actor)
