"""Finding a lead by how the person is reached, under a lock so that no duplicate is made."""

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import QuerySet

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
    if not keys:
        return
    with connection.cursor() as cursor:
        # One round trip: unnest yields the keys in the array's (sorted) order, and the locks
        # are taken row by row in that order.
        cursor.execute("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [keys])


def lead_ids_matching(handles: list[tuple[str, str]], *, customer_id=None) -> QuerySet:
    """The ids of the leads reached at any of the contacts (or of the customer), as a subquery.

    A UNION of indexed lookups (lead contacts by (channel, handle), leads by customer), not an
    OR across a LEFT JOIN of leads and their contacts, which reads both tables whole.
    """
    parts = [
        LeadContact.objects.filter(channel=channel, handle_or_address=handle).order_by().values("lead_id")
        for channel, handle in handles
    ]
    if customer_id is not None:
        parts.append(Lead.objects.filter(customer_id=customer_id).order_by().values("pk"))
    if not parts:
        return Lead.objects.none().values("pk")
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def open_lead_matching(handles: list[tuple[str, str]]) -> Lead | None:
    """The most recent open lead reached at any of the contacts, locked; None when there is none."""
    if not handles:
        return None
    return (
        Lead.objects.select_for_update()
        .filter(pk__in=lead_ids_matching(handles))
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-created_at")
        .first()
    )


def contacts_of(lead: Lead) -> set[tuple[str, str]]:
    return set(LeadContact.objects.filter(lead=lead).values_list("channel", "handle_or_address"))
