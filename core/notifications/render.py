"""What a notification says: its context, and its email (subject, text, HTML) or SMS text.

Templates live in templates/emails/<name>.{subject.txt,txt,html} and templates/sms/<name>.txt.
Text templates are rendered without HTML escaping (an apostrophe stays an apostrophe); the
HTML ones are escaped as usual. A context holds one booking (or one lead's summary) and
nothing else, so a message cannot carry another customer's data.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context
from django.template.loader import get_template

from core.models import Booking, Notification, Receipt
from core.notifications.dispatch import CHEF_KINDS, STAFF_KINDS
from core.receipts.selectors import receipt_data
from core.selectors import booking_paid_cents
from core.tokens import manage_token_for
from kernel.money import format_cents
from ops.policy import CHEF_DETAILS_DAYS_BEFORE, booking_rules

BRAND = "My Hibachi"
# Every SMS but the opt-out confirmation ends with it (that one says how to opt back in).
SMS_OPT_OUT_TEXT = "Reply STOP to opt out."

# The template each kind is written with; kinds that differ only by timing share one.
TEMPLATE_NAMES: dict[str, str] = {
    Notification.Kind.BOOKING_RECEIVED: "booking_received",
    Notification.Kind.DEPOSIT_REMINDER_2H: "deposit_reminder",
    Notification.Kind.DEPOSIT_REMINDER_12H: "deposit_reminder",
    Notification.Kind.BOOKING_CONFIRMED: "booking_confirmed",
    Notification.Kind.BOOKING_RESCHEDULED: "booking_rescheduled",
    Notification.Kind.BOOKING_CANCELLED: "booking_cancelled",
    Notification.Kind.EVENT_REMINDER_48H: "event_reminder",
    Notification.Kind.EVENT_REMINDER_24H: "event_reminder",
    Notification.Kind.REVIEW_REQUEST: "review_request",
    Notification.Kind.MANAGE_LINK: "manage_link",
    Notification.Kind.SMS_OPT_OUT: "opt_out_confirmation",
    Notification.Kind.SMS_OPT_IN: "opt_in_confirmation",
    Notification.Kind.SMS_HELP: "help",
    Notification.Kind.STAFF_NEW_BOOKING: "staff_new_booking",
    Notification.Kind.STAFF_CANCELLATION_REQUEST: "staff_cancellation_request",
    Notification.Kind.STAFF_UNASSIGNED_CHEF: "staff_unassigned_chef",
    Notification.Kind.STAFF_PAYMENT_FLAGGED: "staff_payment_flagged",
    Notification.Kind.STAFF_LEAD_NOT_CONTACTED: "staff_lead_follow_up",
    Notification.Kind.STAFF_QUOTE_NOT_BOOKED: "staff_lead_follow_up",
    Notification.Kind.STAFF_ASSISTANT_ESCALATION: "staff_assistant_escalation",
    Notification.Kind.ASSISTANT_REPLY: "assistant_reply",
    Notification.Kind.CHEF_ASSIGNED: "chef_assigned",
    Notification.Kind.CHEF_UNASSIGNED: "chef_unassigned",
    Notification.Kind.CHEF_RESCHEDULED: "chef_rescheduled",
    Notification.Kind.CHEF_CANCELLED: "chef_cancelled",
    Notification.Kind.RECEIPT: "receipt",
    Notification.Kind.STAFF_MESSAGE_WAITING: "staff_message_waiting",
    Notification.Kind.STAFF_REPLY: "staff_reply",
}

# Extra context by kind: the hours in the reminders' wording.
KIND_CONTEXT: dict[str, dict[str, Any]] = {
    Notification.Kind.DEPOSIT_REMINDER_2H: {"hours_since_booking": 2},
    Notification.Kind.DEPOSIT_REMINDER_12H: {"hours_since_booking": 12},
    Notification.Kind.EVENT_REMINDER_48H: {"hours_until_event": 48},
    Notification.Kind.EVENT_REMINDER_24H: {"hours_until_event": 24},
    Notification.Kind.STAFF_LEAD_NOT_CONTACTED: {"follow_up": "not_contacted"},
    Notification.Kind.STAFF_QUOTE_NOT_BOOKED: {"follow_up": "quote_not_booked"},
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(kind: str, context: dict[str, Any]) -> RenderedEmail:
    name = TEMPLATE_NAMES[kind]
    subject = _render_text(f"emails/{name}.subject.txt", context)
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_tidy(_render_text(f"emails/{name}.txt", context)),
        html=get_template(f"emails/{name}.html").render(context),
    )


def render_sms(kind: str, context: dict[str, Any]) -> str:
    """The SMS text on one line, ending with the opt-out text (but the opt-out confirmation)."""
    body = " ".join(_render_text(f"sms/{TEMPLATE_NAMES[kind]}.txt", context).split())
    if kind != Notification.Kind.SMS_OPT_OUT and not body.endswith(SMS_OPT_OUT_TEXT):
        body = f"{body} {SMS_OPT_OUT_TEXT}"
    return body


def notification_context(notification: Notification) -> dict[str, Any]:
    """Everything the templates of this notification may use."""
    context: dict[str, Any] = {**base_context(), **KIND_CONTEXT.get(notification.kind, {})}
    if notification.kind in CHEF_KINDS and notification.booking_id is not None:
        # A chef's message: the party, never money or the customer's contact details.
        context.update(chef_booking_context(notification.booking))
    elif notification.booking_id is not None:
        # Only an email to the customer's stored address carries the link that may change
        # their contact details; a text goes to the day-of contact, who may be someone else.
        to_customer_email = (
            notification.channel == Notification.Channel.EMAIL and notification.kind not in STAFF_KINDS
        )
        context.update(booking_context(notification.booking, emailed_link=to_customer_email))
    elif notification.customer_id is not None:
        customer = notification.customer
        context["customer"] = {"first_name": customer.first_name, "full_name": customer.full_name}
    context.update(notification.context or {})
    if notification.kind == Notification.Kind.RECEIPT:
        receipt = Receipt.objects.get(pk=(notification.context or {})["receipt_id"])
        context["receipt"] = receipt_data(receipt)
    return context


def base_context() -> dict[str, Any]:
    return {
        "brand": BRAND,
        "support_email": settings.SUPPORT_EMAIL,
        "support_phone": settings.SUPPORT_PHONE,
        "site_url": settings.SITE_URL,
    }


def booking_context(booking: Booking, *, emailed_link: bool = False) -> dict[str, Any]:
    """One booking as the templates show it: dates in the station's time, amounts in dollars."""
    station, customer = booking.station, booking.customer
    zone = ZoneInfo(station.timezone)
    paid_cents = booking_paid_cents(booking=booking)
    rules = booking_rules(station)
    deposit_due_at = booking.deposit_due_at or (booking.created_at + rules.deposit_deadline)
    return {
        "customer": {
            "first_name": customer.first_name,
            "full_name": customer.full_name,
            "email": customer.email,
            "phone": customer.phone,
        },
        # The day-of contact given with this booking (the customer's stored details otherwise).
        "contact": {
            "full_name": f"{booking.contact_first_name} {booking.contact_last_name}".strip()
            or customer.full_name,
            "phone": booking.contact_phone or customer.phone,
        },
        "booking": {
            "reference": booking.reference,
            "status": booking.get_status_display(),
            "date": date_label(booking.date),
            "slot": time_label(booking.slot),
            "address": booking.address,
            "zone": booking.zone,
            "party": party_label(booking),
            "guest_count": booking.guest_count,
            "special_requests": booking.special_requests,
            "total": format_cents(booking.total_due_cents),
            "deposit": format_cents(booking.deposit_due_cents),
            "paid": format_cents(paid_cents),
            "balance": format_cents(max(0, booking.total_due_cents - paid_cents)),
            "refund": format_cents(booking.refund_due_cents),
            "has_refund": booking.refund_due_cents > 0,
            "deposit_due_at": datetime_label(deposit_due_at, zone),
            "cancellation_reason": booking.cancellation_reason,
            "chef": booking.chef.name if booking.chef_id else "",
            "manage_url": manage_url(booking, emailed=emailed_link),
            "admin_url": f"{settings.SITE_URL}/admin/core/booking/{booking.pk}/change/",
        },
        "station": {"name": station.name, "phone": station.phone, "email": station.email},
        "rules": rules.as_context(),
    }


