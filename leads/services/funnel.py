"""Funnel steps the lead takes or staff take with them: availability checked, booking started,
a contact logged by staff; and an inquiry's consent carried to the customer at conversion."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Customer
from core.services.messaging import customer_marketing_consent_record
from crm.models import Lead
from kernel.contact import normalize_email, normalize_phone
from kernel.errors import ServiceError
from leads.models import LeadContext, LeadEvent
from leads.services.capture import _json_safe, lead_capture
from leads.services.matching import contact_handles, contacts_lock, open_lead_matching
from leads.services.scores import rescore

# What the customer website (and the assistant, through the task) may record.
PUBLIC_FUNNEL_EVENTS = frozenset({LeadEvent.Type.CHECKED_AVAILABILITY, LeadEvent.Type.STARTED_BOOKING})


class ContactChannel:
    """How staff reached the lead ("log a contact")."""

    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    IN_PERSON = "in_person"
    SOCIAL = "social"
    CHOICES = (
        (PHONE, "Phone call"),
        (EMAIL, "Email"),
        (SMS, "Text message"),
        (IN_PERSON, "In person"),
        (SOCIAL, "Social media"),
    )


NOTE_MAX_LENGTH = 2000


@transaction.atomic
def lead_funnel_event_record(
    *,
    event_type: str,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    payload: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> Lead | None:
    """Record a funnel step of the person at this email or phone; the lead, or None.

    started_booking (the booking form opened with contact details): the lead is created when
    there is none (source website) — they gave their details and began to book.
    checked_availability (with a lead's contact, or by the assistant): recorded on the open
    lead of that contact only; asking for dates is not by itself a lead.
    """
    if event_type not in PUBLIC_FUNNEL_EVENTS:
        raise ServiceError(f"Unknown funnel event {event_type!r}.", field="event")
    if event_type == LeadEvent.Type.STARTED_BOOKING:
        return lead_capture(
            source=Lead.Source.WEBSITE,
            event_type=event_type,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            payload=payload,
            actor=actor or Actor.customer(label="customer website"),
        )
    handles = contact_handles(email=email, phone=phone)
    if not handles:
        raise ServiceError("Give an email address or a phone number.", field="email")
    contacts_lock(handles)
    lead = open_lead_matching(handles)
    if lead is None:
        return None
    now = timezone.now()
    LeadEvent.objects.create(
        lead=lead, event_type=event_type, payload=_json_safe(payload or {}), occurred_at=now
    )
    rescore(lead, LeadContext.objects.filter(lead=lead).first(), now=now)
    return lead


@transaction.atomic
def lead_log_contact(*, lead: Lead, channel: str, note: str = "", actor: Actor) -> Lead:
    """Staff record that they reached the lead: a `contacted` event; a new lead becomes contacted."""
    if channel not in dict(ContactChannel.CHOICES):
        raise ServiceError("Choose how you reached them.", field="channel")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ServiceError(f"At most {NOTE_MAX_LENGTH} characters.", field="note")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status in (Lead.Status.CONVERTED, Lead.Status.LOST):
        raise ServiceError(
            f"A {lead.get_status_display().lower()} lead is closed; reopen it first.", field="status"
        )
    before = snapshot(lead)
    now = timezone.now()
    events = [
        LeadEvent(
            lead=lead,
            event_type=LeadEvent.Type.CONTACTED,
            payload={"channel": channel, "note": note, "by": actor.label},
            occurred_at=now,
        )
    ]
    lead.contacted_at = now
    if lead.status == Lead.Status.NEW:
        lead.status = Lead.Status.CONTACTED
        events.append(
            LeadEvent(
                lead=lead,
                event_type=LeadEvent.Type.STATUS_CHANGED,
                payload={"from": Lead.Status.NEW, "to": Lead.Status.CONTACTED, "reason": "contact logged"},
                occurred_at=now,
            )
        )
    lead.save(update_fields=["status", "contacted_at", "updated_at"])
    LeadEvent.objects.bulk_create(events)
    rescore(lead, LeadContext.objects.filter(lead=lead).first(), now=now)
    audit_log_write(
        actor=actor, action="lead.contacted", instance=lead, before=before, after=snapshot(lead), reason=note
    )
    return lead


def inquiry_consent_apply(*, lead: Lead, customer: Customer, actor: Actor) -> list[str]:
    """Carry the consents the lead gave in an inquiry to the customer it converted to; the channels recorded.

    Each with the inquiry's time and the words the form showed, and only for the contact the
    customer has: SMS consent given for another number (or email for another address) is not
    consent for this one. Part of the conversion's transaction.
    """
    recorded = []
    inquiries = LeadEvent.objects.filter(lead=lead, event_type=LeadEvent.Type.INQUIRY).order_by(
        "-occurred_at"
    )
    for channel in ("sms", "email"):
        for event in inquiries:
            given = event.payload or {}
            if given.get(f"{channel}_consent") is not True or not given.get(f"{channel}_consent_text"):
                continue
            if not _same_contact(channel, given, customer):
                continue
            if customer_marketing_consent_record(
                customer=customer,
                channel=channel,
                given_at=event.occurred_at,
                text=given[f"{channel}_consent_text"],
                actor=actor,
                reason=f"given in an inquiry (lead {lead.pk})",
            ):
                recorded.append(channel)
            break  # the latest inquiry that gave it decides
    return recorded


def _same_contact(channel: str, given: dict[str, Any], customer: Customer) -> bool:
    try:
        if channel == "sms":
            return bool(customer.phone) and normalize_phone(given.get("phone") or "") == customer.phone
        return normalize_email(given.get("email") or "") == normalize_email(customer.email or "")
    except ServiceError:
        return False
