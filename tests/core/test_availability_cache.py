"""Cached availability is never stale after a commit: every booking, time-off and chef change retires it."""

import datetime

import pytest
import time_machine
from django.db import connection

from core.availability import availability_changed
from ops.models import BookingPolicy
from ops.policy import booking_rules_forget
from tests.core.conftest import LA, SIX_PM, event_date
from tests.core.test_api_bookings import body
from tests.ops.factories import ChefAvailabilityFactory, ChefFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_booking_throttles")]

AVAILABILITY_URL = "/api/v1/availability/"
DAY = event_date(14)


@pytest.fixture
def two_chefs(station):
    return ChefFactory.create_batch(2, station=station)


def six_pm_remaining(api_client) -> int:
    response = api_client.get(
        AVAILABILITY_URL, {"zip_code": "94539", "start": DAY.isoformat(), "end": event_date(20).isoformat()}
    )
    assert response.status_code == 200
    (six_pm,) = [slot for slot in response.json()["days"][0]["slots"] if slot["slot"] == "18:00"]
    return six_pm["remaining"]


def test_a_booking_takes_its_slot_in_the_next_availability_answer(api_client, two_chefs):
    assert six_pm_remaining(api_client) == 2  # now cached

    assert api_client.post("/api/v1/bookings/", body(), format="json").status_code == 201

    assert six_pm_remaining(api_client) == 1


def test_time_off_and_its_removal_show_in_the_next_answer(api_client, two_chefs):
    assert six_pm_remaining(api_client) == 2

    time_off = ChefAvailabilityFactory(chef=two_chefs[0], date=DAY, slot=None)
    assert six_pm_remaining(api_client) == 1

    time_off.delete()
    assert six_pm_remaining(api_client) == 2


def test_a_cancelled_booking_frees_its_slot_in_the_next_answer(api_client, two_chefs):
    created = api_client.post("/api/v1/bookings/", body(), format="json").json()
    assert six_pm_remaining(api_client) == 1

    cancel = api_client.post(
        f"/api/v1/bookings/manage/{created['manage_token']}/cancel/", {"reason": "plans"}, format="json"
    )

    assert cancel.status_code == 200, cancel.content
    assert six_pm_remaining(api_client) == 2


def test_a_chef_leaving_the_station_shows_in_the_next_answer(api_client, two_chefs):
    assert six_pm_remaining(api_client) == 2

    two_chefs[0].is_active = False
    two_chefs[0].save()

    assert six_pm_remaining(api_client) == 1


def test_a_write_another_process_made_shows_once_it_bumps_the_version(
    api_client, two_chefs, django_assert_num_queries
):
    assert six_pm_remaining(api_client) == 2
    # Another process's write: this process sees neither its save() nor its signal...
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "ops"."chefs" SET is_active = false WHERE id = %s', [two_chefs[0].pk])
    with django_assert_num_queries(0):  # ...so the cached answer stands (it really is cached)...
        assert six_pm_remaining(api_client) == 2

    availability_changed()  # ...until the version moves, as every write makes it.

    assert six_pm_remaining(api_client) == 1


def test_new_slot_times_in_the_booking_policy_are_answered_at_once(api_client, station, two_chefs):
    assert six_pm_remaining(api_client) == 2

    BookingPolicy.objects.update_or_create(station=station, defaults={"slot_times": [SIX_PM]})
    booking_rules_forget(station.pk)  # what saving the policy in the admin does

    response = api_client.get(
        AVAILABILITY_URL, {"zip_code": "94539", "start": DAY.isoformat(), "end": DAY.isoformat()}
    )
    assert response.json()["days"][0]["slots"] == [{"slot": "18:00", "available": True, "remaining": 2}]


def test_a_kept_answer_follows_the_clock_past_the_minimum_lead(api_client, station, two_chefs):
    # Given a 6 pm slot 48 hours and 30 minutes ahead, asked once (the answer is now kept)
    six_pm = datetime.datetime.combine(event_date(3), SIX_PM, tzinfo=LA)
    asked = {"zip_code": "94539", "start": event_date(3).isoformat(), "end": event_date(3).isoformat()}

    def six_pm_slot():
        (slot,) = [
            s
            for s in api_client.get(AVAILABILITY_URL, asked).json()["days"][0]["slots"]
            if s["slot"] == "18:00"
        ]
        return slot

    with time_machine.travel(six_pm - datetime.timedelta(hours=48, minutes=30), tick=False):
        assert six_pm_slot() == {"slot": "18:00", "available": True, "remaining": 2}
    # When an hour passes with nothing written, then the slot is inside 48 hours: not bookable
    with time_machine.travel(six_pm - datetime.timedelta(hours=47, minutes=30), tick=False):
        assert six_pm_slot() == {"slot": "18:00", "available": False, "remaining": 0}
