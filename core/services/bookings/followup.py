"""After a booking commits, one task: its notifications are claimed, and the layers above are
told (core.hooks.booking_created).

booking_create enqueues `core.booking_created_followup` on commit, one message per booking, so
that the request pays neither for the lead conversion and the assistant's conversation link nor
for a message per notification (issue 15). The notifications (the customer's booking-received
email, the staff alert, the chef's news) are claimed first, each exactly once whatever the
retries (their occurrences are minted at enqueue); then the hook's receivers run in one
transaction (all or nothing), so a failing receiver never holds back an email. The task is
retried; a lost enqueue (a broker outage at commit) is made good by the sweep, which sends the
hook again for the bookings of the last hours. The receivers are idempotent (a converted lead
is closed, a linked conversation has its customer), so a second run changes nothing.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from audit.services import audit_batch
from core.hooks import BookingCreated, booking_created
from core.models import Booking
from core.notifications.dispatch import BookingEventArgs, booking_created_events
from core.services.messaging.claims import booking_event_notifications_create
from kernel.queue import enqueue, enqueue_on_commit

FOLLOWUP_TASK = "core.booking_created_followup"
# The sweep (every 15 minutes) looks again at the bookings created between these ages: the
# task has had time to run, and each booking is looked at a few times at most.
SWEEP_FROM = datetime.timedelta(minutes=10)
SWEEP_UNTIL = datetime.timedelta(hours=2)


def booking_created_followup_on_commit(booking: Booking, *, notify_customer: bool = True) -> None:
    """Inside booking_create's transaction: the follow-up task is sent once the booking commits."""
    events = booking_created_events(booking, notify_customer=notify_customer)
    enqueue_on_commit(FOLLOWUP_TASK, str(booking.pk), events)


def booking_created_followup(*, booking_id: UUID, events: list[BookingEventArgs] = ()) -> bool:
    """Claim the booking's notifications, then send booking_created for the committed booking.

    False when the booking does not exist (rolled back, or never committed). An exception of a
    receiver rolls all of them back and propagates (the task retries; the notifications already
    claimed are not claimed twice).
    """
    for event, occurrence, context in events:  # a booking that is gone claims nothing (logged)
        booking_event_notifications_create(
            booking_id=booking_id, event=event, occurrence=occurrence, context=context
        )
    return _booking_created_send(booking_id)


@transaction.atomic
def _booking_created_send(booking_id: UUID) -> bool:
    booking = Booking.objects.select_related("customer").filter(pk=booking_id).first()
    if booking is None:
        return False
    with audit_batch():
        booking_created.send(BookingCreated(booking=booking, customer=booking.customer))
    return True


def booking_created_followups_sweep(*, now: datetime.datetime | None = None) -> int:
    """Enqueue the follow-up again for the bookings created a while ago (a lost enqueue); how many."""
    now = now or timezone.now()
    booking_ids = list(
        Booking.objects.filter(created_at__gt=now - SWEEP_UNTIL, created_at__lte=now - SWEEP_FROM)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    for booking_id in booking_ids:
        enqueue(FOLLOWUP_TASK, str(booking_id))
    return len(booking_ids)
