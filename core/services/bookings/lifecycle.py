"""Every step of a booking's lifecycle after its creation (docs/business-rules.md).

Each transition is one service that locks the booking row, checks the current status against
core.models.BOOKING_TRANSITIONS, returns early when the transition already happened, and
writes the audit row in the same transaction.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.actor import Actor
from core.availability import booking_window_error, free_chefs_queryset
from core.hooks import BookingCancelled, BookingRefundDue, booking_cancelled, booking_refund_due
from core.models import (
    BOOKING_TRANSITIONS,
    PREVIOUS_STATUS,
    Booking,
    BookingAction,
    Customer,
    booking_action_allowed,
)
from core.notifications.dispatch import (
    notify_booking_cancelled,
    notify_booking_confirmed,
    notify_booking_rescheduled,
    notify_cancellation_requested,
    notify_chef_changed,
    notify_chef_unassigned,
)
from core.selectors import (
    booking_paid_cents,
    booking_starts_at,
    booking_timely_cancel_refund_cents,
)
from core.services.bookings.audit_trail import _audit, _snapshot
from core.services.bookings.chef_claim import _claim_free_chef
from core.services.bookings.errors import DUPLICATE_BOOKING, INVALID_TRANSITION, _slot_unavailable
from core.services.bookings.validation import _checked_date, _checked_refund, _checked_slot
from kernel.error_codes import BookingErrors
from kernel.errors import ConflictError, ServiceError
from ops.models import Chef
from ops.policy import booking_rules, duration_words
from ops.slots import slot_label

_ACTION_WORDS = {
    BookingAction.CONFIRM: "confirmed",
    BookingAction.REQUEST_CANCELLATION: "put up for cancellation",
    BookingAction.CANCEL: "cancelled",
    BookingAction.APPROVE_CANCELLATION: "cancelled (no cancellation was requested)",
    BookingAction.REJECT_CANCELLATION: "kept (no cancellation was requested)",
    BookingAction.RESCHEDULE: "rescheduled",
    BookingAction.ASSIGN_CHEF: "given another chef",
    BookingAction.COMPLETE: "completed",
    BookingAction.MARK_NO_SHOW: "marked a no-show",
    BookingAction.CHANGE_PARTY: "changed",
}


@transaction.atomic
def booking_confirm(*, booking: Booking, actor: Actor) -> Booking:
    """deposit_pending → confirmed (the deposit is paid); a no-op when already confirmed.

    A deposit paid while a cancellation request is pending makes "confirmed" the status a
    rejection returns to.
    """
    booking = _locked(booking)
    if booking.status == Booking.Status.CONFIRMED:
        return booking
    before = _snapshot(booking)
    if booking.status == Booking.Status.CANCELLATION_REQUESTED:
        if booking.previous_status == Booking.Status.CONFIRMED:
            return booking  # confirmed underneath already
        booking.previous_status = Booking.Status.CONFIRMED
        booking.save(update_fields=["previous_status", "updated_at"])
        _audit(actor, "booking.confirm", booking, before, reason="deposit paid during a cancellation request")
        return booking
    _refuse_unless_allowed(booking, BookingAction.CONFIRM)
    _move(booking, BookingAction.CONFIRM)
    booking.save(update_fields=["status", "updated_at"])
    _audit(actor, "booking.confirm", booking, before)
    notify_booking_confirmed(booking)
    return booking


@transaction.atomic
def booking_cancel(
    *,
    booking: Booking,
    actor: Actor,
    reason: str = "",
    by_customer: bool,
    refund_cents: int | None = None,
) -> Booking:
    """Cancel a booking. By the customer: before the refund notice (ops/policy.py) cancelled with
    the deposit refunded, inside it a cancellation request. By staff: cancelled at any time, with
    a reason (and the refund they choose, at most what was paid). A no-op when already cancelled
    (or already requested).
    """
    booking = _locked(booking)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    reason = (reason or "").strip()
    now = timezone.now()
    before = _snapshot(booking)

    if by_customer:
        if booking.status == Booking.Status.CANCELLATION_REQUESTED:
            return booking
        if refund_cents is not None:
            raise ServiceError("A customer's refund follows the cancellation rules.", field="refund_cents")
        _refuse_unless_allowed(booking, BookingAction.CANCEL)
        until_start = booking_starts_at(booking) - now
        if until_start <= datetime.timedelta(0):
            raise ConflictError(
                "This event has already started; please contact us.", code=BookingErrors.EVENT_STARTED
            )
        # Nothing paid, nothing owed back: an unpaid booking cancels outright at any time, and
        # never holds its chef and slot as a request.
        if (
            until_start >= booking_rules(booking.station).refund_notice
            or booking_paid_cents(booking=booking) == 0
        ):
            refund = booking_timely_cancel_refund_cents(booking=booking)
            _cancel(booking, reason=reason, refund_cents=refund, now=now)
            _audit(actor, "booking.cancel", booking, before, reason=reason or "cancelled by the customer")
            notify_booking_cancelled(booking)
            return booking
        _refuse_unless_allowed(booking, BookingAction.REQUEST_CANCELLATION)
        booking.previous_status = booking.status
        _move(booking, BookingAction.REQUEST_CANCELLATION)
        booking.cancellation_reason = reason
        booking.save(update_fields=["status", "previous_status", "cancellation_reason", "updated_at"])
        _audit(actor, "booking.cancellation_request", booking, before, reason=reason)
        notify_cancellation_requested(booking)
        return booking

    if not reason:
        raise ServiceError("Give a reason for cancelling.", field="reason")
    _refuse_unless_allowed(booking, BookingAction.CANCEL)
    refund = _checked_refund(booking, refund_cents or 0, reason=reason)
    _cancel(booking, reason=reason, refund_cents=refund, now=now)
    _audit(actor, "booking.cancel", booking, before, reason=reason)
    notify_booking_cancelled(booking)
    return booking


@transaction.atomic
def booking_cancellation_approve(
    *, booking: Booking, actor: Actor, refund_cents: int = 0, reason: str = ""
) -> Booking:
    """cancellation_requested → cancelled; no refund unless staff give one, with a reason."""
    booking = _locked(booking)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    _refuse_unless_allowed(booking, BookingAction.APPROVE_CANCELLATION)
    reason = (reason or "").strip()
    before = _snapshot(booking)
    refund = _checked_refund(booking, refund_cents, reason=reason)
    _cancel(booking, reason=booking.cancellation_reason, refund_cents=refund, now=timezone.now())
    _audit(actor, "booking.cancellation_approve", booking, before, reason=reason)
    notify_booking_cancelled(booking)
    return booking


@transaction.atomic
def booking_cancellation_reject(*, booking: Booking, actor: Actor, reason: str = "") -> Booking:
    """cancellation_requested → the status before the request; a no-op when none is pending."""
    booking = _locked(booking)
    # Back in a status a cancellation is requested from: already rejected (the transition table's).
    requestable_from, _target = Booking.TRANSITIONS[BookingAction.REQUEST_CANCELLATION]
    if booking.status in requestable_from:
        return booking
    _refuse_unless_allowed(booking, BookingAction.REJECT_CANCELLATION)
    before = _snapshot(booking)
    _move(booking, BookingAction.REJECT_CANCELLATION)
    booking.previous_status = ""
    booking.save(update_fields=["status", "previous_status", "updated_at"])
    _audit(actor, "booking.cancellation_reject", booking, before, reason=(reason or "").strip())
    return booking


@transaction.atomic
def booking_reschedule(
    *,
    booking: Booking,
    date: datetime.date,
    slot: datetime.time | str,
    actor: Actor,
    by_customer: bool,
) -> Booking:
    """Move a booking to another slot with a free chef (its own chef when free).

    The customer may do it up to the change cutoff (ops/policy.py), staff at any time; the new slot
    must be inside the booking window. ConflictError slot_unavailable when the slot is full.
    """
    slot = _checked_slot(slot)
    date = _checked_date(date)
    booking = _locked(booking)
    if (booking.date, booking.slot) == (date, slot) and booking.status in BOOKING_TRANSITIONS[
        BookingAction.RESCHEDULE
    ][0]:
        return booking
    _refuse_unless_allowed(booking, BookingAction.RESCHEDULE)
    change_cutoff = booking_rules(booking.station).change_cutoff
    if by_customer and booking_starts_at(booking) - timezone.now() < change_cutoff:
        raise ConflictError(
            f"Bookings can be moved online up to {duration_words(change_cutoff)} before the event; "
            "please call us to change it.",
            code=BookingErrors.RESCHEDULE_WINDOW_CLOSED,
        )
    if window_error := booking_window_error(station=booking.station, date=date, slot=slot):
        raise ServiceError(window_error, field="date", code=BookingErrors.OUTSIDE_BOOKING_WINDOW)
    if (
        Booking.objects.filter(
            customer_id=booking.customer_id, date=date, slot=slot, status__in=Booking.ACTIVE_STATUSES
        )
        .exclude(pk=booking.pk)
        .exists()
    ):
        raise ConflictError("You already have a booking in that slot.", field="slot", code=DUPLICATE_BOOKING)
    chef = _claim_free_chef(
        station=booking.station,
        date=date,
        slot=slot,
        exclude_booking_id=booking.pk,
        prefer_chef_id=booking.chef_id,
    )
    if chef is None:
        raise _slot_unavailable(date, slot)

    before = _snapshot(booking)
    previous_chef_id = booking.chef_id
    booking.date, booking.slot, booking.chef = date, slot, chef
    try:
        with transaction.atomic():
            booking.save(update_fields=["date", "slot", "chef", "updated_at"])
    except IntegrityError as exc:
        raise _slot_unavailable(date, slot) from exc
    _audit(actor, "booking.reschedule", booking, before, reason="by the customer" if by_customer else "")
    notify_booking_rescheduled(booking, previous_chef_id=previous_chef_id)
    return booking


@transaction.atomic
def booking_assign_chef(*, booking: Booking, chef: Chef, actor: Actor) -> Booking:
    """Give an active booking another chef of its station who is free in its slot."""
    booking = _locked(booking)
    _refuse_unless_allowed(booking, BookingAction.ASSIGN_CHEF)
    if booking.chef_id == chef.pk:
        return booking
    if chef.station_id != booking.station_id:
        raise ServiceError("This chef is based at another station.", field="chef")
    Chef.objects.select_for_update().filter(pk=chef.pk).first()
    free = free_chefs_queryset(
        station=booking.station, date=booking.date, slot=booking.slot, exclude_booking_id=booking.pk
    ).filter(pk=chef.pk)
    if not free.exists():
        raise ConflictError(
            f"{chef.name} is not available on {booking.date:%b} {booking.date.day} at "
            f"{slot_label(booking.slot)}.",
            field="chef",
            code=BookingErrors.CHEF_UNAVAILABLE,
        )
    before = _snapshot(booking)
    previous_chef_id = booking.chef_id
    booking.chef = chef
    try:
        with transaction.atomic():
            booking.save(update_fields=["chef", "updated_at"])
    except IntegrityError as exc:
        raise ConflictError(
            f"{chef.name} already has a booking in this slot.",
            field="chef",
            code=BookingErrors.CHEF_UNAVAILABLE,
        ) from exc
    _audit(actor, "booking.assign_chef", booking, before)
    notify_chef_changed(booking, previous_chef_id=previous_chef_id)
    return booking


@transaction.atomic
def booking_unassign_chef(*, booking: Booking, actor: Actor, reason: str) -> Booking:
    """Take the chef off an active booking (their time off, say); staff are alerted to find another."""
    booking = _locked(booking)
    _refuse_unless_allowed(booking, BookingAction.ASSIGN_CHEF)
    if booking.chef_id is None:
        return booking
    before = _snapshot(booking)
    before_chef_id = booking.chef_id
    booking.chef = None
    booking.save(update_fields=["chef", "updated_at"])
    _audit(actor, "booking.unassign_chef", booking, before, reason=reason)
    notify_chef_unassigned(booking, reason=reason)
    notify_chef_changed(booking, previous_chef_id=before_chef_id)
    return booking


@transaction.atomic
def booking_complete(*, booking: Booking, actor: Actor) -> Booking:
    """confirmed → completed, once the event has started; counts towards the customer's bookings."""
    booking = _locked(booking)
    if booking.status == Booking.Status.COMPLETED:
        return booking
    _refuse_unless_allowed(booking, BookingAction.COMPLETE)
    _refuse_before_start(booking, "completed")
    before = _snapshot(booking)
    _move(booking, BookingAction.COMPLETE)
    booking.completed_at = timezone.now()
    booking.save(update_fields=["status", "completed_at", "updated_at"])
    Customer.objects.filter(pk=booking.customer_id).update(booking_count=F("booking_count") + 1)
    _audit(actor, "booking.complete", booking, before)
    return booking


