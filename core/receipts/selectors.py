"""What a receipt shows: number, date, what was paid for, method, amounts, refunds, balance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from core.models import Booking, Payment, Receipt
from core.selectors import RECEIVED_STATUSES

BUSINESS_NAME = "My Hibachi"


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    quantity: int
    total_cents: int


@dataclass(frozen=True)
class ReceiptRefund:
    number: str | None
    date: datetime.date
    amount_cents: int


@dataclass(frozen=True)
class ReceiptData:
    number: str
    issued_on: datetime.date
    kind: str  # "Deposit", "Balance" or "Refund"
    is_refund: bool
    method: str
    amount_cents: int
    tip_cents: int
    booking_reference: str
    event_date: datetime.date
    event_slot: datetime.time
    customer_name: str
    customer_email: str
    station_name: str
    station_address: str
    station_phone: str
    lines: tuple[ReceiptLine, ...]  # what was paid for: the booking's quote lines
    travel_fee_cents: int
    tax_cents: int
    total_cents: int
    paid_cents: int  # everything received on the booking, refunds not deducted
    refunds: tuple[ReceiptRefund, ...]  # every succeeded refund of the booking so far
    balance_cents: int  # what is still due on the booking

    @property
    def refunded_cents(self) -> int:
        return sum(refund.amount_cents for refund in self.refunds)


def receipts_of_booking(booking: Booking) -> QuerySet[Receipt]:
    return Receipt.objects.filter(payment__booking=booking).select_related("payment").order_by("number")


def receipt_data(receipt: Receipt) -> ReceiptData:
    """A receipt, as of now. Two queries: the receipt with its payment and booking, then the
    booking's payments."""
    receipt = Receipt.objects.select_related("payment__booking__customer", "payment__booking__station").get(
        pk=receipt.pk
    )
    payment = receipt.payment
    booking = payment.booking
    station = booking.station
    others = list(
        Payment.objects.filter(booking=booking)
        .filter(
            Q(status__in=RECEIVED_STATUSES) | Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)
        )
        .select_related("receipt")
        .order_by("succeeded_at", "created_at")
    )
    paid = sum(
        p.amount_cents for p in others if p.kind != Payment.Kind.REFUND and p.status in RECEIVED_STATUSES
    )
    refunds = tuple(
        ReceiptRefund(
            number=p.receipt.label if hasattr(p, "receipt") else None,
            date=_local_date(p.succeeded_at or p.created_at, station.timezone),
            amount_cents=p.amount_cents,
        )
        for p in others
        if p.kind == Payment.Kind.REFUND and p.status == Payment.Status.SUCCEEDED
    )
    refunded = sum(refund.amount_cents for refund in refunds)
    quote = booking.quote or {}
    return ReceiptData(
        number=receipt.label,
        issued_on=_local_date(receipt.created_at, station.timezone),
        kind=payment.get_kind_display(),
        is_refund=payment.kind == Payment.Kind.REFUND,
        method=payment.get_method_display(),
        amount_cents=payment.amount_cents,
        tip_cents=payment.tip_cents,  # paid with the balance, to the chef
        booking_reference=booking.reference,
        event_date=booking.date,
        event_slot=booking.slot,
        customer_name=booking.customer.full_name,
        customer_email=booking.customer.email,
        station_name=f"{BUSINESS_NAME} {station.name}",
        station_address=f"{station.address}, {station.city}, {station.state} {station.zip_code}",
        station_phone=station.phone,
        lines=tuple(
            ReceiptLine(label=line["label"], quantity=line["quantity"], total_cents=line["total_cents"])
            for line in quote.get("lines", [])
        ),
        travel_fee_cents=quote.get("travel_fee_cents", 0),
        tax_cents=quote.get("tax_cents", 0),
        total_cents=booking.total_due_cents,
        paid_cents=paid,
        refunds=refunds,
        balance_cents=max(0, booking.total_due_cents - (paid - refunded))
        if booking.status != Booking.Status.CANCELLED
        else 0,
    )


def _local_date(moment: datetime.datetime, zone: str) -> datetime.date:
    return moment.astimezone(ZoneInfo(zone)).date()
