"""Leads that stay true: re-scoring as events age, the funnel events, staff logging a contact,
inquiry consent reaching the customer on conversion, and texts from unknown numbers."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Customer
from core.services.messaging import sms_inbound_receive
from crm.models import Lead
from leads.models import LeadContact, LeadEvent
from leads.services import (
    lead_capture,
    lead_convert,
    lead_funnel_event_record,
    lead_log_contact,
    leads_rescore,
)
from tests.core.factories import CustomerFactory
from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
STAFF = Actor.system(label="test staff")


def inquiry(**fields) -> Lead:
    values = {"source": Lead.Source.WEBSITE, "event_type": LeadEvent.Type.INQUIRY, "email": "ann@example.com"}
    values.update(fields)
    return lead_capture(**values)


# --- Re-scoring -------------------------------------------------------------------------------


def test_scores_drift_as_events_age_and_the_nightly_rescore_puts_them_right():
    # Given leads scored today with recent events (3 points each)
    start = timezone.now()
    leads = [inquiry(email=f"lead{i}@example.com", party_adults=6) for i in range(3)]
    fresh = [lead.score for lead in leads]

    # When ten days pass and the nightly job runs
    with time_machine.travel(start + 10 * DAY, tick=False):
        changed = leads_rescore(batch_size=2)

    # Then every stored score dropped the aged events' points, with an audit row each
    assert changed == 3
    for lead, before in zip(leads, fresh, strict=True):
        lead.refresh_from_db()
        assert lead.score < before
        assert lead.events.filter(event_type=LeadEvent.Type.SCORE_UPDATED).exists()
    assert AuditLog.objects.filter(action="lead.score_updated").count() == 3


def test_the_aging_sweep_rescores_only_leads_whose_events_just_turned_seven_days_old():
    start = timezone.now()
    aging = inquiry(email="aging@example.com")
    with time_machine.travel(start + 5 * DAY, tick=False):
        later = inquiry(email="later@example.com")

    with time_machine.travel(start + 7 * DAY + datetime.timedelta(minutes=20), tick=False):
        changed = leads_rescore(only_aging=True)

    assert changed == 1
    aging_score, later_score = aging.score, later.score
    aging.refresh_from_db()
    later.refresh_from_db()
    assert aging.score < aging_score and later.score == later_score


def test_rescoring_twice_changes_nothing_more():
    start = timezone.now()
    inquiry()
    with time_machine.travel(start + 10 * DAY, tick=False):
        leads_rescore()
        assert leads_rescore() == 0


def test_closed_leads_are_not_rescored():
    lead = inquiry()
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.LOST)
    with time_machine.travel(timezone.now() + 10 * DAY, tick=False):
        assert leads_rescore() == 0


# --- Funnel events ----------------------------------------------------------------------------


def test_started_booking_with_contact_details_creates_or_updates_the_lead_with_the_event():
    lead = lead_funnel_event_record(
        event_type=LeadEvent.Type.STARTED_BOOKING,
        email="new@example.com",
        first_name="Nia",
        payload={"zip_code": "94539"},
    )

    assert lead.source == Lead.Source.WEBSITE and lead.first_name == "Nia"
    assert lead.events.filter(event_type=LeadEvent.Type.STARTED_BOOKING, payload__zip_code="94539").exists()


def test_checked_availability_is_recorded_on_the_leads_contact_and_raises_its_score():
    lead = inquiry(phone="+15105550111")
    before = lead.score

    recorded = lead_funnel_event_record(
        event_type=LeadEvent.Type.CHECKED_AVAILABILITY, phone="(510) 555-0111"
    )

    assert recorded.pk == lead.pk
    lead.refresh_from_db()
    assert lead.events.filter(event_type=LeadEvent.Type.CHECKED_AVAILABILITY).exists()
    assert lead.score == before + 3


def test_checked_availability_without_a_lead_records_nothing():
    assert (
        lead_funnel_event_record(event_type=LeadEvent.Type.CHECKED_AVAILABILITY, email="x@example.com")
        is None
    )
    assert not Lead.objects.exists()


def test_the_funnel_endpoint_records_a_started_booking(api_client):
    response = api_client.post(
        "/api/v1/leads/events/", {"event": "started_booking", "email": "web@example.com"}, format="json"
    )

    assert response.status_code == 201 and response.json() == {"recorded": True}
    assert LeadEvent.objects.filter(event_type=LeadEvent.Type.STARTED_BOOKING).count() == 1


def test_the_funnel_endpoint_refuses_other_events_and_a_missing_contact(api_client):
    wrong = api_client.post(
        "/api/v1/leads/events/", {"event": "completed_booking", "email": "a@b.co"}, format="json"
    )
    bare = api_client.post("/api/v1/leads/events/", {"event": "started_booking"}, format="json")

    assert wrong.status_code == 400 and "event" in wrong.json()["error"]["fields"]
    assert bare.status_code == 400 and "email" in bare.json()["error"]["fields"]


# --- Log a contact ----------------------------------------------------------------------------


def test_logging_a_contact_records_the_channel_and_note_and_moves_new_to_contacted():
    lead = inquiry()

    lead_log_contact(lead=lead, channel="phone", note="Left a voicemail", actor=STAFF)

    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED and lead.contacted_at
    event = lead.events.get(event_type=LeadEvent.Type.CONTACTED)
    assert event.payload["channel"] == "phone" and event.payload["note"] == "Left a voicemail"
    assert AuditLog.objects.filter(action="lead.contacted", resource_id=str(lead.pk)).exists()


def test_logging_a_contact_keeps_a_qualified_lead_qualified():
    lead = inquiry()
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.QUALIFIED)

    lead_log_contact(lead=lead, channel="email", actor=STAFF)

    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUALIFIED
    assert lead.events.filter(event_type=LeadEvent.Type.CONTACTED).count() == 1


def test_the_admin_action_log_a_contact(admin_client_for_leads):
    client, lead = admin_client_for_leads
    from tests.staff_panel import messages_of, post_action

    response = post_action(client, Lead, "log_contact", [lead], {"channel": "sms", "note": "Texted a quote"})

    assert any("Logged a contact" in message for message in messages_of(response))
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED


@pytest.fixture
def admin_client_for_leads(client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    return client, inquiry()


# --- Consent from the inquiry, at conversion ----------------------------------------------------


def test_consent_given_in_an_inquiry_reaches_the_customer_on_conversion_with_its_time_and_text(api_client):
    response = api_client.post(
        "/api/v1/leads/",
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "ann@example.com",
            "phone": "5105550123",
            "sms_consent": True,
            "email_consent": True,
        },
        format="json",
    )
    lead = Lead.objects.get(pk=response.json()["id"])
    asked_at = lead.events.get(event_type=LeadEvent.Type.INQUIRY).occurred_at

    with time_machine.travel(timezone.now() + 2 * DAY):
        lead_convert(lead=lead, actor=STAFF)

    customer = Customer.objects.get(email="ann@example.com")
    assert customer.email_consent and customer.email_consent_at == asked_at
    assert customer.sms_consent and customer.sms_consent_at == asked_at
    assert "at most 2 a week" in customer.email_consent_text and "STOP" in customer.sms_consent_text
    assert AuditLog.objects.filter(
        action="customer.email_consent_grant", resource_id=str(customer.pk)
    ).exists()


def test_sms_consent_for_another_number_is_not_consent_for_the_customers_number():
    customer = CustomerFactory(email="ann@example.com", phone="+15105550999", sms_consent=False)
    lead = inquiry(
        phone="+15105550123",
        payload={"sms_consent": True, "sms_consent_text": "I agree", "phone": "+15105550123"},
    )
    Lead.objects.filter(pk=lead.pk).update(customer=customer)

    lead_convert(lead=lead, actor=STAFF)

    customer.refresh_from_db()
    assert customer.sms_consent is False


def test_a_withdrawal_after_the_inquiry_is_kept():
    lead = inquiry(
        payload={"email_consent": True, "email_consent_text": "I agree", "email": "ann@example.com"}
    )
    customer = CustomerFactory(
        email="ann@example.com", email_consent=False, email_consent_at=timezone.now() + DAY
    )
    Lead.objects.filter(pk=lead.pk).update(customer=customer)

    lead_convert(lead=lead, actor=STAFF)

    customer.refresh_from_db()
    assert customer.email_consent is False


# --- Texts from unknown numbers -------------------------------------------------------------------


def test_a_text_from_an_unknown_number_becomes_an_sms_lead_with_its_contact(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        sms_inbound_receive(from_phone="+15105550177", body="How much for 20 people?", provider_id="SM1")
    with django_capture_on_commit_callbacks(execute=True):  # the provider redelivers it
        sms_inbound_receive(from_phone="+15105550177", body="How much for 20 people?", provider_id="SM1")

    lead = Lead.objects.get()
    assert lead.source == Lead.Source.SMS
    assert LeadContact.objects.filter(lead=lead, channel="phone", handle_or_address="+15105550177").exists()
    assert lead.events.filter(event_type=LeadEvent.Type.INQUIRY).count() == 1
    assert lead.context.message == "How much for 20 people?"
    assert not Customer.objects.exists()


def test_stop_from_an_unknown_number_makes_no_lead(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_inbound_receive(from_phone="+15105550177", body="STOP", provider_id="SM2")

    assert not Lead.objects.exists()


def test_the_assistant_records_an_availability_check_through_the_task_by_name():
    from kernel.queue import enqueue

    lead = inquiry(email="chat@example.com")

    enqueue(
        "leads.funnel_event_record", "checked_availability", email="chat@example.com", payload={"via": "ai"}
    )

    assert lead.events.filter(event_type=LeadEvent.Type.CHECKED_AVAILABILITY, payload__via="ai").exists()


def test_consent_from_the_inquiry_reaches_the_customer_when_their_booking_converts_the_lead():
    from leads.services import lead_convert_on_booking
    from tests.core.factories import BookingFactory

    lead = inquiry(
        email="bo@example.com",
        payload={"email_consent": True, "email_consent_text": "I agree to emails", "email": "bo@example.com"},
    )
    customer = CustomerFactory(email="bo@example.com", email_consent=False)
    booking = BookingFactory(customer=customer)

    lead_convert_on_booking(customer=customer, booking=booking)

    customer.refresh_from_db()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    assert customer.email_consent and customer.email_consent_text == "I agree to emails"
    assert customer.email_consent_at == lead.events.get(event_type=LeadEvent.Type.INQUIRY).occurred_at
