"""Every write of notifications and messaging.

    claims.py       notifications claimed once (a unique row per kind, channel, booking, occurrence)
    delivery.py     a claimed notification delivered at most once; the pending sweep
    skips.py        why a claimed notification no longer goes out (paid, moved, no consent)
    recipients.py   who it goes to: a booking's texting phone, the notified chef, the customer
    sending.py      what it says and the provider call (email backend, SMS gateway)
    provided.py     bulk claims, and delivering what a layer above composes (campaigns)
    threads.py      customers' message threads
    inbox.py        threads waiting for staff (flagged, staff alerted once) and staff replies
    inbound_sms.py  texts from customers: STOP/START/HELP, anything else flagged for staff
    consent.py      consent withdrawn or given again (SMS, email marketing, day-of contacts), audited

What other code may use is re-exported here; the underscored helpers are the package's own.
To replace what a module calls (a test's fake gateway), patch it in that module
(`core.services.messaging.sending.sms_gateway`), not here.
"""

from core.services.messaging.claims import (
    booking_event_notifications_create,
    notification_claim,
    notifications_claim_for_booking,
)
from core.services.messaging.consent import (
    CONSENT_FIELDS,
    EMAIL_CONSENT_FIELDS,
    booking_contact_sms_consent_revoke,
    customer_email_consent_revoke,
    customer_marketing_consent_record,
    customer_sms_consent_grant,
    customer_sms_consent_revoke,
)
from core.services.messaging.delivery import (
    BATCH_SIZE,
    BULK_PENDING_GRACE,
    MAX_ATTEMPTS,
    PENDING_EXPIRY,
    PENDING_GRACE,
    DeliveryDeferred,
    notification_deliver,
    notifications_deliver_pending,
)
from core.services.messaging.inbound_sms import (
    HELP_KEYWORDS,
    INBOUND_BODY_MAX_LENGTH,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    InboundOutcome,
    sms_inbound_receive,
)
from core.services.messaging.inbox import REPLY_MAX_LENGTH, thread_flag_for_staff, thread_reply
from core.services.messaging.provided import BulkClaim, notifications_claim_bulk
from core.services.messaging.recipients import booking_sms_phone
from core.services.messaging.skips import DEPOSIT_REMINDER_KINDS, EVENT_REMINDER_KINDS
from core.services.messaging.threads import thread_for_customer

__all__ = [
    "BATCH_SIZE",
    "BULK_PENDING_GRACE",
    "CONSENT_FIELDS",
    "DEPOSIT_REMINDER_KINDS",
    "EMAIL_CONSENT_FIELDS",
    "EVENT_REMINDER_KINDS",
    "HELP_KEYWORDS",
    "INBOUND_BODY_MAX_LENGTH",
    "MAX_ATTEMPTS",
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "PENDING_EXPIRY",
    "PENDING_GRACE",
    "REPLY_MAX_LENGTH",
    "BulkClaim",
    "DeliveryDeferred",
    "InboundOutcome",
    "booking_contact_sms_consent_revoke",
    "booking_event_notifications_create",
    "booking_sms_phone",
    "customer_email_consent_revoke",
    "customer_marketing_consent_record",
    "customer_sms_consent_grant",
    "customer_sms_consent_revoke",
    "notification_claim",
    "notification_deliver",
    "notifications_claim_bulk",
    "notifications_claim_for_booking",
    "notifications_deliver_pending",
    "sms_inbound_receive",
    "thread_flag_for_staff",
    "thread_for_customer",
    "thread_reply",
]
