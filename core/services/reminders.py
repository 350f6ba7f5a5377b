"""The scheduled sweeps over bookings (docs/business-rules.md "Scheduled work"); beat runs each
every few minutes.

A sweep is not one delayed task per booking: each run finds the bookings that are due *now*,
locks them with SKIP LOCKED (a concurrent run takes the others), and claims one notification
per booking and kind (core.services.messaging). The claim's unique constraint records that the
reminder was sent, so a sweep run twice, or on two workers at once, sends each reminder once.
Windows are bounded: a sweep that did not run for a while sends what is still useful (the
12-hour deposit reminder, not a stale 2-hour one) rather than everything it missed.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.db.models.query import prefetch_related_objects
from django.utils import timezone

from audit.actor import Actor
from core.models import ACTIVE_BOOKING_STATUSES, Booking, Notification, Payment, Review
from core.services.bookings import booking_cancel
from core.services.messaging import notifications_claim_for_booking
from identity.models import Station
from kernel.errors import ServiceError
from ops.policy import DEFAULT_BOOKING_RULES, duration_words

logger = logging.getLogger(__name__)

Kind = Notification.Kind
BATCH_SIZE = 500

# (kind, booking at least this old, and younger than this): while the deposit is unpaid.
DEPOSIT_REMINDERS = (
    (Kind.DEPOSIT_REMINDER_2H, datetime.timedelta(hours=2), datetime.timedelta(hours=12)),
    (Kind.DEPOSIT_REMINDER_12H, datetime.timedelta(hours=12), datetime.timedelta(hours=24)),
)
# (kind, event at most this far ahead, and more than this): in the station's time zone.
EVENT_REMINDERS = (
    (Kind.EVENT_REMINDER_48H, datetime.timedelta(hours=48), datetime.timedelta(hours=24)),
    (Kind.EVENT_REMINDER_24H, datetime.timedelta(hours=24), datetime.timedelta(0)),
)
UNASSIGNED_CHEF_HORIZON = datetime.timedelta(days=7)
REVIEW_REQUEST_AFTER = datetime.timedelta(hours=24)
# Completed longer ago than this: too late to ask (and no flood when the job is first deployed).
REVIEW_REQUEST_UNTIL = datetime.timedelta(days=7)

UNPAID_CANCEL_ACTOR = Actor.system(label="unpaid deposit sweep")
UNPAID_CANCEL_REASON = (
    f"The deposit was not paid within {duration_words(DEFAULT_BOOKING_RULES.deposit_deadline)} of booking."
)


def booking_deposit_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind customers of unpaid deposits 2 h and 12 h after booking (not held bookings); the number sent."""
    now = now or timezone.now()
    sent = 0
    for kind, after, until in DEPOSIT_REMINDERS:
        due = Booking.objects.filter(
            status=Booking.Status.DEPOSIT_PENDING,
            payment_hold=False,
            created_at__lte=now - after,
            created_at__gt=now - until,
        )
        sent += _claim_and_notify(due, kind=kind)
    return sent


def booking_unpaid_cancel(*, now: datetime.datetime | None = None) -> int:
    """Cancel bookings unpaid 24 h after booking (not those on staff hold); the number cancelled.

    Through booking_cancel with the system actor, one booking per transaction, so that the
    cancellation is audited and its email sent like any other.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        Q(deposit_due_at__lte=now)
        # Bookings made before deposit_due_at was stored: the default deadline.
        | Q(deposit_due_at__isnull=True, created_at__lte=now - DEFAULT_BOOKING_RULES.deposit_deadline),
        status=Booking.Status.DEPOSIT_PENDING,
        payment_hold=False,
    ).exclude(
        # A deposit that succeeded but has not confirmed the booking yet is for staff to sort
        # out, never a reason to cancel.
        Exists(
            Payment.objects.filter(
                booking=OuterRef("pk"), kind=Payment.Kind.DEPOSIT, status=Payment.Status.SUCCEEDED
            )
        )
    )
    cancelled = 0
    for booking_id in list(due.order_by("created_at").values_list("pk", flat=True)[:BATCH_SIZE]):
        try:
            with transaction.atomic():
                # Re-checked under the lock: paid, held or cancelled meanwhile, it is left alone.
                booking = due.filter(pk=booking_id).select_for_update(skip_locked=True).first()
                if booking is None:
                    continue
                booking_cancel(
                    booking=booking, actor=UNPAID_CANCEL_ACTOR, reason=UNPAID_CANCEL_REASON, by_customer=False
                )
        except ServiceError as exc:
            logger.warning("Unpaid booking %s not cancelled: %s", booking_id, exc.message)
            continue
        cancelled += 1
    return cancelled


def booking_event_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind customers of confirmed events 48 h and 24 h before they start; the number sent."""
    now = now or timezone.now()
    sent = 0
    for kind, at_most, more_than in EVENT_REMINDERS:
        due = _with_start(Booking.objects.filter(status=Booking.Status.CONFIRMED)).filter(
            starts_at__gt=now + more_than, starts_at__lte=now + at_most
        )
        sent += _claim_and_notify(due, kind=kind, per_event=True)
    return sent


