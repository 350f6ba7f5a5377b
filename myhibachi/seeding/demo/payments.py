"""The demo's payments, the Stripe events behind them, and the customers' counters.

The rows look like what core/services/payments/ writes: a payment is received when it has
succeeded_at; a fully refunded payment has status `refunded` and its refund is a row of its
own (refund_of); card rows carry the service's idempotency keys, so that the real services
find them (a cancellation refund is never paid twice, a pending deposit gets its intent).
"""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.availability import slot_starts_at
from core.models import Booking, Customer, Payment, StripeEvent
from core.services.payments import PAID_KINDS, payment_metadata
from myhibachi.seeding.demo.bookings import EVENT_HOURS
from myhibachi.seeding.demo.context import DemoContext
from myhibachi.seeding.demo.people import STATION_MANAGERS
from myhibachi.seeding.rows import demo_id, ensure_rows

BOOKED_DAYS_AHEAD = 21  # demo parties were booked three weeks before the event

# (booking, kind, method, status). Amounts follow the booking: deposit = its deposit, balance
# = total minus deposit, refund = the deposit.
PAYMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("MH-DEMO01", "deposit", "stripe", "succeeded"),
    ("MH-DEMO01", "balance", "stripe", "succeeded"),
    ("MH-DEMO02", "deposit", "stripe", "succeeded"),
    ("MH-DEMO02", "balance", "zelle", "succeeded"),
    ("MH-DEMO03", "deposit", "stripe", "succeeded"),
    ("MH-DEMO03", "balance", "cash", "succeeded"),
    ("MH-DEMO04", "deposit", "stripe", "succeeded"),
    ("MH-DEMO04", "balance", "stripe", "succeeded"),
    ("MH-DEMO05", "deposit", "stripe", "succeeded"),
    ("MH-DEMO05", "balance", "stripe", "succeeded"),
    ("MH-DEMO06", "deposit", "stripe", "succeeded"),
    ("MH-DEMO06", "balance", "cash", "succeeded"),
    ("MH-DEMO07", "deposit", "stripe", "succeeded"),
    ("MH-DEMO07", "balance", "venmo", "succeeded"),
    ("MH-DEMO08", "deposit", "stripe", "succeeded"),
    ("MH-DEMO09", "deposit", "venmo", "succeeded"),
    ("MH-DEMO10", "deposit", "stripe", "refunded"),
    ("MH-DEMO10", "refund", "stripe", "succeeded"),
    ("MH-DEMO12", "deposit", "stripe", "succeeded"),
    ("MH-DEMO13", "deposit", "stripe", "succeeded"),
    ("MH-DEMO14", "deposit", "stripe", "succeeded"),
    ("MH-DEMO15", "deposit", "zelle", "succeeded"),
    ("MH-DEMO16", "deposit", "stripe", "succeeded"),
    ("MH-DEMO17", "deposit", "stripe", "succeeded"),
    ("MH-DEMO18", "deposit", "stripe", "succeeded"),
    ("MH-DEMO19", "deposit", "stripe", "succeeded"),
    ("MH-DEMO20", "deposit", "cash", "succeeded"),
    ("MH-DEMO26", "deposit", "stripe", "succeeded"),
    ("MH-DEMO21", "deposit", "stripe", "pending"),
    ("MH-DEMO23", "deposit", "stripe", "failed"),
    ("MH-DEMO24", "deposit", "stripe", "succeeded"),
    ("MH-DEMO25", "deposit", "stripe", "succeeded"),
)
REFUND_REASON = "Cancelled 4 or more days before the event: deposit refunded"
FAILED_PAYMENT_REASON = "Your card was declined."

# (event id, type, status, booking, payment kind): Stripe webhooks behind demo payments, and
# one of a type we do not handle.
STRIPE_EVENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("evt_demo_0001", "payment_intent.succeeded", "processed", "MH-DEMO13", "deposit"),
    ("evt_demo_0002", "payment_intent.succeeded", "processed", "MH-DEMO10", "deposit"),
    ("evt_demo_0003", "refund.updated", "processed", "MH-DEMO10", "refund"),
    ("evt_demo_0004", "payment_intent.payment_failed", "processed", "MH-DEMO23", "deposit"),
    ("evt_demo_0005", "customer.created", "ignored", "", ""),
)


def _payment_id(reference: str, kind: str):
    return demo_id("payment", f"{reference}:{kind}")


payment_id = _payment_id  # the demo payment's fixed id (history.py dates its audit rows)


def deposit_of(reference: str) -> tuple[str, str] | None:
    """(method, status) of the demo booking's deposit; None when it has none."""
    for booking, kind, method, status in PAYMENTS:
        if booking == reference and kind == Payment.Kind.DEPOSIT:
            return method, status
    return None


def _stripe_id(reference: str, kind: str) -> str:
    return f"{'re' if kind == Payment.Kind.REFUND else 'pi'}_demo_{reference}_{kind}"


