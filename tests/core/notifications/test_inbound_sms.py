"""The inbound SMS webhook: Twilio-signed; STOP, START, HELP, and everything else for staff."""

from urllib.parse import urlencode

import pytest
from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Customer, Message, MessageThread, Notification
from core.notifications.sms import twilio_signature, twilio_signature_valid
from core.services.messaging import notifications_claim_for_booking
from tests.core.factories import CustomerFactory
from tests.core.notifications.conftest import make_booking

URL = "/api/v1/messages/sms/inbound/"
SIGNED_URL = "https://api.myhibachi.test/api/v1/messages/sms/inbound/"
TOKEN = "twilio-test-token"
PHONE = "+15105550142"


@pytest.fixture
def texts(api_client, django_capture_on_commit_callbacks):
    """texts(body): post a customer's text as Twilio does, signed; the response."""
    sequence = iter(range(1, 1000))

    def post(body: str, *, phone: str = PHONE, sid: str | None = None, signature: str | None = None):
        params = {
            "MessageSid": sid or f"SM{next(sequence):032d}",
            "AccountSid": "AC123",
            "From": phone,
            "To": "+15105550000",
            "Body": body,
            "NumMedia": "0",
        }
        if signature is None:
            signature = twilio_signature(
                url=SIGNED_URL, params={k: [v] for k, v in params.items()}, auth_token=TOKEN
            )
        with django_capture_on_commit_callbacks(execute=True):
            return _post_form(api_client, params, HTTP_X_TWILIO_SIGNATURE=signature)

    return post


@pytest.fixture
def customer(db) -> Customer:
    return CustomerFactory(first_name="Ada", phone=PHONE, sms_consent=True, sms_consent_text="I agree ...")


def _post_form(api_client, params: dict, **headers):
    """As Twilio posts: application/x-www-form-urlencoded."""
    return api_client.generic(
        "POST", URL, urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )


def test_the_url_is_the_documented_one():
    assert reverse("sms-inbound-receive") == URL


def test_the_signature_matches_twilios_published_example():
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+14158675309"],
        "Digits": ["1234"],
        "From": ["+14158675309"],
        "To": ["+18005551212"],
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"

    assert twilio_signature(url=url, params=params, auth_token="12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert twilio_signature_valid(
        url=url, params=params, signature="RSOYDt4T1cUTdK1PDd93/VVr8B8=", auth_token="12345"
    )
    tampered = {**params, "Digits": ["9999"]}
    assert not twilio_signature_valid(
        url=url, params=tampered, signature="RSOYDt4T1cUTdK1PDd93/VVr8B8=", auth_token="12345"
    )
    assert not twilio_signature_valid(
        url=url, params=params, signature="RSOYDt4T1cUTdK1PDd93/VVr8B8=", auth_token=""
    )


def test_stop_revokes_consent_at_once_and_sends_one_confirmation(customer, texts, sms_outbox):
    response = texts("Stop")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response></Response>")
    customer.refresh_from_db()
    assert customer.sms_consent is False
    assert customer.sms_consent_at is not None
    assert [text.to for text in sms_outbox] == [PHONE]
    assert "unsubscribed" in sms_outbox[0].body
    assert "Reply START" in sms_outbox[0].body
    assert AuditLog.objects.filter(
        action="customer.sms_consent_revoke", resource_id=str(customer.pk)
    ).exists()

    # A second STOP (or UNSUBSCRIBE) changes nothing and sends nothing
    texts("UNSUBSCRIBE")
    assert len(sms_outbox) == 1


@pytest.mark.parametrize("keyword", ["STOP", "unsubscribe", "Cancel", "END", "quit."])
def test_every_opt_out_keyword_revokes_consent(customer, texts, keyword):
    texts(keyword)

    customer.refresh_from_db()
    assert customer.sms_consent is False


def test_after_stop_a_booking_notification_goes_by_email_only(customer, texts, station):
    booking = make_booking(station=station, customer=customer)
    texts("STOP")
    booking = Booking.objects.get(pk=booking.pk)  # as a sweep reads it: now

    claimed = notifications_claim_for_booking(booking=booking, kind=Notification.Kind.BOOKING_CONFIRMED)

    assert [notification.channel for notification in claimed] == ["email"]


@pytest.mark.parametrize("keyword", ["START", "unstop", "Yes"])
def test_start_unstop_and_yes_grant_consent_again_with_a_confirmation(customer, texts, sms_outbox, keyword):
    texts("STOP")
    sms_outbox.clear()

    texts(keyword)

    customer.refresh_from_db()
    assert customer.sms_consent is True
    assert keyword.upper() in customer.sms_consent_text
    assert [text.to for text in sms_outbox] == [PHONE]
    assert "subscribed" in sms_outbox[0].body
    assert sms_outbox[0].body.endswith("Reply STOP to opt out.")
    assert AuditLog.objects.filter(action="customer.sms_consent_grant").count() == 1


