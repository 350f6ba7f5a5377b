"""The demo's history: the audit rows and security events a running business would have.

The demo's bookings, payments and leads are written directly (bookings.py, payments.py,
leads.py: a history of weeks cannot go through today's services, which refuse a party in the
past; a booking's row is built from its BookingRequest by booking_build_for_seed).
Their audit rows are written here as the services write them — the same actions,
actors, roles and before/after snapshots (core.services.bookings.audit_trail, the payment
rows' PAYMENT_AUDIT_FIELDS, the lead services) — dated when each step happened, so that the
audit log, a booking's audit trail and the security events read like the real thing.

Each row has a fixed id (demo_id) so that a second run finds it and adds nothing.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from typing import Any

from audit.actor import Actor
from audit.models import AuditLog, SecurityEvent
from audit.services import snapshot
from core.availability import slot_starts_at
from core.models import Booking, Payment
from core.services.bookings.audit_trail import _AUDITED_FIELDS
from core.services.payments import MANUAL_METHODS, PAYMENT_AUDIT_FIELDS, STRIPE_ACTOR
from crm.models import Lead
from myhibachi.seeding.demo import bookings as demo_bookings
from myhibachi.seeding.demo import leads as demo_leads
from myhibachi.seeding.demo import payments as demo_payments
from myhibachi.seeding.demo.context import DemoContext
from myhibachi.seeding.demo.people import STATION_MANAGERS
from myhibachi.seeding.rows import demo_id, ensure_log_rows

S = Booking.Status
CUSTOMER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1"
STAFF_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Chrome/131.0 Safari/537.36"
UNPAID_SWEEP = Actor.system("unpaid deposit sweep")
LEAD_SCORING = Actor.system("lead scoring")


def seed_history(ctx: DemoContext) -> None:
    """Audit rows for the demo's bookings, payments and leads, and the security events."""
    rows = [*_booking_rows(ctx), *_payment_rows(ctx), *_lead_rows(ctx)]
    ensure_log_rows(AuditLog, rows, report=ctx.report)
    ensure_log_rows(SecurityEvent, list(_security_events(ctx)), report=ctx.report)


# --- Bookings ---------------------------------------------------------------------------------


def _step(
    prefix: str, instance, step: str, at, actor: Actor, action: str, before, after, reason: str = ""
) -> AuditLog:
    """One step of a row's history, keyed "<prefix>:<step>"."""
    return _audit(
        f"{prefix}:{step}",
        at=at,
        actor=actor,
        action=action,
        instance=instance,
        station_id=_station_of(instance),
        before=before,
        after=after,
        reason=reason,
    )


def _payment_step(
    prefix: str,
    payment: Payment,
    actor: Actor,
    step: str,
    when,
    action: str,
    before,
    after,
    reason: str = "",
    instance=None,
) -> AuditLog:
    return _step(prefix, instance or payment, step, when, actor, action, before, after, reason)


def _station_of(instance):
    return instance.station_id if isinstance(instance, Booking) else instance.booking.station_id


def _audit(
    key: str,
    *,
    at: datetime.datetime,
    actor: Actor,
    action: str,
    instance,
    station_id,
    before: dict | None,
    after: dict | None,
    reason: str = "",
) -> AuditLog:
    return AuditLog(
        id=demo_id("audit", key),
        created_at=at,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_label=actor.label,
        role=actor.role,
        action=action,
        resource_type=instance._meta.label_lower,
        resource_id=str(instance.pk),
        station_id=station_id,
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        before=before,
        after=after,
        reason=reason,
    )


def _customer(booking: Booking, number: int) -> Actor:
    return Actor.customer(
        label=booking.customer.email, ip_address=f"203.0.113.{10 + number}", user_agent=CUSTOMER_AGENT
    )


def _manager(ctx: DemoContext, station_code: str) -> Actor:
    return Actor.staff(
        ctx.users[STATION_MANAGERS[station_code]],
        role="station_manager",
        ip_address="198.51.100.20",
        user_agent=STAFF_AGENT,
    )


def _booked_at(ctx: DemoContext, booking: Booking, start: datetime.datetime) -> datetime.datetime:
    """When the party was booked: a day before its deposit fell due, or three weeks ahead."""
    if booking.deposit_due_at is not None:
        return booking.deposit_due_at - datetime.timedelta(hours=24)
    booked = min(
        start - datetime.timedelta(days=demo_payments.BOOKED_DAYS_AHEAD), ctx.now - datetime.timedelta(days=1)
    )
    if booking.cancelled_at is not None:  # booked at least a day (the deposit deadline) before
        booked = min(booked, booking.cancelled_at - datetime.timedelta(hours=26))
    return booked


