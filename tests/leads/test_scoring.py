import datetime

import pytest

from crm.models import Lead
from leads.scoring import lead_quality, lead_score

TODAY = datetime.date(2026, 6, 1)


def score(**overrides) -> int:
    """The score of a lead with nothing but a source (sms, 5 points) unless told otherwise."""
    values = {
        "source": Lead.Source.SMS,
        "party_adults": None,
        "budget_cents": None,
        "event_date": None,
        "verified_contacts": 0,
        "recent_events": 0,
        "today": TODAY,
    }
    values.update(overrides)
    return lead_score(**values)


@pytest.mark.parametrize(
    ("source", "points"),
    [
        (Lead.Source.REFERRAL, 25),
        (Lead.Source.WEB_QUOTE, 20),
        (Lead.Source.CHAT, 15),
        (Lead.Source.PHONE, 15),
        (Lead.Source.WEBSITE, 15),
        (Lead.Source.EVENT, 12),
        (Lead.Source.INSTAGRAM, 10),
        (Lead.Source.FACEBOOK, 10),
        (Lead.Source.GOOGLE, 8),
        (Lead.Source.YELP, 8),
        (Lead.Source.SMS, 5),
        (Lead.Source.BOOKING_FAILED, 15),
    ],
)
def test_score_source_points_follow_the_domain_table(source, points):
    assert score(source=source) == points


def test_score_referral_source_gives_25_points():
    assert score(source=Lead.Source.REFERRAL) == 25


def test_every_lead_source_has_points():
    assert all(score(source=source) > 0 for source in Lead.Source.values)


def test_score_gives_2_points_per_adult():
    assert score(party_adults=4) == 5 + 8


def test_score_party_points_stop_at_15():
    assert score(party_adults=7) == 5 + 14
    assert score(party_adults=8) == 5 + 15
    assert score(party_adults=60) == 5 + 15


def test_score_gives_a_point_per_whole_100_dollars_of_budget():
    assert score(budget_cents=99_99) == 5
    assert score(budget_cents=100_00) == 5 + 1
    assert score(budget_cents=1_250_00) == 5 + 12


def test_score_budget_points_stop_at_20():
    assert score(budget_cents=2_000_00) == 5 + 20
    assert score(budget_cents=9_000_00) == 5 + 20


@pytest.mark.parametrize("days_away", [7, 30, 90])
def test_score_event_7_to_90_days_away_gives_15_points(days_away):
    assert score(event_date=TODAY + datetime.timedelta(days=days_away)) == 5 + 15


@pytest.mark.parametrize("days_away", [0, 1, 6])
def test_score_event_under_7_days_away_gives_10_points(days_away):
    assert score(event_date=TODAY + datetime.timedelta(days=days_away)) == 5 + 10


@pytest.mark.parametrize("days_away", [-1, -30, 91, 365])
def test_score_event_in_the_past_or_over_90_days_away_gives_nothing(days_away):
    assert score(event_date=TODAY + datetime.timedelta(days=days_away)) == 5


def test_score_gives_5_points_per_verified_contact():
    assert score(verified_contacts=2) == 5 + 10


def test_score_gives_3_points_per_recent_lead_event():
    assert score(recent_events=4) == 5 + 12


def test_score_is_capped_at_100():
    assert (
        score(
            source=Lead.Source.REFERRAL,
            party_adults=20,
            budget_cents=5_000_00,
            event_date=TODAY + datetime.timedelta(days=30),
            verified_contacts=2,
            recent_events=5,
        )
        == 100
    )


def test_score_adds_its_components():
    assert (
        score(
            source=Lead.Source.WEB_QUOTE,
            party_adults=5,
            budget_cents=600_00,
            event_date=TODAY + datetime.timedelta(days=3),
            verified_contacts=1,
            recent_events=2,
        )
        == 20 + 10 + 6 + 10 + 5 + 6
    )


def test_hot_lead_at_70():
    assert lead_quality(70) == Lead.Quality.HOT
    assert lead_quality(100) == Lead.Quality.HOT


def test_warm_lead_from_40_to_69():
    assert lead_quality(40) == Lead.Quality.WARM
    assert lead_quality(69) == Lead.Quality.WARM


def test_cold_lead_under_40():
    assert lead_quality(39) == Lead.Quality.COLD
    assert lead_quality(0) == Lead.Quality.COLD