def test_help_is_answered_with_our_contact_details_even_without_consent(db, texts, sms_outbox):
    CustomerFactory(phone=PHONE, sms_consent=False)

    texts("help")

    assert len(sms_outbox) == 1
    assert "hello@myhibachi.test" in sms_outbox[0].body
    assert "+15105550100" in sms_outbox[0].body


def test_any_other_text_is_stored_in_the_thread_and_flagged_for_staff(customer, texts, sms_outbox):
    texts("Can we add 5 more guests on Saturday?", phone="(510) 555-0142")

    thread = MessageThread.objects.get(customer=customer, channel="sms")
    assert thread.status == MessageThread.Status.NEEDS_ATTENTION
    message = thread.messages.get()
    assert (message.direction, message.status, message.body) == (
        Message.Direction.INBOUND,
        Message.Status.RECEIVED,
        "Can we add 5 more guests on Saturday?",
    )
    assert message.provider_id.startswith("SM")
    assert sms_outbox == []  # staff answer; we do not
    customer.refresh_from_db()
    assert customer.sms_consent is True


def test_a_redelivered_webhook_is_processed_once(customer, texts, sms_outbox):
    texts("STOP", sid="SM-same")
    texts("START", sid="SM-same")  # Twilio never reuses a sid; a replay is ignored whatever it says

    customer.refresh_from_db()
    assert customer.sms_consent is False
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1


def test_a_text_from_an_unknown_number_is_acknowledged_and_not_stored(db, texts, sms_outbox):
    response = texts("Hi, how much for 20 people?", phone="+14155550199")

    assert response.status_code == 200
    assert not Message.objects.exists()
    assert not Notification.objects.exists()
    assert sms_outbox == []


def test_an_unsigned_request_is_refused_with_a_security_event(customer, api_client, sms_outbox):
    response = _post_form(api_client, {"MessageSid": "SM1", "From": PHONE, "Body": "STOP"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_invalid"
    event = SecurityEvent.objects.get()
    assert event.type == SecurityEvent.Type.WEBHOOK_SIGNATURE_INVALID
    assert event.details["reason"] == "missing signature"
    customer.refresh_from_db()
    assert customer.sms_consent is True
    assert not Message.objects.exists()


def test_a_request_with_a_wrong_signature_is_refused(customer, texts):
    response = texts("STOP", signature="bm90IHRoZSByaWdodCBzaWduYXR1cmU=")

    assert response.status_code == 403
    assert SecurityEvent.objects.get().details["reason"] == "signature mismatch"
    customer.refresh_from_db()
    assert customer.sms_consent is True


def test_a_signature_for_other_parameters_is_refused(customer, api_client):
    params = {"MessageSid": "SM1", "From": PHONE, "Body": "HELLO"}
    signature = twilio_signature(url=SIGNED_URL, params={k: [v] for k, v in params.items()}, auth_token=TOKEN)

    response = _post_form(api_client, {**params, "Body": "STOP"}, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 403


def test_every_request_is_refused_while_no_auth_token_is_configured(customer, texts, settings):
    settings.TWILIO_AUTH_TOKEN = ""

    assert texts("STOP").status_code == 403


def test_a_json_body_is_refused_as_unsigned(customer, api_client):
    response = api_client.post(URL, {"From": PHONE, "Body": "STOP"}, format="json")

    assert response.status_code == 403


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain"])
def test_an_empty_body_without_a_form_content_type_is_refused_as_unsigned(customer, api_client, content_type):
    """An empty body parses to a plain dict, not a QueryDict: it was a 500 (no .lists())."""
    headers = {"CONTENT_TYPE": content_type} if content_type else {}

    response = api_client.generic("POST", URL, b"", **headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_invalid"


def test_a_signed_empty_body_is_a_400_naming_the_missing_parameters(customer, api_client, sms_outbox):
    signature = twilio_signature(url=SIGNED_URL, params={}, auth_token=TOKEN)

    response = api_client.generic("POST", URL, b"", HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 400
    assert {"MessageSid", "From"} <= set(response.json()["error"]["fields"])
    assert not Message.objects.exists() and not sms_outbox


def test_the_openapi_schema_of_the_webhook_generates_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("core.sms_urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    operation = schema["paths"]["/api/v1/messages/sms/inbound/"]["post"]
    assert {"200", "403"} <= set(operation["responses"])
    assert any(p["name"] == "X-Twilio-Signature" and p["in"] == "header" for p in operation["parameters"])
