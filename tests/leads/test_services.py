import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog
from crm.models import Lead
from kernel.errors import ConflictError, ServiceError
from leads.models import LeadContext, LeadEvent
from leads.services import (
    lead_capture,
    lead_change_status,
    lead_convert_on_booking,
    lead_record_booking_failed,
    lead_score_refresh,
)
from tests.core.factories import BookingFactory, CustomerFactory
from tests.crm.factories import LeadFactory
from tests.identity.factories import UserFactory
from tests.leads.factories import LeadContactFactory

pytestmark = pytest.mark.django_db


def capture(**overrides) -> Lead:
    values = {
        "source": Lead.Source.WEBSITE,
        "event_type": LeadEvent.Type.INQUIRY,
        "email": "ann@example.com",
    }
    values.update(overrides)
    return lead_capture(**values)


def event_types(lead: Lead) -> list[str]:
    return sorted(lead.events.values_list("event_type", flat=True))


def test_capture_creates_a_lead_with_its_contacts_context_and_events():
    lead = capture(
        first_name="Ann",
        last_name="Lee",
        email="Ann@Example.com ",
        phone="(510) 555-1234",
        party_adults=12,
        party_kids=2,
        zip_code="94539",
        message="Birthday party",
    )

    assert (lead.source, lead.status, lead.first_name) == (Lead.Source.WEBSITE, Lead.Status.NEW, "Ann")
    assert sorted(lead.contacts.values_list("channel", "handle_or_address")) == [
        ("email", "ann@example.com"),
        ("phone", "+15105551234"),
    ]
    assert (lead.context.party_adults, lead.context.party_kids, lead.context.zip_code) == (12, 2, "94539")
    assert event_types(lead) == ["inquiry", "lead_created", "score_updated"]
    assert lead.events.get(event_type="inquiry").payload == {"message": "Birthday party"}


def test_capture_without_email_or_phone_is_refused_on_the_email_field():
    with pytest.raises(ServiceError) as error:
        capture(email="", phone="")

    assert error.value.field == "email"
    assert not Lead.objects.exists()


def test_capture_with_a_bad_phone_is_refused_on_the_phone_field():
    with pytest.raises(ServiceError) as error:
        capture(phone="12345")

    assert error.value.field == "phone"
    assert not Lead.objects.exists()


def test_capture_with_a_bad_email_is_refused_on_the_email_field():
    with pytest.raises(ServiceError) as error:
        capture(email="not-an-email")

    assert error.value.field == "email"


def test_capture_matches_an_existing_lead_by_email_without_a_duplicate():
    first = capture(email="ann@example.com", first_name="Ann")

    second = capture(email="ANN@example.com", phone="510-555-1234", party_adults=20)

    assert second.pk == first.pk
    assert Lead.objects.count() == 1
    assert second.first_name == "Ann"  # kept: not given the second time
    assert second.contacts.count() == 2
    assert second.context.party_adults == 20


def test_capture_matches_an_existing_lead_by_phone_without_a_duplicate():
    first = capture(email="", phone="+1 510 555 1234")

    second = capture(email="new@example.com", phone="5105551234", event_type=LeadEvent.Type.QUOTE_REQUESTED)

    assert second.pk == first.pk
    assert Lead.objects.count() == 1
    assert "quote_requested" in event_types(second)


def test_capture_keeps_what_was_not_given_and_updates_what_was():
    capture(party_adults=10, zip_code="94539", message="first")

    lead = capture(party_kids=3, message="second")

    assert (lead.context.party_adults, lead.context.party_kids) == (10, 3)
    assert lead.context.zip_code == "94539"
    assert lead.context.message == "second"


def test_capture_creates_a_new_lead_when_the_only_match_is_converted():
    converted = LeadFactory(status=Lead.Status.CONVERTED)
    LeadContactFactory(lead=converted, handle_or_address="ann@example.com")

    lead = capture(email="ann@example.com")

    assert lead.pk != converted.pk
    assert Lead.objects.count() == 2


def test_capture_creates_a_new_lead_when_the_only_match_is_lost():
    lost = LeadFactory(status=Lead.Status.LOST)
    LeadContactFactory(lead=lost, handle_or_address="ann@example.com")

    lead = capture(email="ann@example.com")

    assert lead.pk != lost.pk


