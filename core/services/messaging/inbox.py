"""The two-way inbox: a thread waits for staff (flagged, the station's staff alerted once), and
staff reply to it (by email, or by SMS with consent), which clears the wait.

A reply is a message in the thread like any other: stored queued, claimed as a notification
(kind staff_reply, occurrence = the message), and delivered by the worker through the same
machinery as every customer message; an SMS reply ends with the STOP text (render.render_sms)
and goes only to a customer who consented to texts (checked here, and again on delivery).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Message, MessageThread, Notification
from core.services.messaging.claims import notification_claim
from kernel.errors import ServiceError

Kind = Notification.Kind
REPLY_MAX_LENGTH = 1000  # an SMS reply is sent in up to 7 segments; an email has no such limit
EXCERPT_LENGTH = 300


@transaction.atomic
def thread_flag_for_staff(*, thread: MessageThread, actor: Actor, reason: str = "") -> MessageThread:
    """Mark the thread as needing staff attention and alert the station's staff; a no-op when it already does.

    One alert per wait: more texts while it waits alert nobody again; after a reply (which
    clears it) the next text alerts again.
    """
    thread = MessageThread.objects.select_for_update().select_related("customer").get(pk=thread.pk)
    if thread.status == MessageThread.Status.NEEDS_ATTENTION:
        return thread
    before = snapshot(thread, fields=["status"])
    thread.status = MessageThread.Status.NEEDS_ATTENTION
    thread.save(update_fields=["status", "updated_at"])
    audit_log_write(
        actor=actor,
        action="message_thread.flag",
        instance=thread,
        before=before,
        after=snapshot(thread, fields=["status"]),
        reason=reason,
    )
    _staff_alert_claim(thread)
    return thread


def _staff_alert_claim(thread: MessageThread) -> None:
    latest = (
        Message.objects.filter(thread=thread, direction=Message.Direction.INBOUND)
        .order_by("-created_at")
        .values_list("pk", "body")
        .first()
    )
    message_id, body = latest or (uuid.uuid4(), "")
    station_id = thread.station_id  # a thread belongs to one station's staff
    notification_claim(
        kind=Kind.STAFF_MESSAGE_WAITING,
        channel=Notification.Channel.EMAIL,
        # One per wait: the message that started it.
        occurrence=message_id.hex,
        context={
            "station_id": str(station_id) if station_id else None,
            "waiting": {
                "customer": thread.customer.full_name,
                "channel": thread.get_channel_display(),
                "excerpt": body[:EXCERPT_LENGTH],
                "admin_url": f"{settings.SITE_URL}/admin/core/messagethread/{thread.pk}/change/",
            },
        },
    )


@transaction.atomic
def thread_reply(
    *, thread: MessageThread, body: str, actor: Actor, channel: str = "", subject: str = ""
) -> Message:
    """Staff answer the customer: a message in the thread, delivered after commit; the wait is cleared.

    `channel`: email or sms (default: the thread's own, email for web and phone threads).
    Refused: an empty or too long body; SMS without the customer's consent or phone; email
    without an address.
    """
    thread = MessageThread.objects.select_for_update().select_related("customer").get(pk=thread.pk)
    customer = thread.customer
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write the reply.", field="body")
    if len(body) > REPLY_MAX_LENGTH:
        raise ServiceError(f"At most {REPLY_MAX_LENGTH} characters.", field="body")
    sms, email = MessageThread.Channel.SMS, MessageThread.Channel.EMAIL
    channel = channel or (sms if thread.channel == sms else email)
    if channel == sms:
        if not customer.phone:
            raise ServiceError("This customer has no phone number: reply by email.", field="channel")
        if not customer.sms_consent:
            raise ServiceError(
                "This customer has not agreed to texts (or texted STOP): reply by email.", field="channel"
            )
        recipient = customer.phone
    elif channel == email:
        if not customer.email:
            raise ServiceError("This customer has no email address.", field="channel")
        recipient = customer.email
    else:
        raise ServiceError("Reply by email or SMS.", field="channel")

    message = Message.objects.create(
        thread=thread,
        channel=channel,
        direction=Message.Direction.OUTBOUND,
        subject=subject[:200],
        body=body,
        status=Message.Status.QUEUED,
        template=Kind.STAFF_REPLY,
    )
    notification = notification_claim(
        kind=Kind.STAFF_REPLY,
        channel=channel,
        customer=customer,
        occurrence=message.pk.hex,
        recipient=recipient,
        context={"reply": {"body": body, "subject": subject}},
    )
    Notification.objects.filter(pk=notification.pk).update(message=message)
    before = snapshot(thread, fields=["status"])
    if thread.status == MessageThread.Status.NEEDS_ATTENTION:
        thread.status = MessageThread.Status.OPEN
    thread.save(update_fields=["status", "updated_at"])
    audit_log_write(
        actor=actor,
        action="message_thread.reply",
        instance=thread,
        before=before,
        after={**snapshot(thread, fields=["status"]), "channel": channel, "message_id": str(message.pk)},
        reason=body[:EXCERPT_LENGTH],
    )
    return message
