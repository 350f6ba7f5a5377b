"""Customers' message threads: one open thread per customer and channel."""

from __future__ import annotations

import hashlib

from django.db import connection

from core.models import Booking, Customer, MessageThread


def thread_for_customer(*, customer: Customer, channel: str, booking: Booking | None = None) -> MessageThread:
    """The customer's open thread on the channel at a station (created when there is none).

    One thread per customer, channel and station keeps each conversation in one place for the
    staff it belongs to. The station is the booking's when the message is about one; else (a
    text from the customer) the thread they wrote in last, else their latest booking's station.
    A thread never moves to another station: a booking elsewhere opens a thread there.
    """
    station_id = booking.station_id if booking is not None else None
    thread = _open_thread(customer, channel, station_id)
    if thread is None:
        # Two deliveries to one customer at once must not open two threads: a lock per
        # customer, channel and station, held until the transaction ends.
        _advisory_lock(f"message-thread:{customer.pk}:{channel}:{station_id}")
        thread = _open_thread(customer, channel, station_id)
    if thread is None:
        if station_id is None:
            latest = Booking.objects.filter(customer=customer).order_by("-created_at").first()
            station_id = latest.station_id if latest else None
        return MessageThread.objects.create(
            customer=customer,
            channel=channel,
            booking=booking,
            station_id=station_id,
            subject=f"{customer.full_name} by {MessageThread.Channel(channel).label}",
        )
    fields = ["updated_at"]
    if booking is not None and thread.booking_id != booking.pk:
        thread.booking = booking  # the latest booking the conversation is about, at this station
        fields.append("booking")
    thread.save(update_fields=fields)
    return thread


def _open_thread(customer: Customer, channel: str, station_id) -> MessageThread | None:
    """The open thread at that station; with no station, the one the customer used last."""
    threads = MessageThread.objects.filter(customer=customer, channel=channel).exclude(
        status=MessageThread.Status.CLOSED
    )
    if station_id is not None:
        threads = threads.filter(station_id=station_id)
    return threads.order_by("-updated_at").first()


def _advisory_lock(name: str) -> None:
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
