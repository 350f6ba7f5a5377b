"""The booking engine: creating a booking and every step of its lifecycle (DOMAIN.md).

Each transition is one service that locks the booking row, checks the current status against
core.models.BOOKING_TRANSITIONS, returns early when the transition already happened, and
writes the audit row in the same transaction.

Concurrency: capacity is per chef. A booking claims its chef by locking the chef's row
(`SELECT ... FOR UPDATE SKIP LOCKED`, in the preferred order) and re-checking, in a new
statement, that the chef holds no active booking in the slot; the partial unique index
`ix_core_bookings_chef_slot_unique` is the backstop. When every free chef is locked by other
transactions, the request waits for them (in primary-key order, so waiters cannot deadlock)
and looks again, instead of reporting a full slot that may not be full.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
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
    notify_booking_received,
    notify_booking_rescheduled,
    notify_cancellation_requested,
)
from core.selectors import (
    CUSTOMER_REFUND_NOTICE,
    CUSTOMER_RESCHEDULE_NOTICE,
    booking_by_idempotency_key,
    booking_paid_cents,
    booking_starts_at,
    booking_timely_cancel_refund_cents,
)
from core.services.customers import customer_find_or_create
from core.services.payments import payment_refund_for_cancellation
from identity.contact import normalize_email
from identity.models import Station
from leads.services import lead_convert_on_booking, lead_record_booking_failed
from myhibachi.errors import ConflictError, ServiceError
from ops.availability import booking_window_error, free_chefs_queryset
from ops.models import Chef
from ops.slots import SLOTS, parse_slot, slot_label
from pricing.quote import quote_compute

logger = logging.getLogger(__name__)

# Without 0/O, 1/I/L and 5/S look-alikes: read over the phone without mistakes.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
REFERENCE_LENGTH = 6
DEPOSIT_DUE_AFTER = datetime.timedelta(hours=24)
SPECIAL_REQUESTS_MAX_LENGTH = 2000
MAX_ITEMS = 20
IDEMPOTENCY_KEY_MAX_LENGTH = 255
_ZIP_CODE = re.compile(r"\d{5}")
_STATE = re.compile(r"[A-Z]{2}")
ADDRESS_LIMITS = {"line1": 200, "line2": 200, "city": 100}

# Error codes the API and the admin rely on.
SLOT_UNAVAILABLE = "slot_unavailable"
DUPLICATE_BOOKING = "duplicate_booking"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
INVALID_TRANSITION = "invalid_transition"

# The manage nonce is half of a customer's link, the fingerprint is bookkeeping: neither
# belongs in the audit trail.
_AUDITED_FIELDS = [
    field.name
    for field in Booking._meta.concrete_fields
    if field.name not in ("manage_nonce", "idempotency_fingerprint")
]

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
}


# --- Creating a booking -------------------------------------------------------------------


def booking_create(
    *,
    customer: Mapping[str, Any],
    date: datetime.date,
    slot: datetime.time | str,
    address: Mapping[str, Any],
    party_adults: int,
    party_kids: int = 0,
    party_toddlers: int = 0,
    items: Sequence[Mapping[str, Any]] = (),
    special_requests: str = "",
    source: str = Booking.Source.WEBSITE,
    actor: Actor,
    idempotency_key: str | None = None,
) -> Booking:
    """Book a slot for a customer (found by email or created): priced, a chef assigned, deposit_pending.

    Raises ServiceError (the field at fault) for invalid input and ConflictError with code
    slot_unavailable (no chef free; the attempt is then kept as a booking_failed lead),
    duplicate_booking, or idempotency_key_reused. The same Idempotency-Key with the same
    request returns the booking it created. The booking is written in its own transaction
    (a savepoint inside a caller's), so that the failed-attempt lead survives its rollback.
    """
    try:
        return _booking_create_atomic(
            customer=customer,
            date=date,
            slot=slot,
            address=address,
            party_adults=party_adults,
            party_kids=party_kids,
            party_toddlers=party_toddlers,
            items=items,
            special_requests=special_requests,
            source=source,
            actor=actor,
            idempotency_key=idempotency_key,
        )
    except ConflictError as exc:
        if exc.code == SLOT_UNAVAILABLE:
            _record_failed_attempt(
                customer=customer,
                payload={
                    "reason": SLOT_UNAVAILABLE,
                    "date": date.isoformat() if isinstance(date, datetime.date) else str(date),
                    "slot": slot_label(slot) if isinstance(slot, datetime.time) else str(slot),
                    "zip_code": str(address.get("zip_code", "")) if isinstance(address, Mapping) else "",
                    "party_adults": party_adults,
                    "party_kids": party_kids,
                    "party_toddlers": party_toddlers,
                    "source": source,
                },
            )
        raise


@transaction.atomic
def _booking_create_atomic(
    *,
    customer: Mapping[str, Any],
    date: datetime.date,
    slot: datetime.time | str,
    address: Mapping[str, Any],
    party_adults: int,
    party_kids: int,
    party_toddlers: int,
    items: Sequence[Mapping[str, Any]],
    special_requests: str,
    source: str,
    actor: Actor,
    idempotency_key: str | None,
) -> Booking:
    slot = _checked_slot(slot)
    date = _checked_date(date)
    address = _checked_address(address)
    contact = _checked_customer(customer)
    special_requests = (special_requests or "").strip()
    if len(special_requests) > SPECIAL_REQUESTS_MAX_LENGTH:
        raise ServiceError(f"At most {SPECIAL_REQUESTS_MAX_LENGTH} characters.", field="special_requests")
    if source not in Booking.Source.values:
        raise ServiceError(f"Unknown booking source {source!r}.", field="source")
    items = [dict(item) if isinstance(item, Mapping) else item for item in items]
    if len(items) > MAX_ITEMS:
        raise ServiceError(f"At most {MAX_ITEMS} items.", field="items")

    key = (idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ServiceError(
            f"An Idempotency-Key has at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
            field="idempotency_key",
        )
    fingerprint = _fingerprint(
        customer=contact,
        date=date,
        slot=slot,
        address=address,
        party=(party_adults, party_kids, party_toddlers),
        items=items,
        special_requests=special_requests,
        source=source,
    )
    if key and (replayed := _idempotent_replay(key, fingerprint)):
        return replayed

    try:
        quote = quote_compute(
            zip_code=address["zip_code"],
            party_adults=party_adults,
            party_kids=party_kids,
            party_toddlers=party_toddlers,
            items=items,
            on_date=date,
        )
    except ServiceError as exc:
        if exc.field == "zip_code":
            exc.field = "address.zip_code"
        raise
    station = quote.station
    if window_error := booking_window_error(station=station, date=date, slot=slot):
        raise ServiceError(window_error, field="date", code="outside_booking_window")

    customer_row = customer_find_or_create(**contact, actor=actor)
    # The customer's row is locked now: a retry of this very request waited for the first to
    # commit, and must get its booking back rather than a duplicate_booking error.
    if key and (replayed := _idempotent_replay(key, fingerprint)):
        return replayed
    if Booking.objects.filter(
        customer=customer_row, date=date, slot=slot, status__in=Booking.ACTIVE_STATUSES
    ).exists():
        raise ConflictError(
            f"You already have a booking on {date:%b} {date.day} at {slot_label(slot)}.",
            field="slot",
            code=DUPLICATE_BOOKING,
        )

    chef = _claim_free_chef(station=station, date=date, slot=slot)
    if chef is None:
        raise _slot_unavailable(date, slot)

    now = timezone.now()
    booking = Booking(
        customer=customer_row,
        chef=chef,
        station=station,
        date=date,
        slot=slot,
        address=_address_text(address),
        zone=address["zip_code"],
        party_adults=party_adults,
        party_kids=party_kids,
        party_toddlers=party_toddlers,
        items=[{"code": item["code"], "quantity": item["quantity"]} for item in items],
        quote=quote.as_dict(),
        total_due_cents=quote.total_cents,
        deposit_due_cents=min(quote.deposit_cents, quote.total_cents),
        status=Booking.Status.DEPOSIT_PENDING,
        source=source,
        special_requests=special_requests,
        deposit_due_at=now + DEPOSIT_DUE_AFTER,
        idempotency_key=key,
        idempotency_fingerprint=fingerprint if key else "",
    )
    replayed = _insert_with_reference(booking, key=key, fingerprint=fingerprint)
    if replayed is not None:
        return replayed

    audit_log_write(
        actor=actor,
        action="booking.create",
        instance=booking,
        station_id=station.pk,
        after=_snapshot(booking),
    )
    lead_convert_on_booking(customer=customer_row, booking=booking)
    notify_booking_received(booking)
    return booking


def _insert_with_reference(booking: Booking, *, key: str, fingerprint: str) -> Booking | None:
    """Insert the booking under a fresh reference; the database's constraints have the last word.

    Returns None when inserted, or the booking of the same Idempotency-Key inserted
    concurrently by a retry of the same request.
    """
    for _attempt in range(5):
        booking.reference = _new_reference()
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
            return None
        except IntegrityError as exc:
            constraint = _constraint_name(exc)
            if key and (replayed := _idempotent_replay(key, fingerprint)):
                return replayed
            if constraint == "ix_core_bookings_chef_slot_unique":
                raise _slot_unavailable(booking.date, booking.slot) from exc
            if constraint == "idx_booking_date_slot_active":
                raise ConflictError(
                    "You already have a booking in this slot.", field="slot", code=DUPLICATE_BOOKING
                ) from exc
            if "reference" not in constraint:
                raise
    raise ConflictError("Could not allocate a booking reference; please try again.", code="busy")


def _idempotent_replay(key: str, fingerprint: str) -> Booking | None:
    existing = booking_by_idempotency_key(key)
    if existing is None:
        return None
    if existing.idempotency_fingerprint != fingerprint:
        raise ConflictError(
            "This Idempotency-Key was already used for a different booking request.",
            code=IDEMPOTENCY_KEY_REUSED,
        )
    return existing


def _record_failed_attempt(*, customer: Mapping[str, Any], payload: dict) -> None:
    """Keep the person whose booking failed as a lead; never let that bookkeeping mask the error."""
    if not isinstance(customer, Mapping):
        return
    try:
        with transaction.atomic():
            lead_record_booking_failed(
                email=normalize_email(str(customer.get("email") or "")),
                phone=str(customer.get("phone") or ""),
                first_name=str(customer.get("first_name") or "")[:100],
                last_name=str(customer.get("last_name") or "")[:100],
                payload=payload,
            )
    except Exception:
        logger.exception("Could not record the failed booking attempt as a lead")


# --- Claiming a chef ------------------------------------------------------------------------


def _claim_free_chef(
    *,
    station: Station,
    date: datetime.date,
    slot: datetime.time,
    exclude_booking_id: UUID | None = None,
    prefer_chef_id: UUID | None = None,
) -> Chef | None:
    """A chef free in the slot, locked by this transaction until it commits; None when none is."""

    def candidates():
        return free_chefs_queryset(
            station=station, date=date, slot=slot, exclude_booking_id=exclude_booking_id
        )

    if prefer_chef_id is not None:
        preferred = Chef.objects.select_for_update().filter(pk=prefer_chef_id, station=station).first()
        # A new statement after the lock: it sees every booking committed while we waited.
        if preferred is not None and candidates().filter(pk=preferred.pk).exists():
            return preferred

    for _attempt in range(10):
        chef = candidates().select_for_update(skip_locked=True).first()
        if chef is None:
            break
        # The statement above judged "free" on a snapshot taken before it locked the row; a
        # booking committed in between is only visible to a new statement.
        if _chef_is_free(chef=chef, date=date, slot=slot, exclude_booking_id=exclude_booking_id):
            return chef

    # Every free-looking chef is locked by another transaction (booking this slot, or another
    # slot of theirs). Wait for them, in a fixed order, then look again.
    locked_ids = set(candidates().select_for_update().order_by("pk").values_list("pk", flat=True))
    if not locked_ids:
        return None
    for chef in candidates():
        if chef.pk in locked_ids:
            return chef
    return None


def _chef_is_free(
    *, chef: Chef, date: datetime.date, slot: datetime.time, exclude_booking_id: UUID | None = None
) -> bool:
    holding = Booking.objects.filter(chef=chef, date=date, slot=slot, status__in=Booking.ACTIVE_STATUSES)
    if exclude_booking_id is not None:
        holding = holding.exclude(pk=exclude_booking_id)
    return not holding.exists()


def _slot_unavailable(date: datetime.date, slot: datetime.time) -> ConflictError:
    return ConflictError(
        f"{date:%b} {date.day} at {slot_label(slot)} is fully booked. Please choose another time.",
        field="slot",
        code=SLOT_UNAVAILABLE,
    )


# --- The lifecycle --------------------------------------------------------------------------


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
    """Cancel a booking. By the customer: 4+ days ahead cancelled with the deposit refunded, inside
    4 days a cancellation request. By staff: cancelled at any time, with a reason (and the refund
    they choose, at most what was paid). A no-op when already cancelled (or already requested).
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
            raise ConflictError("This event has already started; please contact us.", code="event_started")
        if until_start >= CUSTOMER_REFUND_NOTICE:
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
    if booking.status in (Booking.Status.DEPOSIT_PENDING, Booking.Status.CONFIRMED):
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

    The customer may do it up to 72 hours before the event, staff at any time; the new slot
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
    if by_customer and booking_starts_at(booking) - timezone.now() < CUSTOMER_RESCHEDULE_NOTICE:
        raise ConflictError(
            "Bookings can be moved online up to 72 hours before the event; please call us to change it.",
            code="reschedule_window_closed",
        )
    if window_error := booking_window_error(station=booking.station, date=date, slot=slot):
        raise ServiceError(window_error, field="date", code="outside_booking_window")
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
    booking.date, booking.slot, booking.chef = date, slot, chef
    try:
        with transaction.atomic():
            booking.save(update_fields=["date", "slot", "chef", "updated_at"])
    except IntegrityError as exc:
        raise _slot_unavailable(date, slot) from exc
    _audit(actor, "booking.reschedule", booking, before, reason="by the customer" if by_customer else "")
    notify_booking_rescheduled(booking)
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
            code="chef_unavailable",
        )
    before = _snapshot(booking)
    booking.chef = chef
    try:
        with transaction.atomic():
            booking.save(update_fields=["chef", "updated_at"])
    except IntegrityError as exc:
        raise ConflictError(
            f"{chef.name} already has a booking in this slot.", field="chef", code="chef_unavailable"
        ) from exc
    _audit(actor, "booking.assign_chef", booking, before)
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
    if refund_cents > 0:
        # Sent to Stripe once the cancellation is committed, outside its transaction and locks.
        transaction.on_commit(lambda: payment_refund_for_cancellation(booking=booking))


