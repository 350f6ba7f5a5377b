"""Capturing interest: a quote request, an inquiry, a chat or a failed booking becomes a lead."""

import datetime
import json
import re
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from crm.models import Lead
from identity.models import Station
from kernel.errors import ServiceError
from leads.models import LeadContact, LeadContext, LeadEvent
from leads.services.matching import contact_handles, contacts_lock, contacts_of, open_lead_matching
from leads.services.scores import rescore
from pricing.distance import serving_station_for_zip

CONTEXT_FIELDS = ["event_date", "party_adults", "party_kids", "budget_cents", "zip_code", "message"]
ZIP_CODE = re.compile(r"^\d{5}$")
NAME_MAX_LENGTH = 100
PARTY_MAX = 32767  # LeadContext's PositiveSmallIntegerField
BUDGET_MAX_CENTS = 2_147_483_647  # LeadContext's PositiveIntegerField

BOOKING_ACTOR = Actor.system(label="booking service")


@transaction.atomic
def lead_capture(
    *,
    source: str,
    event_type: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    event_date: datetime.date | None = None,
    party_adults: int | None = None,
    party_kids: int | None = None,
    budget_cents: int | None = None,
    zip_code: str = "",
    message: str = "",
    payload: dict | None = None,
    actor: Actor | None = None,
) -> Lead:
    """Create or update the open lead reached at this email or phone, record the event, rescore.

    Never creates a duplicate of an open lead: the match is by any of the contacts, under a
    per-contact lock, so two simultaneous requests from one person find the same lead.
    """
    if source not in Lead.Source.values:
        raise ServiceError(f"Unknown lead source {source!r}.", field="source")
    if event_type not in LeadEvent.Type.values:
        raise ServiceError(f"Unknown lead event {event_type!r}.", field="event_type")
    handles = contact_handles(email=email, phone=phone)
    if not handles:
        raise ServiceError("Give an email address or a phone number.", field="email")
    first_name, last_name = first_name.strip(), last_name.strip()
    zip_code = zip_code.strip()
    _check_capture_values(
        first_name=first_name,
        last_name=last_name,
        party_adults=party_adults,
        party_kids=party_kids,
        budget_cents=budget_cents,
        zip_code=zip_code,
    )

    contacts_lock(handles)
    now = timezone.now()
    lead = open_lead_matching(handles)
    created = lead is None
    # The serving station puts the lead in front of that station's staff.
    station = _serving_station(zip_code) if zip_code and (created or lead.station_id is None) else None
    if lead is None:
        lead = Lead.objects.create(source=source, first_name=first_name, last_name=last_name, station=station)
        context, known_contacts, before = None, set(), None
    else:
        context = LeadContext.objects.filter(lead=lead).first()
        known_contacts = set(contacts_of(lead))
        before = _lead_snapshot(lead, context, known_contacts)
        # What the person tells us now is the freshest; what they leave out is kept.
        lead.first_name = first_name or lead.first_name
        lead.last_name = last_name or lead.last_name
        if station is not None:
            lead.station = station
        lead.save(update_fields=["first_name", "last_name", "station", "updated_at"])

    LeadContact.objects.bulk_create(
        [
            LeadContact(lead=lead, channel=channel, handle_or_address=handle)
            for channel, handle in handles
            if (channel, handle) not in known_contacts
        ],
        ignore_conflicts=True,
    )
    context = _context_save(
        lead,
        context,
        event_date=event_date,
        party_adults=party_adults,
        party_kids=party_kids,
        budget_cents=budget_cents,
        zip_code=zip_code,
        message=message.strip(),
    )

    event_payload = _json_safe(payload or {})
    if message.strip():
        # The context keeps only the latest message; the event keeps each one.
        event_payload.setdefault("message", message.strip())
    events = []
    if created:
        events.append(
            LeadEvent(lead=lead, event_type=LeadEvent.Type.LEAD_CREATED, payload={"source": source})
        )
    if not (created and event_type == LeadEvent.Type.LEAD_CREATED):
        events.append(LeadEvent(lead=lead, event_type=event_type, payload=event_payload))
    for event in events:
        event.occurred_at = now
    LeadEvent.objects.bulk_create(events)
    rescore(lead, context, now=now)

    audit_log_write(
        actor=actor or Actor.system(label="lead capture"),
        action="lead.created" if created else "lead.updated",
        instance=lead,
        before=before,
        after=_lead_snapshot(lead, context, known_contacts | set(handles)),
        reason=f"{event_type} via {source}",
    )
    return lead