def seed_payments(ctx: DemoContext) -> None:
    stations = {station.pk: station for station in ctx.stations.values()}
    received, refunds = [], []
    for reference, kind, method, status in PAYMENTS:
        booking = ctx.bookings[reference]
        station = stations[booking.station_id]
        start = slot_starts_at(station=station, date=booking.date, slot=booking.slot)
        payment = Payment(
            id=_payment_id(reference, kind),
            booking=booking,
            kind=kind,
            method=method,
            status=status,
            amount_cents={
                Payment.Kind.DEPOSIT: booking.deposit_due_cents,
                Payment.Kind.BALANCE: booking.total_due_cents - booking.deposit_due_cents,
                Payment.Kind.REFUND: booking.deposit_due_cents,
            }[kind],
        )
        if method == Payment.Method.STRIPE:
            _card_keys(payment, booking)
        else:
            payment.recorded_by = ctx.users[STATION_MANAGERS[station.code]]
        if status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
            if kind == Payment.Kind.BALANCE:
                payment.succeeded_at = start + datetime.timedelta(hours=EVENT_HOURS)
            elif kind == Payment.Kind.REFUND:
                payment.succeeded_at = booking.cancelled_at
            else:  # the deposit, paid when the party was booked
                booked = start - datetime.timedelta(days=BOOKED_DAYS_AHEAD)
                payment.succeeded_at = min(booked, ctx.now - datetime.timedelta(days=1))
        if status == Payment.Status.FAILED:
            payment.failure_reason = FAILED_PAYMENT_REASON
        if kind == Payment.Kind.REFUND:
            payment.reason = REFUND_REASON
            payment.refund_of_id = _payment_id(reference, Payment.Kind.DEPOSIT)
            refunds.append(payment)
        else:
            received.append(payment)
    # Refunds after what they refund (refund_of).
    ensure_rows(Payment, received, key=("id",), report=ctx.report)
    ensure_rows(Payment, refunds, key=("id",), report=ctx.report)


def _card_keys(payment: Payment, booking: Booking) -> None:
    """The Stripe id and the idempotency key core/services/payments/ gives such a row."""
    if payment.status == Payment.Status.PENDING:
        # The customer has not opened the payment page yet: no PaymentIntent so far.
        payment.idempotency_key = f"booking:{booking.pk}:deposit"
        return
    payment.stripe_payment_id = _stripe_id(booking.reference, payment.kind)
    if payment.status == Payment.Status.FAILED:
        return  # a new attempt gets a row of its own
    if payment.kind == Payment.Kind.DEPOSIT:
        payment.idempotency_key = f"booking:{booking.pk}:deposit"
    elif payment.kind == Payment.Kind.BALANCE:
        payment.idempotency_key = f"booking:{booking.pk}:balance:{payment.pk}"
    else:
        original = _payment_id(booking.reference, Payment.Kind.DEPOSIT)
        payment.idempotency_key = f"booking:{booking.pk}:cancellation-refund:{original}"


def seed_stripe_events(ctx: DemoContext) -> None:
    payments = Payment.objects.in_bulk(
        [_payment_id(reference, kind) for _, _, _, reference, kind in STRIPE_EVENTS if reference]
    )
    rows = []
    for event_id, event_type, status, reference, kind in STRIPE_EVENTS:
        if reference:
            booking = ctx.bookings[reference]
            payment = payments[_payment_id(reference, kind)]
            stripe_object = {
                "id": payment.stripe_payment_id,
                "object": "refund" if kind == Payment.Kind.REFUND else "payment_intent",
                "amount": payment.amount_cents,
                "currency": "usd",
                "metadata": payment_metadata(payment, booking),
            }
            if kind == Payment.Kind.REFUND:
                stripe_object["status"] = "succeeded"
                stripe_object["payment_intent"] = _stripe_id(reference, Payment.Kind.DEPOSIT)
            elif event_type == "payment_intent.payment_failed":
                stripe_object["status"] = "requires_payment_method"
                stripe_object["last_payment_error"] = {
                    "code": "card_declined",
                    "message": FAILED_PAYMENT_REASON,
                }
            else:
                stripe_object["status"] = "succeeded"
                stripe_object["amount_received"] = payment.amount_cents
        else:
            stripe_object = {"id": "cus_demo_0001", "object": "customer", "metadata": {}}
        rows.append(
            StripeEvent(
                event_id=event_id,
                type=event_type,
                livemode=False,
                payload={
                    "id": event_id,
                    "object": "event",
                    "type": event_type,
                    "data": {"object": stripe_object},
                },
                status=status,
                attempts=1,
                note="type not handled" if status == StripeEvent.Status.IGNORED else f"{kind} {event_type}",
                processed_at=ctx.now,
            )
        )
    ensure_rows(StripeEvent, rows, key=("event_id",), report=ctx.report)


def refresh_customer_counters(ctx: DemoContext) -> None:
    """booking_count = completed bookings; total_spend_cents = money received minus refunds.

    As core/services/payments/ counts it: a payment is received once it has succeeded_at
    (a refunded deposit was received), and a succeeded refund takes its amount back out.
    """
    customers = list(ctx.customers.values())
    completed = dict(
        Booking.objects.filter(customer__in=customers, status=Booking.Status.COMPLETED)
        .values_list("customer_id")
        .annotate(Count("id"))
    )
    received = Q(kind__in=PAID_KINDS, succeeded_at__isnull=False)
    refunded = Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)
    spend = {
        row["booking__customer_id"]: row["received"] - row["refunded"]
        for row in Payment.objects.filter(booking__customer__in=customers)
        .values("booking__customer_id")
        .annotate(
            received=Sum("amount_cents", filter=received, default=0),
            refunded=Sum("amount_cents", filter=refunded, default=0),
        )
    }
    stale = []
    for customer in customers:
        counters = (completed.get(customer.pk, 0), spend.get(customer.pk, 0))
        if (customer.booking_count, customer.total_spend_cents) != counters:
            customer.booking_count, customer.total_spend_cents = counters
            customer.updated_at = timezone.now()  # bulk_update skips auto_now
            stale.append(customer)
    if stale:
        Customer.objects.bulk_update(stale, ["booking_count", "total_spend_cents", "updated_at"])
        ctx.report.updated[Customer._meta.label] += len(stale)
