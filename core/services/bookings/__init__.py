"""The booking engine: creating a booking and every step of its lifecycle (docs/business-rules.md).

    adjustment.py   booking_adjust_price: a discount or surcharge line (finance)
    create.py       booking_create: checked, priced, a chef claimed, inserted once per Idempotency-Key
    changes.py      party, menu and address changes: revalidated, repriced, paid money kept
    lifecycle.py    the transitions: confirm, cancel, cancellation approve/reject, reschedule, ...
    chef_claim.py   claiming a free chef for a slot under concurrency (create and reschedule)
    validation.py   the input checks: slot, date, address, contact details, a refund
    proteins.py     booking_set_proteins: the guests' protein choices for the chef
    audit_trail.py  what a booking's audit rows snapshot, and writing them
    errors.py       the error codes the API and the admin rely on
    seeding.py      seeding only: the row booking_create would build from a BookingRequest, for a
                    demo booking with a past (not re-exported: never on a request path)

What other code may use is re-exported here; the underscored helpers are the package's own.
"""

from core.services.bookings.adjustment import booking_adjust_price
from core.services.bookings.changes import CHANGE_WINDOW_CLOSED, booking_change_address, booking_change_party
from core.services.bookings.create import BookingRequest, StaffBookingOptions, booking_create
from core.services.bookings.errors import (
    DUPLICATE_BOOKING,
    IDEMPOTENCY_KEY_REUSED,
    INVALID_TRANSITION,
    SLOT_UNAVAILABLE,
)
from core.services.bookings.lifecycle import (
    booking_assign_chef,
    booking_cancel,
    booking_cancellation_approve,
    booking_cancellation_reject,
    booking_complete,
    booking_confirm,
    booking_mark_no_show,
    booking_reschedule,
    booking_unassign_chef,
)
from core.services.bookings.proteins import booking_set_proteins

__all__ = [
    "CHANGE_WINDOW_CLOSED",
    "DUPLICATE_BOOKING",
    "IDEMPOTENCY_KEY_REUSED",
    "INVALID_TRANSITION",
    "SLOT_UNAVAILABLE",
    "BookingRequest",
    "StaffBookingOptions",
    "booking_adjust_price",
    "booking_assign_chef",
    "booking_cancel",
    "booking_cancellation_approve",
    "booking_cancellation_reject",
    "booking_change_address",
    "booking_change_party",
    "booking_complete",
    "booking_confirm",
    "booking_create",
    "booking_mark_no_show",
    "booking_reschedule",
    "booking_set_proteins",
    "booking_unassign_chef",
]
