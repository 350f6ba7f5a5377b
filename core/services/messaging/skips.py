"""Why a claimed notification must not go out any more (checked at delivery, under its lock).

A reminder is claimed ahead of time; by the time it is delivered the deposit may be paid,
the event moved, the review written or the consent withdrawn. Such a notification is marked
skipped, with the reason, instead of sent.
"""

from __future__ import annotations

from django.utils import timezone

from core.models import ACTIVE_BOOKING_STATUSES, Booking, Customer, Notification, Review
from core.notifications import dispatch
from core.selectors import booking_starts_at
from core.services.messaging.recipients import booking_sms_phone, notified_chef

Kind = Notification.Kind

DEPOSIT_REMINDER_KINDS = frozenset({Kind.DEPOSIT_REMINDER_2H, Kind.DEPOSIT_REMINDER_12H})
EVENT_REMINDER_KINDS = frozenset({Kind.EVENT_REMINDER_48H, Kind.EVENT_REMINDER_24H})


def skip_reason(notification: Notification, booking: Booking | None, customer: Customer | None) -> str:
    """Why the notification must not go out any more; '' when it should."""
    kind, status = notification.kind, booking.status if booking else None
    if kind in DEPOSIT_REMINDER_KINDS and (status != Booking.Status.DEPOSIT_PENDING or booking.payment_hold):
        return "the deposit is no longer awaited"
    if kind in EVENT_REMINDER_KINDS and status != Booking.Status.CONFIRMED:
        return "the booking is no longer confirmed"
    if kind in EVENT_REMINDER_KINDS and booking_starts_at(booking) <= timezone.now():
        return "the event has started"
    if (
        kind in EVENT_REMINDER_KINDS
        and notification.occurrence
        and notification.occurrence != f"{booking.date.isoformat()} {booking.slot:%H:%M}"
    ):
        return "the event was moved (its new time gets its own reminder)"
    if kind == Kind.REVIEW_REQUEST and (
        status != Booking.Status.COMPLETED or Review.objects.filter(booking=booking).exists()
    ):
        return "nothing to review"
    if kind == Kind.STAFF_UNASSIGNED_CHEF and (
        booking.chef_id is not None or status not in ACTIVE_BOOKING_STATUSES
    ):
        return "the booking has a chef, or is no longer active"
    if kind in dispatch.CHEF_KINDS:
        return _chef_skip_reason(notification, booking)
    if kind not in dispatch.STAFF_KINDS and customer is None:
        return "no customer"
    if notification.channel == Notification.Channel.SMS:
        if booking is not None and kind not in dispatch.SMS_WITHOUT_CONSENT_KINDS:
            return "" if booking_sms_phone(booking) else "no SMS consent"
        if not customer.phone:
            return "no phone number"
        if kind not in dispatch.SMS_WITHOUT_CONSENT_KINDS and not customer.sms_consent:
            return "no SMS consent"
    return ""


def _chef_skip_reason(notification: Notification, booking: Booking | None) -> str:
    chef = notified_chef(notification)
    if chef is None or booking is None:
        return "no chef"
    if notification.channel == Notification.Channel.SMS and not (chef.sms_consent and chef.phone):
        return "no SMS consent"
    if notification.kind == Kind.CHEF_ASSIGNED and booking.chef_id != chef.pk:
        return "the party went to another chef since"
    if notification.kind == Kind.CHEF_UNASSIGNED and booking.chef_id == chef.pk:
        return "the party was given back to this chef"
    return ""
