"""Segments: every field and operator becomes part of one query; bad values are refused with the reason."""

import datetime

import pytest
from django.utils import timezone

from core.models import Booking
from crm.models import CustomerSegment, Lead, SegmentRule
from crm.segments import customers_matching, rule_value_parse, segment_customers
from crm.selectors import PREVIEW_SIZE, segment_preview
from kernel.errors import ServiceError
from tests.core.factories import BookingFactory, CustomerFactory
from tests.crm.factories import CustomerSegmentFactory, LeadFactory, SegmentRuleFactory
from tests.identity.factories import SacramentoStationFactory, StationFactory

pytestmark = pytest.mark.django_db

F = SegmentRule.Field
O = SegmentRule.Operator  # noqa: E741


def names(rules, **kwargs) -> set[str]:
    return set(customers_matching(rules, **kwargs).values_list("first_name", flat=True))


@pytest.fixture
def people():
    """Ann: 3 parties, $1,800, Fremont 94539, both consents, booked 200 days ago and upcoming.
    Ben: 1 party in Sacramento 95814, $600, no consent. Cy: no booking, an instagram lead."""
    today = timezone.localdate()
    fremont, sacramento = StationFactory(), SacramentoStationFactory()
    ann = CustomerFactory(
        first_name="Ann", booking_count=3, total_spend_cents=180_000, sms_consent=True, email_consent=True
    )
    ben = CustomerFactory(first_name="Ben", booking_count=1, total_spend_cents=60_000)
    cy = CustomerFactory(first_name="Cy")
    BookingFactory(
        customer=ann,
        station=fremont,
        zone="94539",
        date=today - datetime.timedelta(days=200),
        status=Booking.Status.COMPLETED,
    )
    BookingFactory(customer=ann, station=fremont, zone="94538", date=today + datetime.timedelta(days=20))
    BookingFactory(
        customer=ben,
        station=sacramento,
        zone="95814",
        date=today - datetime.timedelta(days=40),
        status=Booking.Status.COMPLETED,
    )
    # A cancelled party is no party: it never matches.
    BookingFactory(
        customer=cy,
        station=fremont,
        zone="94555",
        date=today - datetime.timedelta(days=3),
        status=Booking.Status.CANCELLED,
    )
    LeadFactory(customer=cy, source=Lead.Source.INSTAGRAM)
    LeadFactory(customer=ann, source=Lead.Source.REFERRAL)
    return today


def test_booking_count_with_every_ordered_operator(people):
    assert names([(F.BOOKING_COUNT, O.EQUALS, "3")]) == {"Ann"}
    assert names([(F.BOOKING_COUNT, O.NOT_EQUALS, "3")]) == {"Ben", "Cy"}
    assert names([(F.BOOKING_COUNT, O.GREATER_THAN, "0")]) == {"Ann", "Ben"}
    assert names([(F.BOOKING_COUNT, O.LESS_THAN, "1")]) == {"Cy"}
    assert names([(F.BOOKING_COUNT, O.IN, "0, 1")]) == {"Ben", "Cy"}
    assert names([(F.BOOKING_COUNT, O.NOT_IN, "0,1")]) == {"Ann"}


def test_total_spend_in_cents(people):
    assert names([(F.TOTAL_SPEND_CENTS, O.GREATER_THAN, "100000")]) == {"Ann"}
    assert names([(F.TOTAL_SPEND_CENTS, O.LESS_THAN, "100000")]) == {"Ben", "Cy"}


def test_last_party_date_is_annotated_from_bookings_and_accepts_days_ago(people):
    # Ann's last party is upcoming (+20 d); Ben's was 40 days ago; Cy has none (cancelled only).
    assert names([(F.LAST_BOOKING_DATE, O.LESS_THAN, "30 days ago")]) == {"Ben"}
    assert names([(F.LAST_BOOKING_DATE, O.GREATER_THAN, "30 days ago")]) == {"Ann"}
    ben_date = (people - datetime.timedelta(days=40)).isoformat()
    assert names([(F.LAST_BOOKING_DATE, O.EQUALS, ben_date)]) == {"Ben"}
    assert names([(F.LAST_BOOKING_DATE, O.NOT_EQUALS, ben_date)]) == {"Ann"}


def test_first_party_date(people):
    assert names([(F.FIRST_BOOKING_DATE, O.LESS_THAN, "100 days ago")]) == {"Ann"}
    assert names([(F.FIRST_BOOKING_DATE, O.GREATER_THAN, "100 days ago")]) == {"Ben"}


def test_customer_since(people):
    today = people.isoformat()
    assert names([(F.CREATED_AT, O.EQUALS, today)]) == {"Ann", "Ben", "Cy"}
    assert names([(F.CREATED_AT, O.LESS_THAN, today)]) == set()


def test_zone_of_any_party_with_text_operators(people):
    assert names([(F.ZONE, O.EQUALS, "94538")]) == {"Ann"}
    assert names([(F.ZONE, O.CONTAINS, "958")]) == {"Ben"}
    assert names([(F.ZONE, O.IN, "94539,95814")]) == {"Ann", "Ben"}
    assert names([(F.ZONE, O.NOT_EQUALS, "95814")]) == {"Ann", "Cy"}
    assert names([(F.ZONE, O.NOT_IN, "94539,94538")]) == {"Ben", "Cy"}


