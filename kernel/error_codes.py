"""Every error code the API answers with, by domain: the `code` of {"error": {"code", ...}}.

Clients (the customer site, the assistant) branch on these strings, so they are a contract:
never rename one; add new ones here, in their domain, and raise them by name
(`ConflictError(..., code=BookingErrors.SLOT_UNAVAILABLE)`). Plain strings, so the kernel
imports no app to hold them.
"""

from __future__ import annotations


class CommonErrors:
    INVALID = "invalid"  # a field at fault; `fields` names it
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    MALFORMED_REQUEST = "malformed_request"
    REQUEST_TOO_LARGE = "request_too_large"
    THROTTLED = "throttled"
    BUSY = "busy"  # a contended resource; try again
    SERVICE_UNAVAILABLE = "service_unavailable"  # the database is down; 503 with Retry-After
    # An action the row's current state does not allow (409): a booking's, a campaign's.
    INVALID_TRANSITION = "invalid_transition"


class BookingErrors:
    SLOT_UNAVAILABLE = "slot_unavailable"
    DUPLICATE_BOOKING = "duplicate_booking"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_TRANSITION = CommonErrors.INVALID_TRANSITION
    OUTSIDE_BOOKING_WINDOW = "outside_booking_window"
    # A time that is not one of the station's slots (its booking policy) (400, slot).
    SLOT_NOT_OFFERED = "slot_not_offered"
    RESCHEDULE_WINDOW_CLOSED = "reschedule_window_closed"
    EVENT_STARTED = "event_started"
    EVENT_NOT_STARTED = "event_not_started"
    CHEF_UNAVAILABLE = "chef_unavailable"
    # Party, menu or address changed by the customer inside the change cutoff (409).
    CHANGE_WINDOW_CLOSED = "change_window_closed"
    # A new event address served by another station than the booking's (400, address.zip_code).
    STATION_CHANGE = "station_change"
    # Time off on a date or slot the chef holds an active booking (409).
    CHEF_BOOKED = "chef_booked"
    # The manage token the booking form answers with may not change the customer's stored
    # contact: only a link from an email to the customer may (403).
    EMAILED_LINK_REQUIRED = "emailed_link_required"


class PaymentErrors:
    DEPOSIT_NOT_DUE = "deposit_not_due"
    BALANCE_NOT_DUE = "balance_not_due"
    NOTHING_DUE = "nothing_due"
    BOOKING_CANCELLED = "booking_cancelled"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    OVERPAYMENT = "overpayment"
    PAYMENT_PROVIDER_UNAVAILABLE = "payment_provider_unavailable"
    WEBHOOK_NOT_CONFIGURED = "webhook_not_configured"
    WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid"
    # A verified Stripe event whose processing failed (500: Stripe retries it).
    WEBHOOK_PROCESSING_FAILED = "webhook_processing_failed"
    MALFORMED_EVENT = "malformed_event"
    # A PaymentIntent voided (its booking was cancelled, or a new balance superseded it).
    PAYMENT_INTENT_CANCELED = "payment_intent_canceled"


class ReviewErrors:
    REVIEW_EXISTS = "review_exists"
    REVIEW_NOT_ALLOWED = "review_not_allowed"


class PricingErrors:
    PRICING_UNAVAILABLE = "pricing_unavailable"
    INVALID_ZIP = "invalid_zip"
    UNKNOWN_ZIP = "unknown_zip"
    OUTSIDE_SERVICE_AREA = "outside_service_area"
    UNKNOWN_ITEM = "unknown_item"
    TOO_MANY_UPGRADES = "too_many_upgrades"


class LeadErrors:
    NAME_REQUIRED = "name_required"
    EMAIL_REQUIRED = "email_required"


class MessagingErrors:
    # An inbound SMS webhook not signed by the SMS provider (403).
    SMS_SIGNATURE_INVALID = "signature_invalid"


class AssistantErrors:
    # A staff or customer message, or a take over, on a conversation that was closed (409).
    CONVERSATION_CLOSED = "conversation_closed"


class StaffErrors:
    STATION_NOT_HELD = "station_not_held"