def _checked_refund(booking: Booking, refund_cents: int, *, reason: str) -> int:
    if isinstance(refund_cents, bool) or not isinstance(refund_cents, int) or refund_cents < 0:
        raise ServiceError("A refund is a whole, non-negative number of cents.", field="refund_cents")
    if refund_cents and not reason:
        raise ServiceError("Give a reason for the refund.", field="reason")
    paid = booking_paid_cents(booking=booking)
    if refund_cents > paid:
        raise ServiceError(f"The refund cannot be more than the {paid} cents paid.", field="refund_cents")
    return refund_cents


def _refuse_before_start(booking: Booking, verb: str) -> None:
    if timezone.now() < booking_starts_at(booking):
        raise ConflictError(
            f"Booking {booking.reference} can only be {verb} after the event starts.",
            code="event_not_started",
        )


def _snapshot(booking: Booking) -> dict[str, Any]:
    return snapshot(booking, fields=_AUDITED_FIELDS)


def _audit(actor: Actor, action: str, booking: Booking, before: dict[str, Any], *, reason: str = "") -> None:
    audit_log_write(
        actor=actor,
        action=action,
        instance=booking,
        station_id=booking.station_id,
        before=before,
        after=_snapshot(booking),
        reason=reason,
    )


def _new_reference() -> str:
    return "MH-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _checked_slot(slot: datetime.time | str) -> datetime.time:
    parsed = parse_slot(slot) if isinstance(slot, str) else slot
    if parsed not in SLOTS:
        choices = ", ".join(slot_label(s) for s in SLOTS)
        raise ServiceError(f"Choose one of the time slots: {choices}.", field="slot")
    return parsed


