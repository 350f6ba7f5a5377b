"""The lost-link email: every manage link of a customer's active bookings, to their own address."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import Booking
from core.notifications.email import email_send
from core.notifications.render import _render_text, _tidy, base_context, date_label, manage_url, time_label
from kernel.contact import normalize_email

SUBJECT = "Your My Hibachi booking links"


def bookings_with_links(*, email: str) -> QuerySet[Booking]:
    """The active bookings of the customer with this email, soonest first."""
    return (
        Booking.objects.filter(
            customer__email__iexact=normalize_email(email), status__in=Booking.ACTIVE_STATUSES
        )
        .select_related("customer", "station")
        .order_by("date", "slot")
    )


def customer_manage_links_send(*, email: str) -> int:
    """Email the manage link of each active booking to the customer with this email; how many.

    Nothing is sent, and 0 returned, when no customer has this email or they have no active
    booking; the caller answers the same either way, so the form tells nobody who is a
    customer. The links go only to the stored address, never to one typed in by someone else.
    """
    bookings = list(bookings_with_links(email=email))
    if not bookings:
        return 0
    customer = bookings[0].customer
    context = {
        **base_context(),
        "customer": {"first_name": customer.first_name},
        "bookings": [
            {
                "reference": booking.reference,
                "date": date_label(booking.date),
                "slot": time_label(booking.slot),
                "status": booking.get_status_display(),
                "manage_url": manage_url(booking),
            }
            for booking in bookings
        ],
    }
    email_send(
        to=[customer.email],
        subject=SUBJECT,
        text=_tidy(_render_text("emails/manage_links.txt", context)),
    )
    return len(bookings)
