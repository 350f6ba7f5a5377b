"""Sweeps and deliveries racing on real threads, each with its own database connection: nothing twice."""

import datetime
import threading
from collections import Counter
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection

from core.models import Booking, Notification
from core.services.messaging import notification_claim, notification_deliver
from core.services.reminders import booking_deposit_reminders_send, booking_event_reminders_send
from tests.core.factories import CustomerFactory
from tests.core.notifications.conftest import SIX_PM, local, make_booking

NOW = local(2026, 6, 30, 12, 0)
HOUR = datetime.timedelta(hours=1)
THREADS = 4
BOOKINGS = 12


def race(work: Callable[[], object], threads: int = THREADS) -> list[object]:
    """Run `work` on `threads` threads at once; each result, or the exception it raised."""
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a sweep hung (deadlock?)"
    return results


@pytest.mark.django_db(transaction=True)
def test_deposit_sweeps_racing_on_four_threads_send_each_reminder_once(station, mailoutbox, sms_outbox):
    # Given twelve unpaid bookings made 3 hours ago, by customers who accept texts
    bookings = [
        make_booking(
            station=station,
            status=Booking.Status.DEPOSIT_PENDING,
            customer=CustomerFactory(sms_consent=True),
            created_at=NOW - 3 * HOUR,
        )
        for _ in range(BOOKINGS)
    ]

    # When four workers run the sweep at the same moment
    results = race(lambda: booking_deposit_reminders_send(now=NOW))

    # Then every booking was claimed by exactly one of them
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == BOOKINGS
    # And each customer got exactly one email and one text
    assert Counter(email.to[0] for email in mailoutbox) == Counter(b.customer.email for b in bookings)
    assert Counter(text.to for text in sms_outbox) == Counter(b.customer.phone for b in bookings)
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2 * BOOKINGS


@pytest.mark.django_db(transaction=True)
def test_event_reminder_sweeps_racing_send_each_reminder_once(station, mailoutbox):
    for _ in range(BOOKINGS):
        make_booking(
            station=station,
            date=datetime.date(2026, 7, 1),
            slot=SIX_PM,
            customer=CustomerFactory(sms_consent=False),
        )

    with time_machine.travel(local(2026, 7, 1, 12, 0) - 20 * HOUR):  # every thread's clock
        results = race(booking_event_reminders_send)

    assert sum(r for r in results if isinstance(r, int)) == BOOKINGS
    assert len(mailoutbox) == BOOKINGS
    assert len({email.to[0] for email in mailoutbox}) == BOOKINGS


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_notification_send_it_once(station, sms_outbox, monkeypatch):
    from core.notifications import dispatch

    booking = make_booking(station=station, customer=CustomerFactory(sms_consent=True))
    monkeypatch.setattr(dispatch, "delivery_on_commit", lambda notification_id: None)
    notification = notification_claim(
        kind=Notification.Kind.BOOKING_CONFIRMED, channel="sms", booking=booking, customer=booking.customer
    )

    results = race(lambda: notification_deliver(notification_id=notification.pk), threads=6)

    assert len(sms_outbox) == 1
    assert Counter(results)[Notification.Status.SENT] == 1
    assert Notification.objects.get().status == Notification.Status.SENT