def test_capture_prefers_the_open_lead_over_a_converted_one():
    converted = LeadFactory(status=Lead.Status.CONVERTED)
    LeadContactFactory(lead=converted, handle_or_address="ann@example.com")
    open_lead = LeadFactory(status=Lead.Status.CONTACTED)
    LeadContactFactory(lead=open_lead, handle_or_address="ann@example.com")

    assert capture(email="ann@example.com").pk == open_lead.pk


def test_capture_scores_the_lead():
    lead = capture(
        source=Lead.Source.REFERRAL,
        party_adults=5,
        budget_cents=800_00,
        event_date=timezone.localdate() + datetime.timedelta(days=30),
    )

    # referral 25 + 5 adults 10 + $800 8 + 30 days away 15 + 2 recent events (created, contacted) 6
    assert lead.score == 64
    assert lead.quality == Lead.Quality.WARM
    assert lead.events.get(event_type="score_updated").payload["to"] == 64


def test_capture_writes_an_audit_row_for_a_new_lead_and_for_an_update():
    actor = Actor.customer(ip_address="203.0.113.9")
    lead = capture(actor=actor)
    capture(party_adults=8)

    rows = AuditLog.objects.filter(resource_id=str(lead.pk)).order_by("created_at")
    assert [row.action for row in rows] == ["lead.created", "lead.updated"]
    assert rows[0].actor_type == "customer"
    assert rows[0].ip_address == "203.0.113.9"
    assert rows[0].before is None
    assert rows[1].before["context"]["party_adults"] is None
    assert rows[1].after["context"]["party_adults"] == 8


def test_capture_stores_a_payload_with_dates_as_text():
    lead = capture(payload={"event_date": datetime.date(2026, 7, 4)})

    assert lead.events.get(event_type="inquiry").payload == {"event_date": "2026-07-04"}


def test_capture_of_two_simultaneous_requests_from_one_person_makes_one_lead(transactional_db):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit():
        try:
            barrier.wait()
            capture(email="same@example.com")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Lead.objects.count() == 1


def test_booking_failed_creates_a_booking_failed_lead():
    lead = lead_record_booking_failed(
        email="bob@example.com", first_name="Bob", payload={"date": "2026-07-04", "slot": "18:00"}
    )

    assert lead.source == Lead.Source.BOOKING_FAILED
    assert event_types(lead) == ["booking_failed", "lead_created", "score_updated"]
    assert lead.events.get(event_type="booking_failed").payload == {"date": "2026-07-04", "slot": "18:00"}
    # booking_failed 15 + 2 recent events 6
    assert lead.score == 21


def test_booking_failed_updates_the_open_lead_of_the_same_email():
    quoted = capture(source=Lead.Source.WEB_QUOTE, email="bob@example.com")

    lead = lead_record_booking_failed(email="bob@example.com")

    assert lead.pk == quoted.pk
    assert lead.source == Lead.Source.WEB_QUOTE  # the first touch is kept
    assert "booking_failed" in event_types(lead)


def test_conversion_on_booking_marks_the_lead_converted_and_links_the_customer():
    lead = capture(email="ann@example.com")
    customer = CustomerFactory(email="Ann@Example.com", phone="")
    booking = BookingFactory(customer=customer)

    converted = lead_convert_on_booking(customer=customer, booking=booking)

    assert converted.pk == lead.pk
    converted.refresh_from_db()
    assert converted.status == Lead.Status.CONVERTED
    assert converted.customer == customer
    assert converted.conversion_date is not None
    assert converted.events.get(event_type="completed_booking").payload["booking_reference"] == (
        booking.reference
    )
    status_change = converted.events.get(event_type="status_changed")
    assert status_change.payload["from"] == "new"
    assert status_change.payload["to"] == "converted"
    assert AuditLog.objects.filter(action="lead.converted", resource_id=str(lead.pk)).exists()


def test_conversion_on_booking_matches_the_lead_by_phone():
    lead = capture(email="", phone="+14085550001")
    customer = CustomerFactory(email="other@example.com", phone="+14085550001")

    converted = lead_convert_on_booking(customer=customer, booking=BookingFactory(customer=customer))

    assert converted.pk == lead.pk
    assert converted.status == Lead.Status.CONVERTED