def _booking_rows(ctx: DemoContext) -> Iterator[AuditLog]:
    full = Booking.objects.select_related("customer", "station").in_bulk(
        [booking.pk for booking in ctx.bookings.values()]
    )
    deposits_paid_at = dict(
        Payment.objects.filter(
            booking__in=full.values(), kind=Payment.Kind.DEPOSIT, succeeded_at__isnull=False
        ).values_list("booking_id", "succeeded_at")
    )
    for number, spec in enumerate(demo_bookings.BOOKINGS):
        booking = full[ctx.bookings[spec.reference].pk]
        start = slot_starts_at(station=booking.station, date=booking.date, slot=booking.slot)
        final = snapshot(booking, _AUDITED_FIELDS)
        # The booking as the booking service created it: deposit pending, nothing decided yet.
        created = {
            **final,
            "status": S.DEPOSIT_PENDING,
            "previous_status": "",
            "cancellation_reason": "",
            "cancelled_at": None,
            "completed_at": None,
            "refund_due_cents": 0,
            "flagged_for_staff": False,
            "flag_reason": "",
        }
        manager = _manager(ctx, spec.station)
        customer = _customer(booking, number)
        by_staff = spec.source in (Booking.Source.PHONE, Booking.Source.STAFF)
        paid_at = deposits_paid_at.get(booking.pk)
        booked_at = _booked_at(ctx, booking, start)
        if paid_at is not None:
            booked_at = min(booked_at, paid_at - datetime.timedelta(minutes=7))
        key = spec.reference

        row = functools.partial(_step, key, booking)

        yield row("create", booked_at, manager if by_staff else customer, "booking.create", None, created)
        confirmed = {**created, "status": S.CONFIRMED}
        deposit = demo_payments.deposit_of(spec.reference)
        if deposit is not None and deposit[1] in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
            confirmer = STRIPE_ACTOR if deposit[0] == Payment.Method.STRIPE else manager
            yield row("confirm", paid_at, confirmer, "booking.confirm", created, confirmed)
        if spec.status == S.COMPLETED:
            yield row("complete", booking.completed_at, manager, "booking.complete", confirmed, final)
        elif spec.status == S.NO_SHOW:
            no_show_at = start + datetime.timedelta(minutes=45)
            yield row(
                "no_show",
                no_show_at,
                manager,
                "booking.no_show",
                confirmed,
                final,
                "Nobody answered the door.",
            )
        elif spec.status == S.CANCELLATION_REQUESTED:
            asked_at = max(
                booked_at, min(ctx.now, start - datetime.timedelta(days=3)) - datetime.timedelta(hours=2)
            )
            yield row(
                "request", asked_at, customer, "booking.cancellation_request", confirmed, final, spec.note
            )
        elif spec.status == S.CANCELLED:
            previous, _days = demo_bookings.CANCELLED[spec.reference]
            if previous == S.DEPOSIT_PENDING:
                yield row(
                    "cancel",
                    booking.cancelled_at,
                    UNPAID_SWEEP,
                    "booking.cancel",
                    created,
                    final,
                    spec.note,
                )
            elif previous == S.CANCELLATION_REQUESTED:
                requested = {**confirmed, "status": S.CANCELLATION_REQUESTED, "previous_status": S.CONFIRMED}
                asked_at = booking.cancelled_at - datetime.timedelta(days=1)
                yield row("request", asked_at, customer, "booking.cancellation_request", confirmed, requested)
                yield row(
                    "approve", booking.cancelled_at, manager, "booking.cancellation_approve", requested, final
                )
            else:
                yield row(
                    "cancel",
                    booking.cancelled_at,
                    customer,
                    "booking.cancel",
                    confirmed,
                    final,
                    "cancelled by the customer",
                )


# --- Payments ---------------------------------------------------------------------------------


def _payment_rows(ctx: DemoContext) -> Iterator[AuditLog]:
    ids = [demo_payments.payment_id(reference, kind) for reference, kind, _, _ in demo_payments.PAYMENTS]
    payments = Payment.objects.select_related("booking").in_bulk(ids)
    for reference, kind, method, status in demo_payments.PAYMENTS:
        payment = payments[demo_payments.payment_id(reference, kind)]
        booking = payment.booking
        station_code = next(
            code for code, station in ctx.stations.items() if station.pk == booking.station_id
        )
        final = snapshot(payment, PAYMENT_AUDIT_FIELDS)
        pending = {**final, "status": Payment.Status.PENDING, "succeeded_at": None, "failure_reason": ""}
        at = payment.succeeded_at or (ctx.now - datetime.timedelta(hours=3))
        manual = method in MANUAL_METHODS
        actor = _manager(ctx, station_code) if manual else STRIPE_ACTOR
        key = f"{reference}:{kind}"

        row = functools.partial(_payment_step, key, payment, actor)

        if kind == Payment.Kind.REFUND:
            yield row(
                "create",
                at - datetime.timedelta(minutes=1),
                "payment.refund_create",
                None,
                pending,
                payment.reason,
            )
            yield row("succeed", at, "payment.refund_succeed", pending, final)
            original = payment.refund_of
            received = {**snapshot(original, PAYMENT_AUDIT_FIELDS), "status": Payment.Status.SUCCEEDED}
            yield row(
                "refunded",
                at,
                "payment.refunded",
                received,
                snapshot(original, PAYMENT_AUDIT_FIELDS),
                instance=original,
            )
            continue
        created_action = "payment.record_manual" if manual else "payment.create"
        yield row("create", at - datetime.timedelta(minutes=5), created_action, None, pending, payment.reason)
        if status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
            received = {**final, "status": Payment.Status.SUCCEEDED}
            yield row("succeed", at, "payment.succeed", pending, received)
        elif status == Payment.Status.FAILED:
            yield row("fail", at, "payment.fail", pending, final)


