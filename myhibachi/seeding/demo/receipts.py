"""The demo's receipts: one for every payment and refund the demo has received (as the payment
services would have issued them), numbered from the receipts' sequence."""

from django.db.models import Q

from core.models import Payment, Receipt
from myhibachi.seeding.demo.context import DemoContext
from myhibachi.seeding.rows import ensure_rows
from myhibachi.seeding.sequences import next_values

RECEIVED = Q(status__in=(Payment.Status.SUCCEEDED, Payment.Status.REFUNDED))


def seed_receipts(ctx: DemoContext) -> None:
    payments = list(
        Payment.objects.filter(booking__in=ctx.bookings.values())
        .filter(RECEIVED)
        .filter(receipt__isnull=True)
        .order_by("succeeded_at", "created_at")
    )
    numbers = next_values("core.receipt_numbers", len(payments))
    ensure_rows(
        Receipt,
        [Receipt(payment=payment, number=number) for payment, number in zip(payments, numbers, strict=True)],
        key=("payment_id",),
        report=ctx.report,
    )