@transaction.atomic
def lead_record_booking_failed(
    *,
    email: str,
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    payload: dict | None = None,
) -> Lead:
    """Keep the person whose booking failed (e.g. a slot taken meanwhile) as a lead to follow up.

    Called after the booking's own transaction rolled back, so it is its own transaction.
    """
    return lead_capture(
        source=Lead.Source.BOOKING_FAILED,
        event_type=LeadEvent.Type.BOOKING_FAILED,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        payload=payload,
        actor=BOOKING_ACTOR,
    )


def _check_capture_values(
    *,
    first_name: str,
    last_name: str,
    party_adults: int | None,
    party_kids: int | None,
    budget_cents: int | None,
    zip_code: str,
) -> None:
    """Refuse, field by field, what the database would refuse with an unreadable error."""
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value) > NAME_MAX_LENGTH:
            raise ServiceError(f"At most {NAME_MAX_LENGTH} characters.", field=field)
    for field, value, maximum in (
        ("party_adults", party_adults, PARTY_MAX),
        ("party_kids", party_kids, PARTY_MAX),
        ("budget_cents", budget_cents, BUDGET_MAX_CENTS),
    ):
        if value is not None and not 0 <= value <= maximum:
            raise ServiceError(f"Must be between 0 and {maximum}.", field=field)
    if zip_code and not ZIP_CODE.match(zip_code):
        raise ServiceError("Enter a 5-digit ZIP code.", field="zip_code")


def _serving_station(zip_code: str) -> Station | None:
    """The station that would serve the ZIP code, so that the lead shows up for its staff.

    None when no station covers it: the lead is still worth keeping (staff see leads without
    a station), so being outside the area is not an error here.
    """
    try:
        return serving_station_for_zip(zip_code).station
    except ServiceError:
        return None


def _context_save(lead: Lead, context: LeadContext | None, **given: Any) -> LeadContext:
    """Fill the lead's context with what was given; what was not given stays as it was."""
    given = {field: value for field, value in given.items() if value not in (None, "")}
    if context is None:
        context, created = LeadContext.objects.get_or_create(lead=lead, defaults=given)
        if created:
            return context
    for field, value in given.items():
        setattr(context, field, value)
    if given:
        context.save(update_fields=[*given, "updated_at"])
    return context


def _lead_snapshot(lead: Lead, context: LeadContext | None, contacts: set[tuple[str, str]]) -> dict[str, Any]:
    """The lead as the audit trail records it: its row, its context, and its contacts."""
    return {
        **snapshot(lead),
        "context": snapshot(context, fields=CONTEXT_FIELDS) if context else None,
        "contacts": sorted(f"{channel}:{handle}" for channel, handle in contacts),
    }


def _json_safe(payload: dict) -> dict:
    """A copy of the payload that the JSON column accepts (dates, UUIDs and decimals as text)."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


SMS_ACTOR = Actor.customer(label="text from an unknown number")


@transaction.atomic
def lead_capture_from_sms(*, phone: str, body: str, provider_id: str = "") -> Lead | None:
    """A text from a number no customer has: an `sms` lead with that phone, its text as the message.

    The provider's message id makes a redelivery a no-op (None).
    """
    if (
        provider_id
        and LeadEvent.objects.filter(
            event_type=LeadEvent.Type.INQUIRY, payload__provider_id=provider_id
        ).exists()
    ):
        return None
    return lead_capture(
        source=Lead.Source.SMS,
        event_type=LeadEvent.Type.INQUIRY,
        phone=phone,
        message=(body or "")[:2000],
        payload={"channel": "sms", "provider_id": provider_id},
        actor=SMS_ACTOR,
    )