# --- Leads ------------------------------------------------------------------------------------


def _lead_rows(ctx: DemoContext) -> Iterator[AuditLog]:
    for spec in demo_leads.LEADS:
        lead = ctx.leads[spec.key]
        first_days = max(days for _, days, _ in spec.events)
        created_at = ctx.days_ago(first_days) - datetime.timedelta(minutes=10 * len(spec.events))
        station_id = lead.station_id
        creator = Actor.customer(
            label=spec.contacts[0][1], ip_address="203.0.113.80", user_agent=CUSTOMER_AGENT
        )
        if spec.source in ("phone", "event", "referral"):
            creator = Actor.staff(
                ctx.users[STATION_MANAGERS.get(spec.station or "", "manager.fremont@myhibachi.test")],
                role="station_manager",
            )
        created = {
            "source": spec.source,
            "status": Lead.Status.NEW,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
        }
        yield _audit(
            f"lead:{spec.key}:created",
            at=created_at,
            actor=creator,
            action="lead.created",
            instance=lead,
            station_id=station_id,
            before=None,
            after=created,
        )
        yield _audit(
            f"lead:{spec.key}:score",
            at=created_at + datetime.timedelta(seconds=1),
            actor=LEAD_SCORING,
            action="lead.score_updated",
            instance=lead,
            station_id=station_id,
            before={"score": 0, "quality": Lead.Quality.COLD},
            after={"score": lead.score, "quality": lead.quality},
        )
        if spec.status != Lead.Status.NEW:
            changer_email = spec.assigned_to or STATION_MANAGERS.get(
                spec.station or "", "manager.fremont@myhibachi.test"
            )
            changer = Actor.staff(
                ctx.users[changer_email], ip_address="198.51.100.20", user_agent=STAFF_AGENT
            )
            last_days = min(days for _, days, _ in spec.events)
            yield _audit(
                f"lead:{spec.key}:status",
                at=ctx.days_ago(last_days),
                actor=Actor.system("booking service") if spec.status == Lead.Status.CONVERTED else changer,
                action="lead.converted" if spec.status == Lead.Status.CONVERTED else "lead.status_changed",
                instance=lead,
                station_id=station_id,
                before={"status": Lead.Status.NEW},
                after={"status": spec.status},
            )


# --- Security events ----------------------------------------------------------------------------

# (key, type, severity, staff email or "", IP, hours ago, details)
SECURITY_EVENTS: tuple[tuple[str, str, str, str, str, float, dict[str, Any]], ...] = (
    ("login-admin", "login_succeeded", "low", "admin@myhibachi.test", "198.51.100.10", 30, {}),
    ("login-manager", "login_succeeded", "low", "manager.fremont@myhibachi.test", "198.51.100.20", 26, {}),
    ("login-support", "login_succeeded", "low", "support@myhibachi.test", "198.51.100.21", 20, {}),
    ("login-sacramento", "login_succeeded", "low", "manager.sacramento@myhibachi.test", "198.51.100.30", 8,
     {}),
    ("fail-1", "login_failed", "medium", "", "192.0.2.66", 50, {"email": "admin@myhibachi.test"}),
    ("fail-2", "login_failed", "medium", "", "192.0.2.66", 49.9, {"email": "admin@myhibachi.test"}),
    ("fail-3", "login_failed", "medium", "", "192.0.2.66", 49.8, {"email": "owner@myhibachi.test"}),
    ("locked", "account_locked", "high", "", "192.0.2.66", 49.7,
     {"email": "admin@myhibachi.test", "failures": 5}),
    (
        "denied",
        "permission_denied",
        "medium",
        "manager.fremont@myhibachi.test",
        "198.51.100.20",
        12,
        {"path": "/admin/core/booking/", "method": "GET", "reason": "outside_scope", "model": "core.booking"},
    ),
    ("webhook", "webhook_signature_invalid", "high", "", "192.0.2.99", 70, {"reason": "No signatures found"}),
    ("throttled", "rate_limited", "low", "", "192.0.2.120", 5,
     {"scope": "quotes", "path": "/api/v1/quotes/"}),
    ("token", "token_invalid", "medium", "", "192.0.2.45", 16, {"reason": "bad_signature"}),
)  # fmt: skip


def _security_events(ctx: DemoContext) -> Iterator[SecurityEvent]:
    for key, event_type, severity, email, ip_address, hours_ago, details in SECURITY_EVENTS:
        user = ctx.users.get(email) if email else None
        yield SecurityEvent(
            id=demo_id("security_event", key),
            created_at=ctx.now - datetime.timedelta(hours=hours_ago),
            type=event_type,
            severity=severity,
            user_id=user.pk if user else None,
            user_label=user.email if user else "",
            ip_address=ip_address,
            details=details,
        )
