"""POST /api/v1/bookings/ and GET /api/v1/availability/: the customer website's booking form."""

import datetime
import json

import pytest

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Customer
from core.tokens import booking_from_manage_token
from crm.models import Lead
from tests.core.conftest import SIX_PM, event_date
from tests.core.factories import BookingFactory
from tests.ops.factories import ChefFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_booking_throttles")]

URL = "/api/v1/bookings/"
AVAILABILITY_URL = "/api/v1/availability/"


def body(**overrides):
    payload = {
        "customer": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "Ada@Example.com",
            "phone": "(510) 555-0142",
            "sms_consent": True,
            "email_consent": False,
        },
        "date": event_date(14).isoformat(),
        "slot": "18:00",
        "address": {
            "line1": "123 Main St",
            "line2": "Apt 4",
            "city": "Fremont",
            "state": "CA",
            "zip_code": "94539",
        },
        "party_adults": 10,
        "party_kids": 2,
        "party_toddlers": 0,
        "items": [{"code": "lobster_tail", "quantity": 2}],
        "special_requests": "Birthday!",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(payload.get(key), dict):
            payload[key] = {**payload[key], **value}
        else:
            payload[key] = value
    return payload


def assert_error_shape(response, status_code, code=None, field=None):
    assert response.status_code == status_code, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert field in error["fields"], error


def assert_nothing_written():
    assert Booking.objects.count() == 0
    assert Customer.objects.count() == 0
    assert AuditLog.objects.count() == 0
    assert Lead.objects.count() == 0


# --- Booking ----------------------------------------------------------------------------------


def test_booking_returns_201_with_the_reference_quote_deposit_and_a_working_manage_token(
    station, chef, api_client
):
    response = api_client.post(URL, body(), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    booking = Booking.objects.get()
    assert data["reference"] == booking.reference
    assert data["status"] == "deposit_pending"
    assert data["date"] == event_date(14).isoformat()
    assert data["slot"] == "18:00"
    assert data["station"] == {
        "code": "CA-FREMONT-001",
        "name": "Fremont",
        "phone": station.phone,
        "address": f"{station.address}, {station.city}, {station.state} {station.zip_code}",
        "timezone": "America/Los_Angeles",
    }
    assert data["total_due_cents"] == 10 * 5500 + 2 * 3000 + 2 * 1500 == 64000
    assert data["deposit_due_cents"] == 10000
    assert data["quote"]["total_due_cents"] == 64000
    assert datetime.datetime.fromisoformat(data["deposit_due_by"]) == booking.deposit_due_at
    assert booking_from_manage_token(data["manage_token"]) == booking
    assert booking.address == "123 Main St, Apt 4, Fremont, CA 94539"
    assert booking.customer.email == "ada@example.com"
    assert booking.customer.phone == "+15105550142"
    assert booking.customer.sms_consent and not booking.customer.email_consent
    audit = AuditLog.objects.get(action="booking.create")
    assert audit.actor_type == "customer" and audit.ip_address == "127.0.0.1"


def test_a_client_never_sends_a_price(station, chef, api_client):
    response = api_client.post(URL, body(total_due_cents=1, quote={"total_cents": 1}), format="json")

    assert response.status_code == 201
    assert response.json()["total_due_cents"] == 64000


def test_a_full_slot_is_a_409_slot_unavailable_and_the_attempt_is_kept_as_a_lead(station, chef, api_client):
    BookingFactory(station=station, chef=chef, date=event_date(14), slot=SIX_PM)

    response = api_client.post(URL, body(), format="json")

    assert_error_shape(response, 409, code="slot_unavailable")
    assert Booking.objects.count() == 1
    assert Lead.objects.get().source == Lead.Source.BOOKING_FAILED


def test_the_same_idempotency_key_and_body_return_the_same_booking(station, chef, api_client):
    first = api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="0b7d6a1e-key")
    again = api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="0b7d6a1e-key")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Booking.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_409(station, chef, api_client):
    api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="0b7d6a1e-key")

    response = api_client.post(URL, body(party_adults=11), format="json", HTTP_IDEMPOTENCY_KEY="0b7d6a1e-key")

    assert_error_shape(response, 409, code="idempotency_key_reused")
    assert Booking.objects.count() == 1


def test_an_overlong_idempotency_key_is_a_400(station, chef, api_client):
    response = api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert_error_shape(response, 400, field="Idempotency-Key")
    assert_nothing_written()


