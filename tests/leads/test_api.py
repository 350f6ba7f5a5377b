import datetime

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from audit.models import AuditLog
from crm.models import Lead
from leads.models import LeadEvent
from tests.crm.factories import LeadFactory
from tests.leads.factories import LeadContactFactory

pytestmark = pytest.mark.django_db

QUOTES = "/api/v1/quotes/"
LEADS = "/api/v1/leads/"


def post(client, url, body):
    return client.post(url, body, format="json", REMOTE_ADDR="203.0.113.7")


def assert_error(response, status_code, field=None, code=None):
    assert response.status_code == status_code, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if field is not None:
        assert field in error["fields"], error
    if code is not None:
        assert error["code"] == code, error
    return error


def quote_body(**overrides) -> dict:
    body = {"party_adults": 12, "party_kids": 0, "zip_code": "94539", "items": []}
    body.update(overrides)
    return body


def nothing_written() -> bool:
    return not Lead.objects.exists() and not LeadEvent.objects.exists() and not AuditLog.objects.exists()


# --- Quotes ----------------------------------------------------------------------------


def test_quote_returns_the_itemized_quote(api_client, priced):
    response = post(
        api_client,
        QUOTES,
        quote_body(party_kids=2, party_toddlers=1, items=[{"code": "filet_mignon", "quantity": 2}]),
    )

    assert response.status_code == 200, response.content
    quote = response.json()
    assert [line["code"] for line in quote["lines"]] == ["adult", "kid", "toddler", "filet_mignon"]
    assert quote["food_cents"] == 12 * 5500 + 2 * 3000 + 2 * 500
    assert quote["minimum_applied"] is False
    assert quote["travel_fee_cents"] == 0
    assert quote["total_due_cents"] == quote["food_cents"]
    assert (quote["deposit_due_cents"], quote["due_after_deposit_cents"]) == (
        10000,
        quote["total_due_cents"] - 10000,
    )
    assert quote["station"] == {"code": "CA-FREMONT-001", "name": "Fremont"}
    assert set(quote) == {
        "lines",
        "food_cents",
        "minimum_applied",
        "party_minimum_cents",
        "travel_fee_cents",
        "distance_miles",
        "tax_cents",
        "total_due_cents",
        "deposit_due_cents",
        "due_after_deposit_cents",
        "station",
    }


def test_quote_for_a_small_party_says_the_minimum_was_applied(api_client, priced):
    response = post(api_client, QUOTES, quote_body(party_adults=5))

    assert response.status_code == 200
    assert response.json()["minimum_applied"] is True
    assert response.json()["food_cents"] == 55000


def test_quote_without_contact_details_records_no_lead(api_client, priced):
    response = post(api_client, QUOTES, quote_body(contact={"first_name": "Ann"}))

    assert response.status_code == 200
    assert not Lead.objects.exists()


def test_quote_with_contact_details_records_a_quote_requested_lead_event(api_client, priced):
    event_date = timezone.localdate() + datetime.timedelta(days=30)

    response = post(
        api_client,
        QUOTES,
        quote_body(
            date=event_date.isoformat(),
            contact={"first_name": "Ann", "email": "Ann@Example.com", "phone": "(510) 555-1234"},
        ),
    )

    assert response.status_code == 200
    lead = Lead.objects.get()
    assert (lead.source, lead.first_name, lead.station) == (Lead.Source.WEB_QUOTE, "Ann", priced)
    assert sorted(lead.contacts.values_list("handle_or_address", flat=True)) == [
        "+15105551234",
        "ann@example.com",
    ]
    assert (lead.context.party_adults, lead.context.event_date) == (12, event_date)
    event = lead.events.get(event_type=LeadEvent.Type.QUOTE_REQUESTED)
    assert event.payload["total_cents"] == response.json()["total_due_cents"]
    assert AuditLog.objects.get(action="lead.created").ip_address == "203.0.113.7"


def test_two_quotes_from_the_same_email_update_one_lead(api_client, priced):
    post(api_client, QUOTES, quote_body(contact={"email": "ann@example.com"}))
    post(api_client, QUOTES, quote_body(party_adults=20, contact={"email": "ann@example.com"}))

    lead = Lead.objects.get()
    assert lead.events.filter(event_type=LeadEvent.Type.QUOTE_REQUESTED).count() == 2
    assert lead.context.party_adults == 20


def test_quote_with_malformed_json_is_a_400_in_the_error_shape(api_client, priced):
    response = api_client.post(QUOTES, data='{"party_adults": 12,', content_type="application/json")

    assert_error(response, 400, code="malformed_request")


