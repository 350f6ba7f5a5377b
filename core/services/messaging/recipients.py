"""Who a notification goes to: the phone that may receive a booking's texts, the notified chef.

Read both when a notification is claimed (which channels to claim) and again when it is
delivered (consent may have been withdrawn since), so the two can never disagree.
"""

from __future__ import annotations

from core.models import Booking, Customer, Notification
from core.notifications import dispatch
from ops.models import Chef


def booking_sms_phone(booking: Booking) -> str:
    """Where texts about this booking go: its day-of contact's phone, with consent; '' for none.

    A booking made before day-of contacts existed (no contact phone) texts the customer's
    stored phone, with the customer's consent. A customer's stored phone never receives texts
    for a booking whose form gave another number.
    """
    customer = booking.customer
    if booking.contact_phone:
        if booking.contact_sms_consent or (customer.sms_consent and customer.phone == booking.contact_phone):
            return booking.contact_phone
        return ""
    return customer.phone if customer.sms_consent and customer.phone else ""


def notified_chef(notification: Notification) -> Chef | None:
    """The chef a chef notification is about (named in its context); None when gone."""
    chef_id = (notification.context or {}).get("chef_id")
    return Chef.objects.filter(pk=chef_id).first() if chef_id else None


def customer_of(notification: Notification, booking: Booking | None) -> Customer | None:
    """The customer whose thread keeps a copy of the message; None for staff and chef notices."""
    if notification.kind in dispatch.STAFF_KINDS or notification.kind in dispatch.CHEF_KINDS:
        return None
    if booking is not None:
        return booking.customer
    if notification.customer_id is not None:
        customer = Customer.objects.get(pk=notification.customer_id)
        notification.customer = customer
        return customer
    return None
