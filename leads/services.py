"""The lead funnel's writes: capture, conversion on booking, staff status changes, scoring.

Every function is keyword-only, runs in one transaction and writes its audit row in it.
core's booking service calls into this module, so leads never imports core.services or
core.api (that would be a cycle); it reads core.models only.
"""

import datetime
import hashlib
import json
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from crm.models import Lead
from identity.contact import normalize_email, normalize_phone
from identity.models import Station
from leads.models import LeadContact, LeadContext, LeadEvent
from leads.scoring import RECENT_EVENT_DAYS, lead_quality, lead_score
from myhibachi.errors import ConflictError, ServiceError
from pricing.distance import serving_station_for_zip

# A converted or lost lead is closed: new interest from the same person starts a new lead.
CLOSED_STATUSES = (Lead.Status.CONVERTED, Lead.Status.LOST)

# The staff transitions between lead statuses. It lives here rather than beside
# Lead.Status because crm/models.py holds only the schema; this module is the one writer.
# Converted is final; a lost lead can be reopened.
LEAD_STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Lead.Status.NEW: frozenset(
        {
            Lead.Status.CONTACTED,
            Lead.Status.QUALIFIED,
            Lead.Status.NURTURING,
            Lead.Status.CONVERTED,
            Lead.Status.LOST,
        }
    ),
    Lead.Status.CONTACTED: frozenset(
        {Lead.Status.QUALIFIED, Lead.Status.NURTURING, Lead.Status.CONVERTED, Lead.Status.LOST}
    ),
    Lead.Status.QUALIFIED: frozenset(
        {Lead.Status.CONTACTED, Lead.Status.NURTURING, Lead.Status.CONVERTED, Lead.Status.LOST}
    ),
    Lead.Status.NURTURING: frozenset(
        {Lead.Status.CONTACTED, Lead.Status.QUALIFIED, Lead.Status.CONVERTED, Lead.Status.LOST}
    ),
    Lead.Status.LOST: frozenset({Lead.Status.CONTACTED, Lead.Status.NURTURING}),
    Lead.Status.CONVERTED: frozenset(),
}

CONTEXT_FIELDS = ["event_date", "party_adults", "party_kids", "budget_cents", "zip_code", "message"]
ZIP_CODE = re.compile(r"^\d{5}$")
NAME_MAX_LENGTH = 100
PARTY_MAX = 32767  # LeadContext's PositiveSmallIntegerField
BUDGET_MAX_CENTS = 2_147_483_647  # LeadContext's PositiveIntegerField

_BOOKING_ACTOR = Actor.system(label="booking service")