def event_occurrence(booking: Booking) -> str:
    """What an event reminder belongs to: the event's date and slot ("2026-07-04 18:00").

    A reminder is claimed once per booking *and event time*: a booking moved to another date or
    slot gets its 48 h and 24 h reminders again before the new time.
    """
    return f"{booking.date.isoformat()} {booking.slot:%H:%M}"


def _event_occurrence_sql():
    """event_occurrence() in SQL, to find the bookings whose reminder for their time is unclaimed."""
    return Concat(
        Cast("date", CharField()),
        Value(" "),
        Func(F("slot"), Value("HH24:MI"), function="to_char", output_field=CharField()),
        output_field=CharField(),
    )


def booking_unassigned_chef_alerts_send(*, now: datetime.datetime | None = None) -> int:
    """Alert station staff to active bookings within 7 days that have no chef; the number of alerts.

    Once a day per booking (the business's day, settings.TIME_ZONE) for as long as it has no
    chef: the sweep runs every 30 minutes, so an assignment is noticed quickly, and staff are
    reminded daily rather than every half hour.
    """
    now = now or timezone.now()
    due = _with_start(Booking.objects.filter(status__in=ACTIVE_BOOKING_STATUSES, chef__isnull=True)).filter(
        starts_at__gt=now, starts_at__lte=now + UNASSIGNED_CHEF_HORIZON
    )
    return _claim_and_notify(
        due, kind=Kind.STAFF_UNASSIGNED_CHEF, occurrence=timezone.localdate(now).isoformat()
    )


def booking_review_requests_send(*, now: datetime.datetime | None = None) -> int:
    """Ask for a review 24 h after the event was completed (unless one was left); the number sent."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.COMPLETED,
        completed_at__lte=now - REVIEW_REQUEST_AFTER,
        completed_at__gt=now - REVIEW_REQUEST_UNTIL,
    ).exclude(Exists(Review.objects.filter(booking=OuterRef("pk"))))
    return _claim_and_notify(due, kind=Kind.REVIEW_REQUEST)


# --- Claiming ---------------------------------------------------------------------------------


def _claim_and_notify(
    due: QuerySet[Booking],
    *,
    kind: str,
    occurrence: str = "",
    per_event: bool = False,
) -> int:
    """Claim `kind` for each due booking not claimed yet and not locked by another run; the number claimed.

    With `per_event`, the occurrence is each booking's event date and slot (event_occurrence).
    """
    with transaction.atomic():
        if per_event:
            due = due.annotate(event_occurrence=_event_occurrence_sql())
            already = Notification.objects.filter(
                booking=OuterRef("pk"), kind=kind, occurrence=OuterRef("event_occurrence")
            )
        else:
            already = Notification.objects.filter(booking=OuterRef("pk"), kind=kind, occurrence=occurrence)
        # No select_related: FOR UPDATE would lock the joined customer and station rows too.
        bookings = list(
            due.filter(~Exists(already))
            .order_by("created_at")
            .select_for_update(skip_locked=True)[:BATCH_SIZE]
        )
        prefetch_related_objects(bookings, "customer", "station")
        claimed = 0
        for booking in bookings:
            key = event_occurrence(booking) if per_event else occurrence
            if notifications_claim_for_booking(booking=booking, kind=kind, occurrence=key):
                claimed += 1
    return claimed


def _with_start(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Annotate `starts_at`: the event's date and slot in its station's time zone, as an instant."""
    station_zone = Subquery(Station.objects.filter(pk=OuterRef("station_id")).values("timezone")[:1])
    local_start = ExpressionWrapper(F("date") + F("slot"), output_field=DateTimeField())
    # PostgreSQL's timezone(zone, timestamp without time zone): that wall-clock time in the zone.
    return bookings.annotate(
        starts_at=Func(station_zone, local_start, function="timezone", output_field=DateTimeField())
    )
