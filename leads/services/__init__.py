"""The lead funnel's writes: capture, conversion on booking, staff status changes, scoring.

Every service is keyword-only, runs in one transaction and writes its audit row in it.
core's booking service calls into this package, so leads never imports core's booking
services or core.api (that would be a cycle); it reads core.models, and creates customers
through core.services.customers, which imports nothing of leads.
"""

from leads.services.capture import lead_capture, lead_capture_from_sms, lead_record_booking_failed
from leads.services.funnel import (
    PUBLIC_FUNNEL_EVENTS,
    ContactChannel,
    inquiry_consent_apply,
    lead_funnel_event_record,
    lead_log_contact,
)
from leads.services.matching import CLOSED_STATUSES
from leads.services.scores import lead_score_refresh, leads_rescore
from leads.services.status import (
    LEAD_STATUS_TRANSITIONS,
    lead_change_status,
    lead_convert,
    lead_convert_on_booking,
)

__all__ = [
    "CLOSED_STATUSES",
    "LEAD_STATUS_TRANSITIONS",
    "PUBLIC_FUNNEL_EVENTS",
    "ContactChannel",
    "inquiry_consent_apply",
    "lead_capture",
    "lead_capture_from_sms",
    "lead_change_status",
    "lead_convert",
    "lead_convert_on_booking",
    "lead_funnel_event_record",
    "lead_log_contact",
    "lead_record_booking_failed",
    "lead_score_refresh",
    "leads_rescore",
]
