import datetime

from ops.policy import BookingRules, booking_rules, duration_words
from tests.identity.factories import StationFactory


def test_every_station_gets_the_domain_defaults_until_a_policy_is_stored(db):
    rules = booking_rules(StationFactory())

    assert rules == BookingRules()
    assert rules.refund_notice == datetime.timedelta(days=4)
    assert rules.change_cutoff == datetime.timedelta(hours=72)
    assert rules.booking_min_lead == datetime.timedelta(hours=48)
    assert rules.booking_max_ahead == datetime.timedelta(days=365)
    assert rules.deposit_deadline == datetime.timedelta(hours=24)
    assert [t.strftime("%H:%M") for t in rules.slot_times] == ["12:00", "15:00", "18:00", "21:00"]
    assert rules.staff_party_size == 30


def test_rules_read_in_words_as_messages_write_them():
    assert BookingRules().as_context() == {
        "refund_notice": "4 days",
        "change_cutoff": "72 hours",
        "booking_min_lead": "48 hours",
        "booking_max_ahead": "365 days",
        "deposit_deadline": "24 hours",
        "staff_party_size": 30,
    }
    assert duration_words(datetime.timedelta(hours=1)) == "1 hour"
    assert duration_words(datetime.timedelta(minutes=90)) == "90 minutes"