def test_quote_body_that_is_not_an_object_is_a_400(api_client, priced):
    response = post(api_client, QUOTES, [1, 2])

    assert_error(response, 400, field="non_field_errors")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"party_adults": "twelve"}, "party_adults"),
        ({"party_adults": True}, "party_adults"),
        ({"party_adults": 12.5}, "party_adults"),
        ({"party_adults": None}, "party_adults"),
        ({"party_kids": [1]}, "party_kids"),
        ({"party_toddlers": {"n": 1}}, "party_toddlers"),
        ({"zip_code": 94539.5}, "zip_code"),
        ({"zip_code": ["94539"]}, "zip_code"),
        ({"items": "edamame"}, "items"),
        ({"items": ["edamame"]}, "items.0.non_field_errors"),
        ({"items": [{"code": "edamame", "quantity": "lots"}]}, "items.0.quantity"),
        ({"items": [{"code": {"name": "edamame"}, "quantity": 1}]}, "items.0.code"),
        ({"date": "next friday"}, "date"),
        ({"date": 20260704}, "date"),
        ({"party_adults": "12"}, "party_adults"),
        ({"items": [{"code": "edamame", "quantity": "2"}]}, "items.0.quantity"),
        ({"contact": "ann@example.com"}, "contact.non_field_errors"),
        ({"contact": {"email": ["ann@example.com"]}}, "contact.email"),
    ],
)
def test_quote_with_a_wrong_type_is_a_400_naming_the_field(api_client, priced, change, field):
    response = post(api_client, QUOTES, quote_body(**change))

    assert_error(response, 400, field=field, code="invalid")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"party_adults": 0}, "party_adults"),
        ({"party_adults": 101}, "party_adults"),
        ({"party_kids": -1}, "party_kids"),
        ({"party_kids": 101}, "party_kids"),
        ({"party_toddlers": 101}, "party_toddlers"),
        ({"zip_code": "9453"}, "zip_code"),
        ({"zip_code": "94539-1234"}, "zip_code"),
        ({"items": [{"code": "edamame", "quantity": 1}] * 21}, "items"),
        ({"items": [{"code": "edamame", "quantity": 0}]}, "items.0.quantity"),
        ({"items": [{"code": "edamame", "quantity": 501}]}, "items.0.quantity"),
        ({"contact": {"email": "not-an-email"}}, "contact.email"),
        ({"contact": {"email": "ann@example.com", "phone": "12345"}}, "contact.phone"),
    ],
)
def test_quote_out_of_range_is_a_400_naming_the_field_and_writes_nothing(api_client, priced, change, field):
    response = post(api_client, QUOTES, quote_body(contact={"email": "ann@example.com"}) | change)

    assert_error(response, 400, field=field)
    assert nothing_written()


def test_quote_without_the_required_fields_names_each_of_them(api_client, priced):
    error = assert_error(post(api_client, QUOTES, {}), 400)

    assert {"party_adults", "zip_code"} == set(error["fields"])


def test_quote_for_a_past_event_date_is_a_400(api_client, priced):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = post(api_client, QUOTES, quote_body(date=yesterday.isoformat()))

    assert_error(response, 400, field="date")


def test_quote_with_an_unknown_item_is_a_400_and_writes_nothing(api_client, priced):
    response = post(
        api_client,
        QUOTES,
        quote_body(items=[{"code": "caviar", "quantity": 2}], contact={"email": "ann@example.com"}),
    )

    assert_error(response, 400, field="items", code="unknown_item")
    assert nothing_written()


def test_quote_outside_the_service_area_is_a_400_and_writes_nothing(api_client, priced):
    response = post(api_client, QUOTES, quote_body(zip_code="10001", contact={"email": "ann@example.com"}))

    assert_error(response, 400, field="zip_code", code="outside_service_area")
    assert nothing_written()


def test_quote_for_an_unknown_zip_code_is_a_400(api_client, priced):
    response = post(api_client, QUOTES, quote_body(zip_code="00000"))

    assert_error(response, 400, field="zip_code")


