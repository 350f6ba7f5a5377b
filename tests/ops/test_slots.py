"""A station's slot times: any time of day parses; the list a station offers follows named rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ops.slots import (
    DEFAULT_SLOT_TIMES,
    EARLIEST_SLOT,
    LATEST_SLOT,
    MIN_SLOT_GAP_MINUTES,
    SLOT_STEP_MINUTES,
    parse_slot,
    parse_slot_times,
    validate_slot_times,
)


def times(*labels: str) -> list[datetime.time]:
    return [datetime.time.fromisoformat(label) for label in labels]


def refusal(text: str) -> str:
    with pytest.raises(ValidationError) as refused:
        parse_slot_times(text)
    return " ".join(refused.value.messages)


def test_any_time_of_day_written_as_hh_mm_parses():
    assert parse_slot("11:30") == datetime.time(11, 30)
    assert parse_slot("9:45") == datetime.time(9, 45)
    assert parse_slot(" 20:30 ") == datetime.time(20, 30)


@pytest.mark.parametrize(
    "value", ["", "18", "18:0", "24:00", "18:60", "six pm", "18:00:00", "1800", None, 18]
)
def test_anything_that_is_not_a_time_as_hh_mm_does_not_parse(value):
    assert parse_slot(value) is None


def test_the_default_slots_are_the_four_of_the_domain_and_follow_every_rule():
    assert tuple(times("12:00", "15:00", "18:00", "21:00")) == DEFAULT_SLOT_TIMES
    validate_slot_times(DEFAULT_SLOT_TIMES)  # no error


def test_a_station_offers_at_least_one_slot():
    assert "Offer at least one slot." in refusal("")
    assert "Offer at least one slot." in refusal(" , ")


def test_a_slot_time_is_listed_once():
    assert "Each time once: 15:00 is repeated." in refusal("12:00, 15:00, 15:00")


def test_slot_times_sit_on_a_quarter_hour():
    assert SLOT_STEP_MINUTES == 15
    assert "quarter hour" in refusal("12:00, 15:10")
    assert parse_slot_times("12:15, 14:45, 17:30") == times("12:15", "14:45", "17:30")


def test_slot_times_fall_within_the_service_day():
    assert (datetime.time(9), datetime.time(22)) == (EARLIEST_SLOT, LATEST_SLOT)
    assert "between 09:00 and 22:00: 08:45." in refusal("08:45, 12:00")
    assert "between 09:00 and 22:00: 22:15." in refusal("19:00, 22:15")
    assert parse_slot_times("09:00, 22:00") == times("09:00", "22:00")


def test_slot_times_are_at_least_two_and_a_half_hours_apart():
    assert MIN_SLOT_GAP_MINUTES == 150
    assert "at least 2 h 30 min apart" in refusal("12:00, 14:15")
    assert "12:00 and 14:15" in refusal("12:00, 14:15")
    assert parse_slot_times("12:00, 14:30") == times("12:00", "14:30")


def test_slot_times_are_kept_in_order_whatever_order_they_are_typed_in():
    assert parse_slot_times("20:30; 11:30 17:30,14:30") == times("11:30", "14:30", "17:30", "20:30")


def test_a_time_that_cannot_be_read_is_named_in_the_refusal():
    message = refusal("12:00, noon, 18:00")
    assert "Enter times as HH:MM" in message and "'noon'" in message


def test_every_broken_rule_is_named_at_once():
    message = refusal("08:00, 08:00, 10:10")
    assert "repeated" in message and "quarter hour" in message and "between" in message and "apart" in message
