"""What a notification says and the provider call that sends it: the email backend or the SMS gateway.

The one module that calls a provider. A test replaces a provider here
(`core.services.messaging.sending.sms_gateway`, `...sending.email_send`).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from core.models import Booking, Customer, Notification
from core.notifications import content, dispatch, render
from core.notifications.email import email_send
from core.notifications.sms import sms_gateway
from core.services.messaging.recipients import booking_sms_phone, notified_chef


@dataclass(frozen=True)
class Outgoing:
    """One message ready for its provider."""

    channel: str
    to: list[str]
    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] | None = None


def compose(notification: Notification, booking: Booking | None, customer: Customer | None) -> Outgoing:
    """One of core's own notifications, rendered from its template for its recipients."""
    context = render.notification_context(notification)
    if notification.kind in dispatch.CHEF_KINDS:
        chef = notified_chef(notification)
        if notification.channel == Notification.Channel.SMS:
            body = render.render_sms(notification.kind, context)
            return Outgoing(channel=notification.channel, to=[chef.phone], subject="", text=body)
        email = render.render_email(notification.kind, context)
        return Outgoing(
            channel=notification.channel,
            to=[chef.email] if chef.email else [],
            subject=email.subject,
            text=email.text,
            html=email.html,
        )
    if notification.channel == Notification.Channel.SMS:
        body = render.render_sms(notification.kind, context)
        phone = booking_sms_phone(booking) if booking is not None else customer.phone
        return Outgoing(channel=notification.channel, to=[phone], subject="", text=body)
    email = render.render_email(notification.kind, context)
    if notification.kind in dispatch.STAFF_KINDS:
        station_id = booking.station_id if booking else (notification.context or {}).get("station_id")
        to = dispatch.staff_recipients(UUID(str(station_id)) if station_id else None)
    else:
        to = [customer.email]
    return Outgoing(
        channel=notification.channel, to=to, subject=email.subject, text=email.text, html=email.html
    )


def send(outgoing: Outgoing) -> str:
    """Hand the message to its provider; the provider's id (raises what the provider raises)."""
    if outgoing.channel == Notification.Channel.SMS:
        return sms_gateway().send(to=outgoing.to[0], body=outgoing.text).provider_id
    return email_send(
        to=outgoing.to,
        subject=outgoing.subject,
        text=outgoing.text,
        html=outgoing.html,
        headers=outgoing.headers,
    )


def send_composed(channel: str, composed: content.ComposedMessage) -> str:
    """Send what an upper layer composed; the provider's id (raises what the provider raises)."""
    return send(
        Outgoing(
            channel=channel,
            to=list(composed.to),
            subject=composed.subject,
            text=composed.text,
            html=composed.html,
            headers=dict(composed.headers),
        )
    )
