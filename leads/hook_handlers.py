"""leads' handlers of core's typed hooks (core.hooks), registered in LeadsConfig.ready()."""

import datetime

from audit.actor import Actor
from core.hooks import CapturedContact
from leads.models import LeadEvent
from leads.services import lead_capture
from leads.services.matching import contact_handles, open_lead_matching


def contact_captured(
    *,
    source: str,
    first_name: str,
    email: str,
    phone: str,
    event_date: datetime.date | None,
    party_adults: int | None,
    party_kids: int | None,
    zip_code: str,
    message: str,
    payload: dict,
    actor: Actor,
) -> CapturedContact:
    """Contact details from a conversation become (or update) the open lead at that email or phone."""
    handles = contact_handles(email=email, phone=phone, strict=False)
    existed = bool(handles) and open_lead_matching(handles) is not None
    lead = lead_capture(
        source=source,
        event_type=LeadEvent.Type.INQUIRY,
        first_name=first_name,
        email=email,
        phone=phone,
        event_date=event_date,
        party_adults=party_adults,
        party_kids=party_kids,
        zip_code=zip_code,
        message=message,
        payload=payload,
        actor=actor,
    )
    return CapturedContact(lead_id=lead.pk, created=not existed, customer_id=lead.customer_id)
