"""Issuing a receipt: once per succeeded payment or refund, with its email claimed exactly once."""

from __future__ import annotations

import uuid

from django.db import connection

from core.models import Booking, Notification, Payment, Receipt
from core.services.messaging.claims import notification_claim


def receipt_issue(*, payment: Payment, booking: Booking | None = None) -> Receipt:
    """The receipt of a succeeded payment or refund (numbered now if it has none), and its email.

    Call it inside the transaction that records the success (the payment services do). One
    INSERT ... ON CONFLICT takes the next number from the core.receipt_numbers sequence, so a
    second call, or a concurrent one, finds the receipt and sends nothing more.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO "core"."receipts" (id, payment_id, number, created_at, updated_at) '
            "VALUES (%s, %s, nextval('core.receipt_numbers'), now(), now()) "
            "ON CONFLICT (payment_id) DO NOTHING RETURNING id, payment_id, number, created_at, updated_at",
            [uuid.uuid4(), payment.pk],
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return Receipt.objects.get(payment=payment)
    receipt = Receipt.from_db(
        connection.alias, ["id", "payment_id", "number", "created_at", "updated_at"], list(inserted)
    )
    booking = booking or payment.booking
    notification_claim(
        kind=Notification.Kind.RECEIPT,
        channel=Notification.Channel.EMAIL,
        booking=booking,
        customer=booking.customer,
        occurrence=str(payment.pk),
        context={"receipt_id": str(receipt.pk)},
    )
    return receipt
