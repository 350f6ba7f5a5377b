"""DOMAIN.md "Chefs": time off on a day the chef is booked is refused, naming the booking, or by a
manager unassigns the chef in the same transaction and alerts staff (issue 9, item 13)."""

import pytest

from audit.models import AuditLog
from core.models import Booking, Notification
from core.services.time_off import chef_time_off_clear
from kernel.errors import ConflictError
from ops.models import ChefAvailability
from ops.time_off import time_off_clear
from tests.core.conftest import SIX_PM, event_date
from tests.core.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(station, chef) -> Booking:
    return BookingFactory(station=station, chef=chef, date=event_date(10), slot=SIX_PM)


def test_time_off_on_a_day_the_chef_is_booked_is_refused_naming_the_booking(booked, staff_actor):
    entry = ChefAvailability(chef=booked.chef, date=booked.date, is_available=False, note="Wedding")

    with pytest.raises(ConflictError) as refused:
        chef_time_off_clear(entry=entry, actor=staff_actor)

    assert refused.value.code == "chef_booked"
    assert booked.reference in refused.value.message
    booked.refresh_from_db()
    assert booked.chef_id is not None


def test_time_off_in_another_slot_of_a_booked_day_is_accepted(booked, staff_actor):
    entry = ChefAvailability(
        chef=booked.chef, date=booked.date, slot=SIX_PM.replace(hour=12), is_available=False
    )

    unassigned = chef_time_off_clear(entry=entry, actor=staff_actor)

    assert unassigned == []
    booked.refresh_from_db()
    assert booked.chef_id is not None


def test_a_manager_unassigning_the_chef_with_the_time_off_alerts_staff(
    booked, staff_actor, django_capture_on_commit_callbacks
):
    entry = ChefAvailability(chef=booked.chef, date=booked.date, is_available=False)

    with django_capture_on_commit_callbacks(execute=True):
        chef_time_off_clear(entry=entry, actor=staff_actor, unassign_booked=True)

    booked.refresh_from_db()
    assert booked.chef_id is None
    assert AuditLog.objects.filter(action="booking.unassign_chef", resource_id=str(booked.pk)).exists()
    assert Notification.objects.filter(booking=booked, kind=Notification.Kind.STAFF_UNASSIGNED_CHEF).exists()


def test_the_ops_hook_is_registered_by_core_so_ops_writes_go_through_the_check(booked, staff_actor):
    entry = ChefAvailability(chef=booked.chef, date=booked.date, is_available=False)

    with pytest.raises(ConflictError):
        time_off_clear(entry=entry, actor=staff_actor)