def test_station_by_code(people):
    assert names([(F.STATION, O.EQUALS, "ca-fremont-001")]) == {"Ann"}
    assert names([(F.STATION, O.NOT_EQUALS, "CA-FREMONT-001")]) == {"Ben", "Cy"}
    assert names([(F.STATION, O.IN, "CA-SACRAMENTO-001")]) == {"Ben"}
    assert names([(F.STATION, O.NOT_IN, "CA-SACRAMENTO-001,CA-FREMONT-001")]) == {"Cy"}


def test_consents_and_upcoming_booking_are_booleans(people):
    assert names([(F.SMS_CONSENT, O.EQUALS, "true")]) == {"Ann"}
    assert names([(F.EMAIL_CONSENT, O.NOT_EQUALS, "yes")]) == {"Ben", "Cy"}
    assert names([(F.EMAIL_CONSENT, O.EQUALS, "false")]) == {"Ben", "Cy"}
    assert names([(F.HAS_UPCOMING_BOOKING, O.EQUALS, "true")]) == {"Ann"}
    assert names([(F.HAS_UPCOMING_BOOKING, O.NOT_EQUALS, "true")]) == {"Ben", "Cy"}


def test_lead_source(people):
    assert names([(F.LEAD_SOURCE, O.EQUALS, "instagram")]) == {"Cy"}
    assert names([(F.LEAD_SOURCE, O.IN, "instagram,referral")]) == {"Ann", "Cy"}
    assert names([(F.LEAD_SOURCE, O.NOT_IN, "instagram")]) == {"Ann", "Ben"}
    assert names([(F.LEAD_SOURCE, O.NOT_EQUALS, "referral")]) == {"Ben", "Cy"}


def test_rules_combine_with_and_by_default_and_with_or_when_the_segment_says_any(people):
    rules = [(F.BOOKING_COUNT, O.GREATER_THAN, "0"), (F.ZONE, O.EQUALS, "95814")]
    assert names(rules) == {"Ben"}
    assert names(rules, match=CustomerSegment.Match.ANY) == {"Ann", "Ben"}


def test_a_segment_evaluates_its_stored_rules_as_one_query(people, django_assert_num_queries):
    segment = CustomerSegmentFactory(match=CustomerSegment.Match.ALL)
    SegmentRuleFactory(segment=segment, field=F.LAST_BOOKING_DATE, operator=O.LESS_THAN, value="30 days ago")
    SegmentRuleFactory(segment=segment, field=F.STATION, operator=O.EQUALS, value="CA-SACRAMENTO-001")
    SegmentRuleFactory(segment=segment, field=F.LEAD_SOURCE, operator=O.NOT_EQUALS, value="sms")
    queryset = segment_customers(segment)
    # One query reads the rules (station codes are checked against stations), one gives the customers.
    with django_assert_num_queries(1):
        assert [c.first_name for c in queryset] == ["Ben"]


@pytest.mark.parametrize(
    ("field", "operator", "value", "at", "reason"),
    [
        (F.BOOKING_COUNT, O.EQUALS, "three", "value", "not a whole number"),
        (F.BOOKING_COUNT, O.CONTAINS, "3", "operator", "cannot be compared"),
        (F.TOTAL_SPEND_CENTS, O.GREATER_THAN, "-5", "value", "out of range"),
        (F.LAST_BOOKING_DATE, O.LESS_THAN, "last spring", "value", "not a date"),
        (F.SMS_CONSENT, O.EQUALS, "maybe", "value", "not true or false"),
        (F.SMS_CONSENT, O.GREATER_THAN, "true", "operator", "cannot be compared"),
        (F.STATION, O.EQUALS, "CA-NOWHERE-999", "value", "No station"),
        (F.LEAD_SOURCE, O.EQUALS, "tiktok", "value", "not a lead source"),
        (F.ZONE, O.IN, " , ", "value", "at least one value"),
        (F.ZONE, O.EQUALS, "", "value", "Give a value"),
    ],
)
def test_a_value_that_does_not_fit_its_field_is_refused_with_the_reason(field, operator, value, at, reason):
    StationFactory()
    with pytest.raises(ServiceError) as refused:
        rule_value_parse(field=field, operator=operator, value=value)
    assert refused.value.field == at
    assert reason in refused.value.message


def test_a_segments_preview_counts_every_match_and_lists_the_first_20_by_name(db, django_assert_num_queries):
    CustomerFactory.create_batch(3, booking_count=0)  # outside the segment
    inside = [CustomerFactory(booking_count=2, last_name=f"Zed{i:02d}") for i in range(25)]
    segment = CustomerSegmentFactory(match=CustomerSegment.Match.ALL)
    SegmentRuleFactory(segment=segment, field=F.BOOKING_COUNT, operator=O.GREATER_THAN, value="1")

    with django_assert_num_queries(3):  # the rules, the count, the first 20
        preview = segment_preview(segment)

    assert preview.count == 25
    assert [c.last_name for c in preview.first] == sorted(c.last_name for c in inside)[:PREVIEW_SIZE]


def test_an_empty_segments_preview_reads_no_rows(db, django_assert_num_queries):
    segment = CustomerSegmentFactory(match=CustomerSegment.Match.ALL)
    SegmentRuleFactory(segment=segment, field=F.BOOKING_COUNT, operator=O.GREATER_THAN, value="1000")

    with django_assert_num_queries(2):  # the rules, the count
        preview = segment_preview(segment)

    assert preview.count == 0 and preview.first == ()