@transaction.atomic
def booking_mark_no_show(*, booking: Booking, actor: Actor, reason: str = "") -> Booking:
    """confirmed → no_show, once the event has started."""
    booking = _locked(booking)
    if booking.status == Booking.Status.NO_SHOW:
        return booking
    _refuse_unless_allowed(booking, BookingAction.MARK_NO_SHOW)
    _refuse_before_start(booking, "marked a no-show")
    before = _snapshot(booking)
    _move(booking, BookingAction.MARK_NO_SHOW)
    booking.save(update_fields=["status", "updated_at"])
    _audit(actor, "booking.no_show", booking, before, reason=(reason or "").strip())
    return booking


# --- Helpers --------------------------------------------------------------------------------


def _locked(booking: Booking) -> Booking:
    # No select_related: FOR UPDATE would lock the joined station row too (serialising every
    # booking of the station), and `of=("self",)` cannot name a schema-qualified table in
    # PostgreSQL. The station is read when needed, without a lock.
    return Booking.objects.select_for_update().get(pk=booking.pk)


def _refuse_unless_allowed(booking: Booking, action: str) -> None:
    if not booking_action_allowed(booking.status, action):
        raise ConflictError(
            f"Booking {booking.reference} is {booking.get_status_display().lower()}; "
            f"it cannot be {_ACTION_WORDS[action]}.",
            code=INVALID_TRANSITION,
        )


def _move(booking: Booking, action: str) -> None:
    """Set the status the transition table gives for the action."""
    _sources, target = BOOKING_TRANSITIONS[action]
    if target == PREVIOUS_STATUS:
        target = booking.previous_status or Booking.Status.CONFIRMED
    booking.status = target


def _cancel(booking: Booking, *, reason: str, refund_cents: int, now: datetime.datetime) -> None:
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancellation_reason = reason
    booking.refund_due_cents = refund_cents
    booking.save(
        update_fields=["status", "cancelled_at", "cancellation_reason", "refund_due_cents", "updated_at"]
    )
    # A cancelled booking accepts no further payment: intents still open are cancelled.
    transaction.on_commit(lambda: booking_cancelled.send(BookingCancelled(booking=booking)))
    if refund_cents > 0:
        # Sent to Stripe once the cancellation is committed, outside its transaction and locks.
        transaction.on_commit(lambda: booking_refund_due.send(BookingRefundDue(booking=booking)))


def _refuse_before_start(booking: Booking, verb: str) -> None:
    if timezone.now() < booking_starts_at(booking):
        raise ConflictError(
            f"Booking {booking.reference} can only be {verb} after the event starts.",
            code=BookingErrors.EVENT_NOT_STARTED,
        )
