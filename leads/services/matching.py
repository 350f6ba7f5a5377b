"""Finding a lead by how the person is reached, under a lock so that no duplicate is made."""

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Q

from crm.models import Lead
from kernel.contact import normalize_email, normalize_phone
from kernel.errors import ServiceError
from leads.models import LeadContact

# A converted or lost lead is closed: new interest from the same person starts a new lead.
CLOSED_STATUSES = (Lead.Status.CONVERTED, Lead.Status.LOST)


def contact_handles(*, email: str, phone: str, strict: bool = True) -> list[tuple[str, str]]:
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


def contacts_lock(handles: list[tuple[str, str]]) -> None:
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


def contacts_match(handles: list[tuple[str, str]]) -> Q:
    match = Q()
    for channel, handle in handles:
        match |= Q(contacts__channel=channel, contacts__handle_or_address=handle)
    return match


def open_lead_matching(handles: list[tuple[str, str]]) -> Lead | None:
    """The most recent open lead reached at any of the contacts, locked; None when there is none."""
    lead_ids = Lead.objects.filter(contacts_match(handles)).exclude(status__in=CLOSED_STATUSES).values("pk")
    return Lead.objects.select_for_update().filter(pk__in=lead_ids).order_by("-created_at").first()


def contacts_of(lead: Lead) -> set[tuple[str, str]]:
    return set(LeadContact.objects.filter(lead=lead).values_list("channel", "handle_or_address"))