BAD_BODIES = {
    "adults as a string": (body(party_adults="10"), "party_adults"),
    "adults as a boolean": (body(party_adults=True), "party_adults"),
    "adults as a float": (body(party_adults=10.5), "party_adults"),
    "no adults": (body(party_adults=0), "party_adults"),
    "absurd adults": (body(party_adults=100000), "party_adults"),
    "negative kids": (body(party_kids=-1), "party_kids"),
    "absurd kids": (body(party_kids=101), "party_kids"),
    "negative toddlers": (body(party_toddlers=-3), "party_toddlers"),
    "past date": (body(date="2020-01-01"), "date"),
    "not a date": (body(date="next friday"), "date"),
    "date as a number": (body(date=20270101), "date"),
    "unknown slot": (body(slot="18:30"), "slot"),
    "slot as a number": (body(slot=18), "slot"),
    "4-digit zip": (body(address={"zip_code": "9453"}), "address.zip_code"),
    "zip as an object": (body(address={"zip_code": {"zip": "94539"}}), "address.zip_code"),
    "unknown zip": (body(address={"zip_code": "00000"}), "address.zip_code"),
    "zip outside the service area": (body(address={"zip_code": "10001"}), "address.zip_code"),
    "no street": (body(address={"line1": ""}), "address.line1"),
    "bad state": (body(address={"state": "California"}), "address.state"),
    "address as a string": (body(address="123 Main St"), "address.non_field_errors"),
    "unknown item": (body(items=[{"code": "caviar", "quantity": 1}]), "items"),
    "negative item quantity": (body(items=[{"code": "gyoza", "quantity": -2}]), "items.0.quantity"),
    "too many items": (body(items=[{"code": f"item{n}", "quantity": 1} for n in range(21)]), "items"),
    "an item twice": (
        body(items=[{"code": "gyoza", "quantity": 1}, {"code": "gyoza", "quantity": 2}]),
        "items",
    ),
    "too many upgrades": (body(items=[{"code": "lobster_tail", "quantity": 25}]), "items"),
    "long special requests": (body(special_requests="x" * 2001), "special_requests"),
    "long first name": (body(customer={"first_name": "A" * 101}), "customer.first_name"),
    "no last name": (body(customer={"last_name": ""}), "customer.last_name"),
    "bad email": (body(customer={"email": "ada-at-example"}), "customer.email"),
    "bad phone": (body(customer={"phone": "12"}), "customer.phone"),
    "no phone": (body(customer={"phone": ""}), "customer.phone"),
    "consent as a string": (body(customer={"sms_consent": "yes"}), "customer.sms_consent"),
    "customer missing": ({k: v for k, v in body().items() if k != "customer"}, "customer"),
}


@pytest.mark.parametrize(("payload", "field"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(
    station, chef, api_client, payload, field
):
    response = api_client.post(URL, payload, format="json")

    assert_error_shape(response, 400, field=field)
    assert_nothing_written()


def test_malformed_json_is_a_400(station, chef, api_client):
    response = api_client.post(URL, '{"customer": {', content_type="application/json")

    assert_error_shape(response, 400, code="malformed_request")
    assert_nothing_written()


def test_a_json_list_instead_of_an_object_is_a_400(station, chef, api_client):
    response = api_client.post(URL, json.dumps([body()]), content_type="application/json")

    assert_error_shape(response, 400)
    assert_nothing_written()


def test_an_oversize_body_is_refused(station, chef, api_client):
    payload = json.dumps(body(special_requests="x" * 200_000))

    response = api_client.post(URL, payload, content_type="application/json")

    assert_error_shape(response, 413, code="request_too_large")
    assert_nothing_written()


def test_a_form_encoded_body_is_a_415(station, chef, api_client):
    response = api_client.post(URL, {"party_adults": "10"})

    assert_error_shape(response, 415)
    assert_nothing_written()


def test_the_bookings_endpoint_is_throttled_per_client_with_retry_after_and_a_security_event(
    station, chef, api_client, settings
):
    # Given a limit of 2 booking attempts a minute
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "bookings": "2/min"}

    # When a client makes a third
    for _ in range(2):
        api_client.post(URL, {}, format="json")
    response = api_client.post(URL, body(), format="json")

    # Then it is a 429 with Retry-After, recorded as a security event, and nothing is booked
    assert_error_shape(response, 429, code="throttled")
    assert int(response["Retry-After"]) > 0
    event = SecurityEvent.objects.get(type=SecurityEvent.Type.RATE_LIMITED)
    assert event.details["scope"] == "bookings"
    assert event.ip_address == "127.0.0.1"
    assert Booking.objects.count() == 0


# --- Availability -------------------------------------------------------------------------------


def test_availability_lists_each_day_and_slot_of_the_serving_station(station, api_client):
    ChefFactory.create_batch(2, station=station)
    start = event_date(10)
    BookingFactory(station=station, chef=station.chefs.first(), date=start, slot=SIX_PM)

    response = api_client.get(
        AVAILABILITY_URL, {"zip_code": "94539", "start": start.isoformat(), "end": event_date(12).isoformat()}
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["station"] == {
        "code": "CA-FREMONT-001",
        "name": "Fremont",
        "phone": station.phone,
        "address": f"{station.address}, {station.city}, {station.state} {station.zip_code}",
        "timezone": "America/Los_Angeles",
    }
    assert [day["date"] for day in data["days"]] == [event_date(n).isoformat() for n in (10, 11, 12)]
    assert data["days"][0]["slots"] == [
        {"slot": "12:00", "available": True, "remaining": 2},
        {"slot": "15:00", "available": True, "remaining": 2},
        {"slot": "18:00", "available": True, "remaining": 1},
        {"slot": "21:00", "available": True, "remaining": 2},
    ]


def test_availability_takes_the_same_queries_for_a_week_or_a_quarter(
    station, api_client, django_assert_num_queries
):
    ChefFactory.create_batch(3, station=station)

    def ask(days):
        return api_client.get(
            AVAILABILITY_URL,
            {
                "zip_code": "94539",
                "start": event_date(3).isoformat(),
                "end": event_date(3 + days - 1).isoformat(),
            },
        )

    ask(1)  # the catalogue and the station's booking rules are read once, then kept
    with django_assert_num_queries(2) as week:  # the chefs; their time off and bookings
        assert ask(7).status_code == 200
    with django_assert_num_queries(len(week.captured_queries)):
        assert ask(92).status_code == 200
    with django_assert_num_queries(0):  # asked again while nothing changed: the cached answer
        assert ask(92).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zip_code": "94539", "start": "2030-01-01", "end": "2030-04-03"}, "end"),  # 93 days
        ({"zip_code": "94539", "start": "2030-01-10", "end": "2030-01-09"}, "end"),
        ({"zip_code": "94539", "start": "tomorrow", "end": "2030-01-09"}, "start"),
        ({"zip_code": "9453", "start": "2030-01-01", "end": "2030-01-02"}, "zip_code"),
        ({"zip_code": "00000", "start": "2030-01-01", "end": "2030-01-02"}, "zip_code"),
        ({"zip_code": "10001", "start": "2030-01-01", "end": "2030-01-02"}, "zip_code"),
        ({"start": "2030-01-01", "end": "2030-01-02"}, "zip_code"),
    ],
)
def test_bad_availability_questions_are_a_400_naming_the_field(station, api_client, params, field):
    response = api_client.get(AVAILABILITY_URL, params)

    assert_error_shape(response, 400, field=field)


