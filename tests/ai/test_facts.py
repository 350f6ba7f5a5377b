"""Reading facts from a message: party sizes, dates (never past), slots, ZIP, contacts, names, items."""

import datetime

import pytest

from ai.engine.facts import extract, merge

TODAY = datetime.date(2027, 3, 1)  # a Monday
ZONE = "America/Los_Angeles"


def facts_of(message: str) -> dict:
    return extract(message, today=TODAY, zone=ZONE).facts


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("10 adults and 3 kids", {"party_adults": 10, "party_kids": 3}),
        ("a dozen people", {"party_adults": 12}),
        ("twenty-five guests and 2 toddlers", {"party_adults": 25, "party_toddlers": 2}),
        ("20 people including 5 kids", {"party_adults": 15, "party_kids": 5}),
        ("party of eight", {"party_adults": 8}),
        ("we're 14, no kids", {"party_adults": 14, "party_kids": 0}),
    ],
)
def test_party_sizes_in_digits_and_words(message, expected):
    assert facts_of(message) == expected


@pytest.mark.parametrize(
    ("message", "date"),
    [
        ("next Saturday", "2027-03-06"),
        ("June 14", "2027-06-14"),
        ("14/6", "2027-06-14"),
        ("6/14", "2027-06-14"),
        ("the 3rd", "2027-03-03"),
        ("February 2", "2028-02-02"),  # already past this year: next year's
        ("july 4th", "2027-07-04"),
        ("tomorrow", "2027-03-02"),
    ],
)
def test_dates_are_read_in_the_stations_calendar_and_never_in_the_past(message, date):
    assert facts_of(message)["date"] == date


def test_a_date_with_a_past_year_is_refused_not_moved():
    extracted = extract("March 3, 2025", today=TODAY, zone=ZONE)

    assert "date" not in extracted.facts and extracted.date_in_past


@pytest.mark.parametrize(
    ("message", "slot"),
    [
        ("at 6pm", "18:00"),
        ("around 12:00", "12:00"),
        ("evening", "18:00"),
        ("lunch", "12:00"),
        ("9 pm", "21:00"),
    ],
)
def test_slots(message, slot):
    assert facts_of(message)["slot"] == slot


def test_contacts_zip_and_name():
    found = facts_of("Hi, I'm Dana: dana@Example.com, (510) 555-1234, party at 94539")

    assert found["email"] == "dana@example.com"
    assert found["phone"] == "+15105551234"
    assert found["zip_code"] == "94539"
    assert found["first_name"] == "Dana"


@pytest.mark.parametrize("message", ["I'm looking for a quote", "this is ridiculous", "i am so hungry"])
def test_a_phrase_like_im_looking_is_not_a_name(message):
    assert "first_name" not in facts_of(message)


def test_items_with_quantities():
    assert facts_of("add 4 lobster tails and 2 gyoza")["items"] == [
        {"code": "lobster_tail", "quantity": 4},
        {"code": "gyoza", "quantity": 2},
    ]


def test_a_later_message_corrects_an_earlier_fact():
    known = merge({}, facts_of("10 adults on June 14"))

    corrected = merge(known, facts_of("actually 12 adults"))

    assert corrected["party_adults"] == 12 and corrected["date"] == "2027-06-14"
