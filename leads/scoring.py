"""A lead's score (0 to 100) and quality, exactly as docs/business-rules.md "Leads and CRM" states them.

Pure functions of what we know about the lead, so that the rule can be read and tested on
its own; leads/services.py gathers the inputs and stores the result.
"""

import datetime

from crm.models import Lead

SOURCE_POINTS: dict[str, int] = {
    Lead.Source.REFERRAL: 25,
    Lead.Source.WEB_QUOTE: 20,
    Lead.Source.CHAT: 15,
    Lead.Source.PHONE: 15,
    Lead.Source.WEBSITE: 15,
    Lead.Source.BOOKING_FAILED: 15,
    Lead.Source.EVENT: 12,
    Lead.Source.INSTAGRAM: 10,
    Lead.Source.FACEBOOK: 10,
    Lead.Source.GOOGLE: 8,
    Lead.Source.YELP: 8,
    Lead.Source.SMS: 5,
}

POINTS_PER_ADULT = 2
MAX_PARTY_POINTS = 15
CENTS_PER_BUDGET_POINT = 10_000  # one point per $100
MAX_BUDGET_POINTS = 20
EVENT_SOON_POINTS = 10  # today up to 6 days away
EVENT_IN_WINDOW_POINTS = 15  # 7 to 90 days away
EVENT_WINDOW_DAYS = (7, 90)
POINTS_PER_VERIFIED_CONTACT = 5
POINTS_PER_RECENT_EVENT = 3
RECENT_EVENT_DAYS = 7
MAX_SCORE = 100

HOT_AT = 70
WARM_AT = 40


def lead_score(
    *,
    source: str,
    party_adults: int | None,
    budget_cents: int | None,
    event_date: datetime.date | None,
    verified_contacts: int,
    recent_events: int,
    today: datetime.date,
) -> int:
    """The lead's score: the sum of the docs/business-rules.md components, capped at 100."""
    score = SOURCE_POINTS.get(source, 0)
    score += min(POINTS_PER_ADULT * max(party_adults or 0, 0), MAX_PARTY_POINTS)
    score += min(max(budget_cents or 0, 0) // CENTS_PER_BUDGET_POINT, MAX_BUDGET_POINTS)
    score += _event_timing_points(event_date, today)
    score += POINTS_PER_VERIFIED_CONTACT * max(verified_contacts, 0)
    score += POINTS_PER_RECENT_EVENT * max(recent_events, 0)
    return min(score, MAX_SCORE)


def _event_timing_points(event_date: datetime.date | None, today: datetime.date) -> int:
    if event_date is None:
        return 0
    days_away = (event_date - today).days
    first_window_day, last_window_day = EVENT_WINDOW_DAYS
    if first_window_day <= days_away <= last_window_day:
        return EVENT_IN_WINDOW_POINTS
    if 0 <= days_away < first_window_day:
        return EVENT_SOON_POINTS
    return 0  # in the past, or too far out to be a warm prospect yet


def lead_quality(score: int) -> str:
    """hot at 70 or more, warm at 40 or more, else cold."""
    if score >= HOT_AT:
        return Lead.Quality.HOT
    if score >= WARM_AT:
        return Lead.Quality.WARM
    return Lead.Quality.COLD
