"""Creating a booking: checked, priced, a chef claimed, inserted under a fresh reference, once
per Idempotency-Key; a failed attempt is kept as a lead."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_batch, audit_log_write
from core.availability import booking_window_error
from core.hooks import BookingAttemptFailed, booking_attempt_failed
from core.models import Booking
from core.notifications.dispatch import notify_manage_link_requested
from core.selectors import booking_by_idempotency_key, customer_by_email
from core.services.bookings.adjustment import apply_adjustment, checked_adjustment
from core.services.bookings.audit_trail import _snapshot
from core.services.bookings.chef_claim import _claim_free_chef
from core.services.bookings.errors import (
    DUPLICATE_BOOKING,
    IDEMPOTENCY_KEY_REUSED,
    SLOT_UNAVAILABLE,
    _slot_unavailable,
)
from core.services.bookings.followup import booking_created_followup_on_commit
from core.services.bookings.validation import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    MAX_ITEMS,
    SPECIAL_REQUESTS_MAX_LENGTH,
    _checked_address,
    _checked_customer,
    _checked_date,
    _checked_slot,
)
from core.services.customers import customer_get_or_create
from kernel.contact import normalize_phone
from kernel.error_codes import BookingErrors, CommonErrors
from kernel.errors import ConflictError, ServiceError
from ops.policy import booking_rules
from ops.slots import slot_label
from pricing.quote import quote_compute

logger = logging.getLogger(__name__)

# Without 0/O, 1/I/L and 5/S look-alikes: read over the phone without mistakes.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
REFERENCE_LENGTH = 6


@dataclass(frozen=True)
class BookingRequest:
    """What a booking is asked for, as the API, the admin and the seed hand it to booking_create.

    `customer` holds first_name, last_name, email, phone and optionally sms_consent and
    email_consent; `address` holds line1, line2, city, state and zip_code; `items` are
    {"code", "quantity"} upgrades and add-ons. booking_create checks all of it: a caller only
    carries what it was given.
    """

    customer: Mapping[str, Any]
    date: datetime.date
    slot: datetime.time | str
    address: Mapping[str, Any]
    party_adults: int
    party_kids: int = 0
    party_toddlers: int = 0
    items: Sequence[Mapping[str, Any]] = ()
    special_requests: str = ""
    source: str = Booking.Source.WEBSITE


@dataclass(frozen=True)
class StaffBookingOptions:
    """What staff decide when they book for a customer (the admin's add page); never the API's."""

    # Non-empty: hold the deposit (the unpaid booking is not cancelled automatically), for this reason.
    payment_hold_reason: str = ""
    # Send the booking email (deposit instructions, the manage link) now; else staff send it later.
    notify_customer: bool = True
    # A discount (negative) or surcharge, with its reason; the caller checks booking.adjust_price.
    price_adjustment_cents: int = 0
    price_adjustment_reason: str = ""


def booking_create(
    *,
    request: BookingRequest,
    actor: Actor,
    idempotency_key: str | None = None,
    staff: StaffBookingOptions | None = None,
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
            request=request, actor=actor, idempotency_key=idempotency_key, staff=staff
        )
    except ConflictError as exc:
        if exc.code == DUPLICATE_BOOKING and _resend_manage_link(request):
            # A retry of a booking whose answer was lost: tell them it exists and where its
            # link went. Never the link itself: whoever sent this may not own the email.
            raise ConflictError(
                f"{exc.message} We have emailed its link to the address on the booking.",
                field=exc.field,
                code=DUPLICATE_BOOKING,
            ) from exc
        if exc.code == SLOT_UNAVAILABLE:
            date, slot, address = request.date, request.slot, request.address
            _record_failed_attempt(
                customer=request.customer,
                details={
                    "date": date.isoformat() if isinstance(date, datetime.date) else str(date),
                    "slot": slot_label(slot) if isinstance(slot, datetime.time) else str(slot),
                    "zip_code": str(address.get("zip_code", "")) if isinstance(address, Mapping) else "",
                    "party_adults": request.party_adults,
                    "party_kids": request.party_kids,
                    "party_toddlers": request.party_toddlers,
                    "source": request.source,
                },
            )
        raise


@transaction.atomic
def _booking_create_atomic(
    *, request: BookingRequest, actor: Actor, idempotency_key: str | None, staff: StaffBookingOptions | None
) -> Booking:
    # The customer's, the booking's and a converted lead's audit rows: one INSERT at the end.
    with audit_batch():
        return _booking_create_checked(
            request=request, actor=actor, idempotency_key=idempotency_key, staff=staff
        )


def _booking_create_checked(
    *, request: BookingRequest, actor: Actor, idempotency_key: str | None, staff: StaffBookingOptions | None
) -> Booking:
    if staff is not None and actor.type != "user":
        raise ServiceError("Only staff can hold a deposit or adjust a price.", field="staff")
    party_adults, party_kids, party_toddlers = (
        request.party_adults,
        request.party_kids,
        request.party_toddlers,
    )
    source = request.source
    slot = _checked_slot(request.slot)
    date = _checked_date(request.date)
    address = _checked_address(request.address)
    contact = _checked_customer(request.customer)
    special_requests = (request.special_requests or "").strip()
    if len(special_requests) > SPECIAL_REQUESTS_MAX_LENGTH:
        raise ServiceError(f"At most {SPECIAL_REQUESTS_MAX_LENGTH} characters.", field="special_requests")
    if source not in Booking.Source.values:
        raise ServiceError(f"Unknown booking source {source!r}.", field="source")
    items = [dict(item) if isinstance(item, Mapping) else item for item in request.items]
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
    deposit_cents = quote.deposit_cents  # the quote caps it at the total
    hold_reason = adjustment_reason = ""
    if staff is not None:
        hold_reason = " ".join(staff.payment_hold_reason.split())
        adjustment_reason = checked_adjustment(
            amount_cents=staff.price_adjustment_cents,
            reason=staff.price_adjustment_reason,
            base_total_cents=quote.total_cents,
            deposit_cents=deposit_cents,
        )
    if window_error := booking_window_error(station=station, date=date, slot=slot):
        raise ServiceError(window_error, field="date", code=BookingErrors.OUTSIDE_BOOKING_WINDOW)

    customer_row, new_customer = customer_get_or_create(**contact, actor=actor)
    day_of_phone = normalize_phone(contact["phone"], field="customer.phone") if contact["phone"] else ""
    # The customer's row is locked now: a retry of this very request waited for the first to
    # commit, and must get its booking back rather than a duplicate_booking error.
    if key and (replayed := _idempotent_replay(key, fingerprint)):
        return replayed
    # A customer this booking has just created has no booking yet: nothing to look up.
    if (
        not new_customer
        and Booking.objects.filter(
            customer=customer_row, date=date, slot=slot, status__in=Booking.ACTIVE_STATUSES
        ).exists()
    ):
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
        deposit_due_cents=deposit_cents,
        payment_hold=bool(hold_reason),
        status=Booking.Status.DEPOSIT_PENDING,
        source=source,
        special_requests=special_requests,
        # The day-of contact: what this form gave, for this booking's messages only.
        contact_first_name=contact["first_name"],
        contact_last_name=contact["last_name"],
        contact_phone=day_of_phone,
        contact_sms_consent=bool(day_of_phone and contact["sms_consent"]),
        contact_sms_consent_at=now if day_of_phone and contact["sms_consent"] else None,
        deposit_due_at=now + booking_rules(station).deposit_deadline,
        idempotency_key=key,
        idempotency_fingerprint=fingerprint if key else "",
    )
    if staff is not None and staff.price_adjustment_cents:
        apply_adjustment(booking, amount_cents=staff.price_adjustment_cents, reason=adjustment_reason)
    replayed = _insert_with_reference(booking, key=key, fingerprint=fingerprint)
    if replayed is not None:
        return replayed

    audit_log_write(
        actor=actor,
        action="booking.create",
        instance=booking,
        station_id=station.pk,
        after=_snapshot(booking),
        reason="; ".join(
            part
            for part in (
                f"deposit held: {hold_reason}" if hold_reason else "",
                f"price adjusted: {adjustment_reason}" if adjustment_reason else "",
                "customer not notified" if staff is not None and not staff.notify_customer else "",
            )
            if part
        ),
    )
    # After commit, one task tells the customer, the staff and the chef (their notifications) and
    # the layers above (the lead conversion, the assistant's link).
    booking_created_followup_on_commit(booking, notify_customer=staff is None or staff.notify_customer)
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
    raise ConflictError("Could not allocate a booking reference; please try again.", code=CommonErrors.BUSY)


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


def _resend_manage_link(request: BookingRequest) -> bool:
    """Email the manage link of the active booking this request duplicates; whether one was found."""
    try:
        date, slot = _checked_date(request.date), _checked_slot(request.slot)
        email = _checked_customer(request.customer)["email"]
    except ServiceError:
        return False
    with transaction.atomic():
        customer = customer_by_email(email)
        active = Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES)
        booking = active.filter(customer=customer, date=date, slot=slot).first() if customer else None
        if booking is None:
            return False
        notify_manage_link_requested(booking)
    return True


def _record_failed_attempt(*, customer: Mapping[str, Any], details: dict) -> None:
    """Tell the layers above (leads keeps the person as a lead); never let that mask the error."""
    if not isinstance(customer, Mapping):
        return
    try:
        with transaction.atomic():
            booking_attempt_failed.send(
                BookingAttemptFailed(customer=customer, reason=SLOT_UNAVAILABLE, details=details)
            )
    except Exception:
        logger.exception("Could not record the failed booking attempt")


def _new_reference() -> str:
    return "MH-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _address_text(address: Mapping[str, str]) -> str:
    """'123 Main St, Apt 4, Fremont, CA 94539' (the form staff and messages show)."""
    lines = [address["line1"], address.get("line2", ""), address["city"]]
    return ", ".join(part for part in lines if part) + f", {address['state']} {address['zip_code']}"


def _fingerprint(**request: Any) -> str:
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
