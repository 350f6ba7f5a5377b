"""Sums of money moved: what a booking has paid and still owes, what a payment can still refund,
and the customer's total spend."""

import uuid

from django.db.models import F, Sum

from core import selectors
from core.models import Booking, Customer, Payment
from core.selectors import booking_net_paid_cents

__all__ = ["booking_balance_due_cents", "booking_net_paid_cents"]  # the selectors' one definition
from core.services.payments.rows import OPEN_REFUND_STATUSES


def _sum_cents(queryset) -> int:
    return queryset.aggregate(total=Sum("amount_cents"))["total"] or 0


def booking_balance_due_cents(booking: Booking) -> int:
    """The balance (core.selectors.booking_balance_due_cents defines it): total minus net paid."""
    return selectors.booking_balance_due_cents(booking=booking)


def _refunded_cents(payment: Payment) -> int:
    return _sum_cents(payment.refunds.filter(status=Payment.Status.SUCCEEDED))


def _refundable_cents(payment: Payment) -> int:
    """What can still be refunded of a payment: its amount minus refunds asked for or done."""
    if payment.status != Payment.Status.SUCCEEDED:
        return 0
    return payment.amount_cents - _sum_cents(payment.refunds.filter(status__in=OPEN_REFUND_STATUSES))


def _customer_spend_add(customer_id: uuid.UUID, cents: int) -> None:
    Customer.objects.filter(pk=customer_id).update(total_spend_cents=F("total_spend_cents") + cents)