def chef_booking_context(booking: Booking) -> dict[str, Any]:
    """What a chef's message may say about their party (DOMAIN.md "Chefs")."""
    return {
        "booking": {
            "reference": booking.reference,
            "status": booking.get_status_display(),
            "date": date_label(booking.date),
            "slot": time_label(booking.slot),
            "party": party_label(booking),
            "guest_count": booking.guest_count,
            "special_requests": booking.special_requests,
            "run_sheet_url": f"{settings.SITE_URL}/admin/schedule/run-sheet/?date={booking.date.isoformat()}",
        },
        "details_days": CHEF_DETAILS_DAYS_BEFORE,
        "station": {"name": booking.station.name, "phone": booking.station.phone},
    }


def manage_url(booking: Booking, *, emailed: bool = False) -> str:
    """The customer's link to their booking (CUSTOMER_SITE_URL/manage/<signed token>)."""
    return f"{settings.CUSTOMER_SITE_URL}/manage/{manage_token_for(booking, emailed=emailed)}"


def date_label(date: datetime.date) -> str:
    return f"{date:%A, %B} {date.day}, {date.year}"


def time_label(value: datetime.time) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'PM' if value.hour >= 12 else 'AM'}"


def datetime_label(value: datetime.datetime, zone: ZoneInfo) -> str:
    local = value.astimezone(zone)
    return f"{local:%A, %B} {local.day} at {time_label(local.time())} {local.tzname()}"


def party_label(booking: Booking) -> str:
    parts = [_count(booking.party_adults, "adult")]
    if booking.party_kids:
        parts.append(_count(booking.party_kids, "kid"))
    if booking.party_toddlers:
        parts.append(_count(booking.party_toddlers, "toddler"))
    return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _render_text(name: str, context: dict[str, Any]) -> str:
    # The engine's own Template, so that the context can switch HTML escaping off.
    return get_template(name).template.render(Context(context, autoescape=False))


_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind; keep at most one between paragraphs."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_LINES.sub("\n\n", lines) + "\n"