@pytest.mark.parametrize(("start", "end"), [("9999-12-31", "9999-12-31"), ("9999-12-01", "9999-12-31")])
def test_availability_up_to_the_last_date_there_is_answers_without_overflow(station, api_client, start, end):
    """The day after 9999-12-31 does not exist: counting days to it was an OverflowError (a 500)."""
    response = api_client.get(AVAILABILITY_URL, {"zip_code": "94539", "start": start, "end": end})

    assert response.status_code == 200, response.content
    days = response.json()["days"]
    assert days[-1]["date"] == "9999-12-31"
    assert not any(slot["available"] for day in days for slot in day["slots"])


def test_92_days_of_availability_can_be_asked_at_once(station, api_client):
    response = api_client.get(
        AVAILABILITY_URL, {"zip_code": "94539", "start": "2030-01-01", "end": "2030-04-02"}
    )

    assert response.status_code == 200
    assert len(response.json()["days"]) == 92


# What booking create costs (README "Benchmark"), counted inside the test's transaction (the
# booking's own transaction is a savepoint here, BEGIN/COMMIT in production): the customer
# (looked up, inserted with ON CONFLICT DO NOTHING), the duplicate check (only for a customer
# who was already there), the chef claim and its re-check (two hand-written statements), the
# insert (in a savepoint: a reference clash is retried), and the audit rows in one INSERT. The
# notifications, the lead conversion and the assistant's link follow after commit in core's
# one follow-up task. It was 39 with the deposit PaymentIntent made in the request, then 20, 11.
BOOKING_CREATE_MAX_QUERIES = 10
RETURNING_CUSTOMER_MAX_QUERIES = 10  # found, not inserted; their duplicate check instead


def test_booking_create_stays_within_its_query_budget_and_calls_no_payment_provider(
    station, api_client, django_assert_max_num_queries
):
    ChefFactory.create_batch(2, station=station)
    api_client.post(URL, body(), format="json")  # the catalogue and the station's rules, read once

    with django_assert_max_num_queries(BOOKING_CREATE_MAX_QUERIES):
        response = api_client.post(URL, body(customer={"email": "grace@example.com"}), format="json")

    assert response.status_code == 201, response.content
    assert not Booking.objects.get(reference=response.json()["reference"]).payments.exists()

    # A returning customer's second party: found (not inserted), and checked for a duplicate
    later = body(customer={"email": "grace@example.com"})
    later["date"] = (datetime.date.fromisoformat(later["date"]) + datetime.timedelta(days=7)).isoformat()
    with django_assert_max_num_queries(RETURNING_CUSTOMER_MAX_QUERIES):
        response = api_client.post(URL, later, format="json")
    assert response.status_code == 201, response.content
