"""The assistant at a station on its own slot times: the asked time is read as said and matched
to the station's nearest start time (ai.engine.rules.nearest_slot), never to the default four."""

import datetime

import pytest

from ai.engine.facts import extract
from ops.models import BookingPolicy

pytestmark = pytest.mark.django_db

OWN_TIMES = ("11:30", "14:30", "17:30", "20:30")


@pytest.fixture
def own_times(fremont):
    BookingPolicy.objects.create(
        station=fremont, slot_times=[datetime.time.fromisoformat(label) for label in OWN_TIMES]
    )
    return fremont


@pytest.mark.parametrize(
    ("message", "slot"),
    [("at 5:30 pm", "17:30"), ("17:30", "17:30"), ("7pm", "19:00"), ("at 7", "19:00")],
)
def test_the_time_asked_for_is_kept_as_said_not_snapped_to_the_default_slots(message, slot):
    found = extract(message, today=datetime.date(2027, 3, 1), zone="America/Los_Angeles").facts

    assert found["slot"] == slot


def test_a_time_outside_any_service_day_is_no_slot():
    found = extract("at 3am", today=datetime.date(2027, 3, 1), zone="America/Los_Angeles").facts

    assert "slot" not in found


def test_the_availability_answer_lists_the_stations_own_times(chat, own_times):
    reply = chat().say("Do you have availability on March 20?")

    assert [entry["slot"] for entry in reply["availability"]] == list(OWN_TIMES)
    assert "11:30 AM, 2:30 PM, 5:30 PM, 8:30 PM" in reply["reply"]["content"]


def test_an_asked_time_matches_the_stations_nearest_start_time_and_the_link_books_it(chat, own_times):
    reply = chat().say("Do you have availability on March 20 at 6pm?")

    content = reply["reply"]["content"]
    assert "5:30 PM (our nearest start time) is available" in content
    assert "slot=17%3A30" in content  # the booking link carries the station's slot


def test_an_asked_time_far_from_every_start_time_lists_the_free_ones(chat, own_times):
    reply = chat().say("Do you have availability on March 20 at 9:45 am?")

    content = reply["reply"]["content"]
    assert "We don't start a party at 9:45 AM" in content
    assert "11:30 AM, 2:30 PM, 5:30 PM, 8:30 PM" in content


def test_at_the_default_slots_an_evening_hour_still_means_the_nearest_slot(chat, fremont):
    reply = chat().say("Do you have availability on March 20 at 7pm?")

    assert "6:00 PM (our nearest start time) is available" in reply["reply"]["content"]
