"""Customers' message threads: one open thread per customer and channel."""

from __future__ import annotations

import hashlib

from django.db import connection

from core.models import Booking, Customer, MessageThread


def thread_for_customer(*, customer: Customer, channel: str, booking: Booking | None = None) -> MessageThread:
    """The customer's open thread on the channel (created when there is none), touched for the inbox order.

    One thread per customer and channel keeps the whole conversation in one place for staff;
    it points at the booking the latest message is about.
    """
    thread = _open_thread(customer, channel)
    if thread is None:
        # Two deliveries to one customer at once must not open two threads: a lock per
        # customer and channel, held until the transaction ends.
        _advisory_lock(f"message-thread:{customer.pk}:{channel}")
        thread = _open_thread(customer, channel)
    if thread is None:
        return MessageThread.objects.create(
            customer=customer,
            channel=channel,
            booking=booking,
            subject=f"{customer.full_name} by {MessageThread.Channel(channel).label}",
        )
    fields = ["updated_at"]
    if booking is not None and thread.booking_id != booking.pk:
        thread.booking = booking
        fields.append("booking")
    thread.save(update_fields=fields)
    return thread


def _open_thread(customer: Customer, channel: str) -> MessageThread | None:
    return (
        MessageThread.objects.filter(customer=customer, channel=channel)
        .exclude(status=MessageThread.Status.CLOSED)
        .order_by("-updated_at")
        .first()
    )


def _advisory_lock(name: str) -> None:
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
