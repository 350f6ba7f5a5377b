"""leads' receivers of core's booking hooks (core/hooks.py), registered in leads/apps.py."""

from core.hooks import BookingAttemptFailed, BookingCreated, SmsFromUnknownNumber
from kernel.contact import normalize_email
from leads.services import lead_capture_from_sms, lead_convert_on_booking, lead_record_booking_failed


def convert_leads_of_new_booking(event: BookingCreated) -> None:
    """Inside the booking's transaction: the customer's open leads are converted."""
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


def keep_unknown_texter_as_lead(event: SmsFromUnknownNumber) -> None:
    """After an inbound text from a number no customer has: an `sms` lead with that phone."""
    lead_capture_from_sms(phone=event.phone, body=event.body, provider_id=event.provider_id)
