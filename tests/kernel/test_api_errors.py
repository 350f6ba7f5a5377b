"""The one error shape of CONVENTIONS.md, for input no view should ever turn into a 500."""

import json

import pytest

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Customer
from crm.models import Lead
from tests.core.test_api_bookings import body as booking_body
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

pytestmark = pytest.mark.django_db


def test_a_deeply_nested_json_body_is_a_400_not_a_500(api_client):
    body = "[" * 20_000 + "]" * 20_000  # under the size limit, far past the recursion limit

    response = api_client.post("/api/v1/leads/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_malformed_json_gets_the_error_shape(api_client):
    response = api_client.post("/api/v1/leads/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_an_oversize_body_is_refused_with_413(api_client):
    body = '{"message": "' + "x" * 100_000 + '"}'

    response = api_client.post("/api/v1/leads/", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


# --- Text no column can hold: a NUL, a lone surrogate --------------------------------------------
#
# PostgreSQL refuses a NUL in text and jsonb; a lone surrogate is not UTF-8, so a serializer
# that echoes it in its error message (a ChoiceField: '"\ud800" is not a valid choice.') made
# the response itself fail to render. Both were 500s.

LEADS_URL = "/api/v1/leads/"
BOOKINGS_URL = "/api/v1/bookings/"


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {key: "1000/min" for key in settings.API_THROTTLE_RATES}


@pytest.fixture
def priced(db):
    """Fremont with the docs/business-rules.md prices and menu, and a chef: a valid booking is booked."""
    PricingPolicyFactory()
    create_menu()
    station = StationFactory()
    ChefFactory(station=station)
    return station


def assert_error(response, status_code: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status_code, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code and error["message"]
    if field is not None:
        assert list(error["fields"]) == [field], error
    return error


def assert_nothing_written() -> None:
    assert not Lead.objects.exists()
    assert not Booking.objects.exists()
    assert not Customer.objects.exists()
    assert not AuditLog.objects.exists()
    assert not SecurityEvent.objects.exists()


def post_json(api_client, url: str, text: str, **headers):
    """`text` as the body, byte for byte: JSON escapes such as \\u0000 and \\ud800 stay as sent."""
    return api_client.generic("POST", url, text.encode(), content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        # A ChoiceField echoes what it refuses: with a lone surrogate, the 400 could not render.
        ('{"email": "ann@example.com", "source": "\\ud800"}', "source", "surrogate"),
        ('{"email": "ann@example.com", "source": "web\\u0000site"}', "source", "Null"),
        ('{"email": "ann@example.com", "message": "hello\\u0000"}', "message", "Null"),
        ('{"email": "ann\\u0000@example.com"}', "email", "Null"),
        # A member no serializer reads, nested: refused all the same, named by its path.
        ('{"email": "ann@example.com", "extra": {"deep": ["ok", "\\udfff"]}}', "extra.deep.1", "surrogate"),
        ('{"email": "ann@example.com", "bad\\u0000key": 1}', "bad\\x00key", "Null"),
        ('"\\udc00"', "non_field_errors", "surrogate"),
    ],
)
def test_a_nul_or_a_lone_surrogate_anywhere_in_a_json_body_is_a_400_naming_it(
    api_client, body, field, reason
):
    response = post_json(api_client, LEADS_URL, body)

    error = assert_error(response, 400, "invalid", field)
    assert reason in error["fields"][field][0]
    assert_nothing_written()


def test_a_lone_surrogate_as_the_booking_slot_is_a_400_and_books_nothing(priced, api_client):
    payload = json.dumps(booking_body(slot="SLOT")).replace('"SLOT"', '"\\ud800"')

    response = post_json(api_client, BOOKINGS_URL, payload)

    assert_error(response, 400, "invalid", "slot")
    assert_nothing_written()


def test_a_nul_at_the_bottom_of_a_deeply_nested_body_is_found_without_recursion(api_client):
    depth = 200  # well under the JSON parser's recursion limit in any runner (xdist stacks are deeper)
    body = '{"email": "ann@example.com", "x": ' + "[" * depth + '"\\u0000"' + "]" * depth + "}"

    response = post_json(api_client, LEADS_URL, body)

    assert_error(response, 400, "invalid", "x" + ".0" * depth)
    assert_nothing_written()


@pytest.mark.parametrize(
    "number", ["NaN", "Infinity", "-Infinity", str(2**63), str(-(2**63) - 1), "1e999", "9" * 5000]
)
def test_numbers_out_of_any_range_are_a_400(api_client, number):
    body = f'{{"email": "ann@example.com", "party_adults": {number}, "budget_cents": {number}}}'

    response = post_json(api_client, LEADS_URL, body)

    assert response.status_code == 400, response.content
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert_nothing_written()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/v1/bookings/manage/%00/"),  # the token was written to a security event
        ("POST", "/api/v1/bookings/manage/a%00b/cancel/"),
        ("POST", "/api/v1/bookings/manage/%00/deposit/"),
        ("POST", "/api/v1/payments/fake/pi_%00/succeed/"),  # the id was looked up
        ("GET", "/api/v1/reviews/?limit=%00"),
        ("GET", "/api/v1/availability/?zip_code=94539&start=2030-01-01&end=2030-01-02&x%00=1"),
    ],
)
def test_a_nul_in_the_url_is_a_400_in_the_error_shape(api_client, method, url):
    response = api_client.generic(method, url)

    error = assert_error(response, 400, "malformed_request")
    assert "Null characters" in error["message"]
    assert_nothing_written()


def test_a_nul_in_a_header_is_a_400_before_anything_is_written(priced, api_client):
    """The User-Agent is written to the audit trail with the booking (and to a lead's events)."""
    booking = api_client.post(BOOKINGS_URL, booking_body(), format="json", HTTP_USER_AGENT="curl\x00/8")
    lead = api_client.post(LEADS_URL, {"email": "ann@example.com"}, format="json", HTTP_USER_AGENT="\x00")

    assert "User-Agent" in assert_error(booking, 400, "malformed_request")["message"]
    assert_error(lead, 400, "malformed_request")
    assert_nothing_written()


def test_too_many_form_fields_or_query_parameters_is_a_400_in_the_error_shape(api_client, settings):
    """Django refuses to parse them (TooManyFieldsSent): its HTML 400 page, not our shape."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = "&".join(f"f{index}=1" for index in range(11))

    form = api_client.generic(
        "POST", "/api/v1/messages/sms/inbound/", fields, content_type="application/x-www-form-urlencoded"
    )
    query = api_client.get(f"/api/v1/reviews/?{fields}")

    assert_error(form, 400, "malformed_request")
    assert_error(query, 400, "malformed_request")


def test_an_unknown_api_address_is_a_404_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/bookings/manage/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_page_outside_the_api_is_django_s_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_api_address_is_a_json_404_with_debug_on_too(api_client, settings):
    settings.DEBUG = True

    response = api_client.post("/api/v1/no-such-thing/", {}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"