def test_quotes_are_throttled_with_retry_after(api_client, priced, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "quotes": "2/min"}

    statuses = [post(api_client, QUOTES, quote_body()).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = post(api_client, QUOTES, quote_body())
    assert_error(response, 429, code="throttled")
    assert response.headers["Retry-After"]


def test_a_quote_without_contact_details_reads_no_query_once_the_catalogue_is_read(
    api_client, priced, django_assert_num_queries
):
    post(api_client, QUOTES, quote_body())  # the process reads the catalogue

    with django_assert_num_queries(0):
        response = post(api_client, QUOTES, quote_body(items=[{"code": "gyoza", "quantity": 3}]))

    assert response.status_code == 200


def test_a_quote_kept_as_a_lead_takes_a_bounded_number_of_queries(
    api_client, priced, django_assert_max_num_queries
):
    post(api_client, QUOTES, quote_body(contact={"email": "ann@example.com"}))

    with django_assert_max_num_queries(22):
        response = post(
            api_client, QUOTES, quote_body(contact={"email": "ann@example.com", "phone": "5105551234"})
        )

    assert response.status_code == 200


# --- Leads -----------------------------------------------------------------------------


def test_inquiry_creates_a_lead_and_answers_201_with_its_score(api_client, db):
    response = post(
        api_client,
        LEADS,
        {
            "first_name": "Ann",
            "email": "ann@example.com",
            "party_adults": 10,
            "budget_cents": 90000,
            "message": "A birthday in the garden",
            "source": "referral",
        },
    )

    assert response.status_code == 201, response.content
    lead = Lead.objects.get()
    # referral 25 + 10 adults 15 + $900 9 + 2 recent events 6
    assert response.json() == {"id": str(lead.pk), "status": "new", "score": 55, "quality": "warm"}
    assert lead.source == Lead.Source.REFERRAL
    assert lead.context.message == "A birthday in the garden"
    assert lead.events.filter(event_type=LeadEvent.Type.INQUIRY).exists()


def test_inquiry_without_email_or_phone_is_a_400_naming_email(api_client, db):
    response = post(api_client, LEADS, {"first_name": "Ann", "message": "Call me"})

    assert_error(response, 400, field="email", code="invalid")
    assert nothing_written()


def test_inquiry_with_a_bad_phone_is_a_400_naming_phone(api_client, db):
    response = post(api_client, LEADS, {"phone": "555-12"})

    assert_error(response, 400, field="phone")
    assert nothing_written()


def test_inquiry_phone_is_stored_in_e164_and_email_lower_cased(api_client, db):
    response = post(api_client, LEADS, {"phone": "(510) 555-1234", "email": "Ann@Example.COM"})

    assert response.status_code == 201
    assert sorted(Lead.objects.get().contacts.values_list("channel", "handle_or_address")) == [
        ("email", "ann@example.com"),
        ("phone", "+15105551234"),
    ]


def test_inquiry_from_a_known_phone_updates_the_open_lead(api_client, db):
    lead = LeadFactory(status=Lead.Status.CONTACTED)
    LeadContactFactory(lead=lead, channel="phone", handle_or_address="+15105551234")

    response = post(api_client, LEADS, {"phone": "510.555.1234", "party_kids": 4})

    assert response.status_code == 201
    assert response.json()["id"] == str(lead.pk)
    assert response.json()["status"] == "contacted"
    assert Lead.objects.count() == 1


def test_inquiry_records_consent_only_when_given(api_client, db):
    post(api_client, LEADS, {"email": "ann@example.com", "sms_consent": True})

    payload = LeadEvent.objects.get(event_type=LeadEvent.Type.INQUIRY).payload
    assert (payload["sms_consent"], payload["email_consent"]) == (True, False)


def test_inquiry_is_audited_as_the_customer(api_client, db):
    post(api_client, LEADS, {"email": "ann@example.com"})

    row = AuditLog.objects.get()
    assert (row.action, row.actor_type, row.ip_address) == ("lead.created", "customer", "203.0.113.7")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message": "x" * 2001}, "message"),
        ({"source": "booking_failed"}, "source"),
        ({"source": "carrier_pigeon"}, "source"),
        ({"budget_cents": "a lot"}, "budget_cents"),
        ({"budget_cents": -1}, "budget_cents"),
        ({"party_adults": 0}, "party_adults"),
        ({"party_kids": "two"}, "party_kids"),
        ({"zip_code": "ABCDE"}, "zip_code"),
        ({"email": "ann@"}, "email"),
        ({"date": "2020-01-01"}, "date"),
        ({"sms_consent": "maybe"}, "sms_consent"),
        ({"first_name": "x" * 101}, "first_name"),
    ],
)
def test_invalid_inquiry_is_a_400_naming_the_field(api_client, db, change, field):
    response = post(api_client, LEADS, {"email": "ann@example.com"} | change)

    assert_error(response, 400, field=field)
    assert nothing_written()


def test_inquiry_with_malformed_json_is_a_400(api_client, db):
    response = api_client.post(LEADS, data="{", content_type="application/json")

    assert_error(response, 400, code="malformed_request")


def test_inquiries_are_throttled(api_client, db, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "leads": "1/min"}

    assert post(api_client, LEADS, {"email": "ann@example.com"}).status_code == 201
    assert_error(post(api_client, LEADS, {"email": "ann@example.com"}), 429, code="throttled")


# --- Documentation ---------------------------------------------------------------------


def test_the_openapi_schema_of_the_lead_endpoints_generates_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("leads.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    assert schema["paths"]["/api/v1/quotes/"]["post"]["operationId"] == "quote_compute"
    assert schema["paths"]["/api/v1/leads/"]["post"]["operationId"] == "lead_create"