# --- Capture ---------------------------------------------------------------------------


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
    handles = _contact_handles(email=email, phone=phone)
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

    _lock_contacts(handles)
    now = timezone.now()
    lead = _open_lead_matching(handles)
    created = lead is None
    if lead is None:
        lead = Lead.objects.create(source=source, first_name=first_name, last_name=last_name)
        before = None
    else:
        before = _lead_snapshot(lead)
        # What the person tells us now is the freshest; what they leave out is kept.
        lead.first_name = first_name or lead.first_name
        lead.last_name = last_name or lead.last_name
        lead.save(update_fields=["first_name", "last_name", "updated_at"])

    if zip_code and lead.station_id is None:
        lead.station = _serving_station(zip_code)
        if lead.station is not None:
            lead.save(update_fields=["station", "updated_at"])
    for channel, handle in handles:
        LeadContact.objects.get_or_create(lead=lead, channel=channel, handle_or_address=handle)
    _context_update(
        lead,
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
    if created:
        _event_record(lead, LeadEvent.Type.LEAD_CREATED, {"source": source}, now)
    if not (created and event_type == LeadEvent.Type.LEAD_CREATED):
        _event_record(lead, event_type, event_payload, now)
    _rescore(lead, now=now)

    audit_log_write(
        actor=actor or Actor.system(label="lead capture"),
        action="lead.created" if created else "lead.updated",
        instance=lead,
        before=before,
        after=_lead_snapshot(lead),
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
        actor=_BOOKING_ACTOR,
    )


# --- Conversion and status -------------------------------------------------------------


@transaction.atomic
def lead_convert_on_booking(*, customer, booking) -> Lead | None:
    """Mark the open leads of the booking customer's email or phone converted; None when none.

    Runs inside booking_create's transaction and never fails it for want of a lead.
    """
    handles = _contact_handles(email=customer.email or "", phone=customer.phone or "", strict=False)
    match = Q(customer=customer)
    if handles:
        _lock_contacts(handles)
        match |= _contacts_match(handles)
    lead_ids = Lead.objects.filter(match).exclude(status__in=CLOSED_STATUSES).values("pk")
    leads = list(Lead.objects.select_for_update().filter(pk__in=lead_ids).order_by("-created_at"))
    now = timezone.now()
    for lead in leads:
        before = _lead_snapshot(lead)
        previous_status = lead.status
        lead.status = Lead.Status.CONVERTED
        lead.customer = customer
        lead.conversion_date = now
        lead.save(update_fields=["status", "customer", "conversion_date", "updated_at"])
        _event_record(
            lead,
            LeadEvent.Type.COMPLETED_BOOKING,
            {"booking_reference": booking.reference, "booking_id": str(booking.pk)},
            now,
        )
        _event_record(
            lead,
            LeadEvent.Type.STATUS_CHANGED,
            {"from": previous_status, "to": Lead.Status.CONVERTED, "reason": "booked"},
            now,
        )
        _rescore(lead, now=now)
        audit_log_write(
            actor=_BOOKING_ACTOR,
            action="lead.converted",
            instance=lead,
            before=before,
            after=_lead_snapshot(lead),
            reason=f"booking {booking.reference}",
        )
    return leads[0] if leads else None


@transaction.atomic
def lead_change_status(*, lead: Lead, status: str, actor: Actor, reason: str = "") -> Lead:
    """Move a lead to a status allowed from its current one; a no-op when it is already there."""
    if status not in Lead.Status.values:
        raise ServiceError(f"Unknown lead status {status!r}.", field="status")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == status:
        return lead
    if status not in LEAD_STATUS_TRANSITIONS[lead.status]:
        raise ConflictError(
            f"A {lead.get_status_display().lower()} lead cannot become {Lead.Status(status).label.lower()}.",
            field="status",
            code="invalid_transition",
        )
    before = _lead_snapshot(lead)
    now = timezone.now()
    previous_status = lead.status
    lead.status = status
    if status == Lead.Status.CONTACTED:
        lead.contacted_at = now
    if status == Lead.Status.CONVERTED:
        lead.conversion_date = now
    lead.save(update_fields=["status", "contacted_at", "conversion_date", "updated_at"])
    _event_record(
        lead,
        LeadEvent.Type.STATUS_CHANGED,
        {"from": previous_status, "to": status, "reason": reason, "by": actor.label},
        now,
    )
    _rescore(lead, now=now)
    audit_log_write(
        actor=actor,
        action="lead.status_changed",
        instance=lead,
        before=before,
        after=_lead_snapshot(lead),
        reason=reason,
    )
    return lead


@transaction.atomic
def lead_score_refresh(*, lead: Lead) -> Lead:
    """Recompute the lead's score and quality (scores age: recent events and the event date)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    before = snapshot(lead, fields=["score", "quality"])
    if _rescore(lead, now=timezone.now()):
        audit_log_write(
            actor=Actor.system(label="lead scoring"),
            action="lead.score_updated",
            instance=lead,
            before=before,
            after=snapshot(lead, fields=["score", "quality"]),
        )
    return lead


# --- Internals -------------------------------------------------------------------------


def _contact_handles(*, email: str, phone: str, strict: bool = True) -> list[tuple[str, str]]:
    """[(channel, normalised handle)] for the email and phone given.

    strict: an invalid value is the caller's error (a ServiceError naming the field); else it
    is ignored, for callers that must not fail on data that was accepted elsewhere.
    """
    handles: list[tuple[str, str]] = []
    if email.strip():
        address = normalize_email(email)
        try:
            validate_email(address)
        except DjangoValidationError as exc:
            if strict:
                raise ServiceError("Enter a valid email address.", field="email") from exc
        else:
            handles.append((LeadContact.Channel.EMAIL, address))
    if phone.strip():
        try:
            handles.append((LeadContact.Channel.PHONE, normalize_phone(phone)))
        except ServiceError:
            if strict:
                raise
    return handles


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


def _lock_contacts(handles: list[tuple[str, str]]) -> None:
    """Serialise the transactions that look up or create leads for the same contacts.

    A row lock cannot guard a lead that does not exist yet, so two simultaneous captures
    would each create one; a transaction-scoped advisory lock per contact prevents it. Taken
    in a fixed order so that two callers with overlapping contacts cannot deadlock.
    """
    keys = sorted(
        int.from_bytes(
            hashlib.blake2b(f"lead-contact:{channel}:{handle}".encode(), digest_size=8).digest(),
            "big",
            signed=True,
        )
        for channel, handle in handles
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _contacts_match(handles: list[tuple[str, str]]) -> Q:
    match = Q()
    for channel, handle in handles:
        match |= Q(contacts__channel=channel, contacts__handle_or_address=handle)
    return match


def _open_lead_matching(handles: list[tuple[str, str]]) -> Lead | None:
    """The most recent open lead reached at any of the contacts, locked; None when there is none."""
    lead_ids = Lead.objects.filter(_contacts_match(handles)).exclude(status__in=CLOSED_STATUSES).values("pk")
    return Lead.objects.select_for_update().filter(pk__in=lead_ids).order_by("-created_at").first()


def _context_update(lead: Lead, **given: Any) -> LeadContext:
    """Fill the lead's context with what was given; what was not given stays as it was."""
    context, _ = LeadContext.objects.get_or_create(lead=lead)
    changed = [field for field, value in given.items() if value not in (None, "")]
    for field in changed:
        setattr(context, field, given[field])
    if changed:
        context.save(update_fields=[*changed, "updated_at"])
    return context


def _event_record(lead: Lead, event_type: str, payload: dict, occurred_at: datetime.datetime) -> LeadEvent:
    return LeadEvent.objects.create(
        lead=lead, event_type=event_type, payload=payload, occurred_at=occurred_at
    )


def _rescore(lead: Lead, *, now: datetime.datetime) -> bool:
    """Store the lead's score and quality as of now; a score_updated event when the score moved.

    score_updated events do not count as recent activity: they are the score's own
    bookkeeping, and counting them would raise the score at every recomputation.
    """
    context = LeadContext.objects.filter(lead=lead).first()
    score = lead_score(
        source=lead.source,
        party_adults=context.party_adults if context else None,
        budget_cents=context.budget_cents if context else None,
        event_date=context.event_date if context else None,
        verified_contacts=lead.contacts.filter(verified=True).count(),
        recent_events=lead.events.filter(occurred_at__gt=now - datetime.timedelta(days=RECENT_EVENT_DAYS))
        .exclude(event_type=LeadEvent.Type.SCORE_UPDATED)
        .count(),
        today=timezone.localdate(now),
    )
    quality = lead_quality(score)
    if score == lead.score and quality == lead.quality:
        return False
    previous_score = lead.score
    lead.score, lead.quality = score, quality
    lead.save(update_fields=["score", "quality", "updated_at"])
    if score != previous_score:
        _event_record(
            lead, LeadEvent.Type.SCORE_UPDATED, {"from": previous_score, "to": score, "quality": quality}, now
        )
    return True


def _lead_snapshot(lead: Lead) -> dict[str, Any]:
    context = LeadContext.objects.filter(lead=lead).first()
    return {
        **snapshot(lead),
        "context": snapshot(context, fields=CONTEXT_FIELDS) if context else None,
        "contacts": sorted(f"{channel}:{handle}" for channel, handle in _contacts_of(lead)),
    }


def _contacts_of(lead: Lead) -> list[tuple[str, str]]:
    return list(LeadContact.objects.filter(lead=lead).values_list("channel", "handle_or_address"))


def _json_safe(payload: dict) -> dict:
    """A copy of the payload that the JSON column accepts (dates, UUIDs and decimals as text)."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
