"""A lead's status: staff moving it along the funnel, and conversion when its contact books."""

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking, Customer
from core.selectors import customer_by_email
from core.services.customers import customer_get_or_create
from crm.models import Lead
from kernel.error_codes import BookingErrors, LeadErrors
from kernel.errors import ConflictError, ServiceError
from leads.models import LeadContact, LeadContext, LeadEvent
from leads.services.capture import BOOKING_ACTOR
from leads.services.funnel import inquiry_consent_apply
from leads.services.matching import CLOSED_STATUSES, contact_handles, contacts_lock, lead_ids_matching
from leads.services.scores import rescore

# The staff transitions between lead statuses. It lives here rather than beside Lead.Status
# because crm/models.py holds only the schema and this module is the only one that changes
# a lead's status. Converted is final; a lost lead can be reopened.
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


@transaction.atomic(savepoint=False)
def lead_convert_on_booking(*, customer: Customer, booking: Booking) -> Lead | None:
    """Mark the open leads of the booking customer's email or phone converted; None when none.

    Runs after the booking committed, in the transaction of core's follow-up task (the
    booking_created hook), without a savepoint: an error rolls the task back and it retries.
    Idempotent: a converted lead is closed, and a lead kept after the booking was made is not
    this booking's (a retry or the sweep running later leaves it open).
    """
    handles = contact_handles(email=customer.email or "", phone=customer.phone or "", strict=False)
    if handles:
        contacts_lock(handles)
    leads = list(
        Lead.objects.select_for_update()
        .filter(pk__in=lead_ids_matching(handles, customer_id=customer.pk))
        .exclude(status__in=CLOSED_STATUSES)
        .filter(created_at__lte=booking.created_at)
        .order_by("-created_at")
    )
    if not leads:
        return None
    now = timezone.now()
    contexts = {context.lead_id: context for context in LeadContext.objects.filter(lead__in=leads)}
    for lead in leads:
        before = snapshot(lead)
        previous_status = lead.status
        lead.status = Lead.Status.CONVERTED
        lead.customer = customer
        lead.conversion_date = now
        lead.save(update_fields=["status", "customer", "conversion_date", "updated_at"])
        LeadEvent.objects.bulk_create(
            [
                LeadEvent(
                    lead=lead,
                    event_type=LeadEvent.Type.COMPLETED_BOOKING,
                    payload={"booking_reference": booking.reference, "booking_id": str(booking.pk)},
                    occurred_at=now,
                ),
                LeadEvent(
                    lead=lead,
                    event_type=LeadEvent.Type.STATUS_CHANGED,
                    payload={"from": previous_status, "to": Lead.Status.CONVERTED, "reason": "booked"},
                    occurred_at=now,
                ),
            ]
        )
        rescore(lead, contexts.get(lead.pk), now=now)
        inquiry_consent_apply(lead=lead, customer=customer, actor=BOOKING_ACTOR)
        audit_log_write(
            actor=BOOKING_ACTOR,
            action="lead.converted",
            instance=lead,
            before=before,
            after=snapshot(lead),
            reason=f"booking {booking.reference}",
        )
    return leads[0]


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
            code=BookingErrors.INVALID_TRANSITION,
        )
    before = snapshot(lead)
    now = timezone.now()
    previous_status = lead.status
    lead.status = status
    if status == Lead.Status.CONTACTED:
        lead.contacted_at = now
    if status == Lead.Status.CONVERTED:
        lead.conversion_date = now
    lead.save(update_fields=["status", "contacted_at", "conversion_date", "updated_at"])
    LeadEvent.objects.create(
        lead=lead,
        event_type=LeadEvent.Type.STATUS_CHANGED,
        payload={"from": previous_status, "to": status, "reason": reason, "by": actor.label},
        occurred_at=now,
    )
    rescore(lead, LeadContext.objects.filter(lead=lead).first(), now=now)
    audit_log_write(
        actor=actor,
        action="lead.status_changed",
        instance=lead,
        before=before,
        after=snapshot(lead),
        reason=reason,
    )
    return lead


@transaction.atomic
def lead_convert(*, lead: Lead, actor: Actor) -> Lead:
    """Staff make a lead a customer: the customer of the lead's email (found, or created), linked.

    The lead becomes converted with its conversion date. A no-op for a converted lead that
    has its customer. ServiceError when the lead has neither a customer nor an email address
    (or, for a new customer, no first and last name); ConflictError from a status that
    cannot convert (a lost lead is reopened first).
    """
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == Lead.Status.CONVERTED and lead.customer_id:
        return lead
    if (
        lead.status != Lead.Status.CONVERTED
        and Lead.Status.CONVERTED not in LEAD_STATUS_TRANSITIONS[lead.status]
    ):
        raise ConflictError(
            f"A {lead.get_status_display().lower()} lead cannot be converted; reopen it first.",
            field="status",
            code=BookingErrors.INVALID_TRANSITION,
        )
    customer = Customer.objects.select_for_update().filter(pk=lead.customer_id).first()
    if customer is None:
        customer = _customer_of_lead(lead, actor=actor)

    before = snapshot(lead)
    previous_status = lead.status
    now = timezone.now()
    lead.status = Lead.Status.CONVERTED
    lead.customer = customer
    lead.conversion_date = now
    lead.save(update_fields=["status", "customer", "conversion_date", "updated_at"])
    LeadEvent.objects.create(
        lead=lead,
        event_type=LeadEvent.Type.STATUS_CHANGED,
        payload={
            "from": previous_status,
            "to": Lead.Status.CONVERTED,
            "reason": "converted by staff",
            "by": actor.label,
            "customer_id": str(customer.pk),
        },
        occurred_at=now,
    )
    rescore(lead, LeadContext.objects.filter(lead=lead).first(), now=now)
    inquiry_consent_apply(lead=lead, customer=customer, actor=actor)
    audit_log_write(
        actor=actor,
        action="lead.convert",
        instance=lead,
        station_id=lead.station_id,
        before=before,
        after=snapshot(lead),
    )
    return lead


def _customer_of_lead(lead: Lead, *, actor: Actor) -> Customer:
    """The customer with the lead's email (case-insensitive), or a new one from the lead."""
    handles: dict[str, str] = {}
    contacts = LeadContact.objects.filter(
        lead=lead, channel__in=(LeadContact.Channel.EMAIL, LeadContact.Channel.PHONE)
    ).order_by("-verified", "created_at")  # a verified contact first, then the first given
    for channel, handle in contacts.values_list("channel", "handle_or_address"):
        handles.setdefault(channel, handle)
    email = handles.get(LeadContact.Channel.EMAIL, "")
    if not email:
        raise ServiceError(
            "This lead has no email address: add one to its contacts before converting.",
            field="email",
            code=LeadErrors.EMAIL_REQUIRED,
        )
    existing = customer_by_email(email, queryset=Customer.objects.select_for_update())
    if existing is not None:
        return existing
    if not (lead.first_name.strip() and lead.last_name.strip()):
        raise ServiceError(
            "A new customer needs a first and last name: add them to the lead before converting.",
            field="last_name" if lead.first_name.strip() else "first_name",
            code=LeadErrors.NAME_REQUIRED,
        )
    customer, _created = customer_get_or_create(
        email=email,
        first_name=lead.first_name,
        last_name=lead.last_name,
        phone=handles.get(LeadContact.Channel.PHONE, ""),
        actor=actor,
    )
    return customer
