"""leads' receivers of core's hooks (core/hooks.py): bookings, and contacts given in a conversation."""

from core.hooks import (
    BookingAttemptFailed,
    BookingCreated,
    CapturedContact,
    ContactGiven,
    SmsFromUnknownNumber,
)
from kernel.contact import normalize_email
from leads.models import LeadEvent
from leads.services import (
    lead_capture,
    lead_capture_from_sms,
    lead_convert_on_booking,
    lead_record_booking_failed,
)
from leads.services.matching import contact_handles, open_lead_matching


def convert_leads_of_new_booking(event: BookingCreated) -> None:
    """After the booking committed (core's follow-up task): the customer's open leads are converted."""
    lead_convert_on_booking(customer=event.customer, booking=event.booking)


def keep_failed_booking_as_lead(event: BookingAttemptFailed) -> None:
    """After a failed booking rolled back: the person is kept as a booking_failed lead."""
    customer = event.customer
    lead_record_booking_failed(
        email=normalize_email(str(customer.get("email") or "")),
        phone=str(customer.get("phone") or ""),
        first_name=str(customer.get("first_name") or "")[:100],
        last_name=str(customer.get("last_name") or "")[:100],
        payload={"reason": event.reason, **event.details},
    )


def contact_captured(event: ContactGiven) -> None:
    """Inside the sender's transaction: contact details from a conversation become (or update)
    the open lead at that email or phone; what was kept is reported on the event."""
    handles = contact_handles(email=event.email, phone=event.phone, strict=False)
    existed = bool(handles) and open_lead_matching(handles) is not None
    lead = lead_capture(
        source=event.source,
        event_type=LeadEvent.Type.INQUIRY,
        first_name=event.first_name,
        email=event.email,
        phone=event.phone,
        event_date=event.event_date,
        party_adults=event.party_adults,
        party_kids=event.party_kids,
        zip_code=event.zip_code,
        message=event.message,
        payload=event.payload,
        actor=event.actor,
    )
    event.captured.append(CapturedContact(lead_id=lead.pk, created=not existed, customer_id=lead.customer_id))


def keep_unknown_texter_as_lead(event: SmsFromUnknownNumber) -> None:
    """After an inbound text from a number no customer has: an `sms` lead with that phone."""
    lead_capture_from_sms(phone=event.phone, body=event.body, provider_id=event.provider_id)