def test_conversion_on_booking_without_a_lead_returns_none():
    customer = CustomerFactory()

    assert lead_convert_on_booking(customer=customer, booking=BookingFactory(customer=customer)) is None
    assert not Lead.objects.exists()


def test_conversion_on_booking_leaves_closed_leads_alone():
    lost = LeadFactory(status=Lead.Status.LOST)
    LeadContactFactory(lead=lost, handle_or_address="ann@example.com")
    customer = CustomerFactory(email="ann@example.com")

    assert lead_convert_on_booking(customer=customer, booking=BookingFactory(customer=customer)) is None
    lost.refresh_from_db()
    assert lost.status == Lead.Status.LOST


def test_staff_marking_a_lead_contacted_sets_contacted_at_and_records_the_change():
    lead = capture()
    staff = UserFactory()

    lead = lead_change_status(
        lead=lead, status=Lead.Status.CONTACTED, actor=Actor.staff(staff), reason="Called back"
    )

    assert lead.status == Lead.Status.CONTACTED
    assert lead.contacted_at is not None
    change = lead.events.get(event_type="status_changed")
    assert (change.payload["from"], change.payload["to"], change.payload["reason"]) == (
        "new",
        "contacted",
        "Called back",
    )
    row = AuditLog.objects.get(action="lead.status_changed")
    assert (row.actor_id, row.reason) == (staff.pk, "Called back")
    assert (row.before["status"], row.after["status"]) == ("new", "contacted")


def test_changing_a_lead_to_its_current_status_changes_nothing():
    lead = capture()

    lead_change_status(lead=lead, status=Lead.Status.NEW, actor=Actor.system())

    assert not lead.events.filter(event_type="status_changed").exists()
    assert not AuditLog.objects.filter(action="lead.status_changed").exists()


def test_a_converted_lead_cannot_be_reopened():
    lead = LeadFactory(status=Lead.Status.CONVERTED)

    with pytest.raises(ConflictError) as error:
        lead_change_status(lead=lead, status=Lead.Status.NEW, actor=Actor.system())

    assert error.value.code == "invalid_transition"


def test_an_unknown_status_is_refused():
    with pytest.raises(ServiceError) as error:
        lead_change_status(lead=LeadFactory(), status="won", actor=Actor.system())

    assert error.value.field == "status"


def test_score_refresh_drops_events_older_than_a_week():
    lead = capture(source=Lead.Source.SMS)
    assert lead.score == 5 + 6
    lead.events.update(occurred_at=timezone.now() - datetime.timedelta(days=8))

    lead = lead_score_refresh(lead=lead)

    assert lead.score == 5
    assert lead.quality == Lead.Quality.COLD
    assert AuditLog.objects.filter(action="lead.score_updated", resource_id=str(lead.pk)).exists()


def test_score_refresh_counts_verified_contacts():
    lead = LeadFactory(source=Lead.Source.SMS)
    LeadContactFactory(lead=lead, verified=True)
    LeadContactFactory(lead=lead, verified=False)

    assert lead_score_refresh(lead=lead).score == 5 + 5


def test_score_refresh_does_not_count_its_own_score_updates():
    lead = capture(source=Lead.Source.SMS)
    score = lead.score

    for _ in range(3):
        lead = lead_score_refresh(lead=lead)

    assert lead.score == score


def test_score_refresh_that_changes_nothing_writes_nothing():
    lead = capture()
    events, audits = LeadEvent.objects.count(), AuditLog.objects.count()

    lead_score_refresh(lead=lead)

    assert (LeadEvent.objects.count(), AuditLog.objects.count()) == (events, audits)


def test_capture_that_brings_the_score_to_70_makes_the_lead_hot():
    lead = LeadFactory(source=Lead.Source.REFERRAL)
    LeadContactFactory(lead=lead, handle_or_address="ann@example.com")
    LeadContext.objects.create(
        lead=lead, party_adults=10, event_date=timezone.localdate() + datetime.timedelta(days=20)
    )

    lead = capture(email="ann@example.com", budget_cents=1_200_00)

    # referral 25 + 10 adults 15 + 20 days away 15 + $1,200 12 + one recent event 3
    assert lead.score == 70
    assert lead.quality == Lead.Quality.HOT