def _checked_date(date: datetime.date) -> datetime.date:
    if isinstance(date, datetime.datetime) or not isinstance(date, datetime.date):
        raise ServiceError("Enter a date.", field="date")
    return date


def _checked_address(address: Mapping[str, Any]) -> dict[str, str]:
    if not isinstance(address, Mapping):
        raise ServiceError("Enter the event address.", field="address")
    cleaned: dict[str, str] = {}
    for name in ("line1", "line2", "city", "state", "zip_code"):
        value = address.get(name) or ""
        if not isinstance(value, str):
            raise ServiceError("Enter text.", field=f"address.{name}")
        cleaned[name] = " ".join(value.split())
    for name, limit in ADDRESS_LIMITS.items():
        if len(cleaned[name]) > limit:
            raise ServiceError(f"At most {limit} characters.", field=f"address.{name}")
    for name in ("line1", "city"):
        if not cleaned[name]:
            raise ServiceError("This field is required.", field=f"address.{name}")
    cleaned["state"] = cleaned["state"].upper()
    if not _STATE.fullmatch(cleaned["state"]):
        raise ServiceError("Enter the 2-letter state code.", field="address.state")
    if not _ZIP_CODE.fullmatch(cleaned["zip_code"]):
        raise ServiceError("Enter a 5-digit ZIP code.", field="address.zip_code")
    return cleaned


def _checked_customer(customer: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(customer, Mapping):
        raise ServiceError("Enter your contact details.", field="customer")
    email = normalize_email(str(customer.get("email") or ""))
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ServiceError("Enter a valid email address.", field="customer.email") from exc
    return {
        "email": email,
        "first_name": " ".join(str(customer.get("first_name") or "").split()),
        "last_name": " ".join(str(customer.get("last_name") or "").split()),
        "phone": str(customer.get("phone") or "").strip(),
        # Consent is an explicit opt-in: only a real True counts.
        "sms_consent": customer.get("sms_consent") is True,
        "email_consent": customer.get("email_consent") is True,
    }


def _address_text(address: Mapping[str, str]) -> str:
    """'123 Main St, Apt 4, Fremont, CA 94539' (the form staff and messages show)."""
    lines = [address["line1"], address.get("line2", ""), address["city"]]
    return ", ".join(part for part in lines if part) + f", {address['state']} {address['zip_code']}"


def _fingerprint(**request: Any) -> str:
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
