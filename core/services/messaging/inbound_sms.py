"""Texts from customers: stored in their thread; STOP, START and HELP acted on, anything else
flagged for staff."""

from __future__ import annotations

import logging
import re
import uuid

from django.db import transaction
from django.db.models import F, Max

from audit.actor import Actor
from core.hooks import InboundSms, SmsFromUnknownNumber, inbound_sms_received, sms_from_unknown_number
from core.models import ACTIVE_BOOKING_STATUSES, Booking, Customer, Message, MessageThread, Notification
from core.services.messaging.claims import notification_claim
from core.services.messaging.consent import (
    booking_contact_sms_consent_revoke,
    customer_sms_consent_grant,
    customer_sms_consent_revoke,
)
from core.services.messaging.inbox import thread_flag_for_staff
from core.services.messaging.threads import thread_for_customer
from kernel.contact import normalize_phone
from kernel.errors import ServiceError

logger = logging.getLogger(__name__)

Kind = Notification.Kind

INBOUND_BODY_MAX_LENGTH = 1600

OPT_OUT_KEYWORDS = frozenset({"STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_KEYWORDS = frozenset({"HELP"})


class InboundOutcome:
    UNKNOWN_NUMBER = "unknown_number"
    DUPLICATE = "duplicate"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    HELP = "help"
    FLAGGED = "flagged"


@transaction.atomic
def sms_inbound_receive(*, from_phone: str, body: str, provider_id: str = "") -> str:
    """Take one text from a customer: store it, and act on STOP/START/HELP or flag the thread for staff.

    The customer is found by E.164 phone. An unknown number is answered with nothing (we hold
    no consent to reply) and no thread is stored; after commit core.hooks.sms_from_unknown_number
    tells the layers above (leads keeps it as an `sms` lead). The
    provider's message id makes a redelivered webhook a no-op. Returns an InboundOutcome.
    """
    try:
        phone = normalize_phone(from_phone or "")
    except ServiceError:
        return InboundOutcome.UNKNOWN_NUMBER
    keyword = _keyword(body)
    actor = Actor.customer(label="customer by SMS")
    # A day-of contact's number may belong to no customer: STOP still stops that booking's texts.
    contact_revoked = (
        booking_contact_sms_consent_revoke(phone=phone, actor=actor, reason=f"texted {keyword}")
        if keyword in OPT_OUT_KEYWORDS
        else 0
    )
    customers = _customers_by_phone(phone)
    if not customers:
        if contact_revoked:
            return InboundOutcome.OPTED_OUT
        day_of_booking = _booking_with_day_of_phone(phone)
        if day_of_booking is None:
            logger.info("Inbound SMS from a number no customer has; not stored here.")
            if keyword not in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS:
                # Someone new wrote to us: the layers above act on it (leads keeps them as a lead;
                # the assistant, when on, answers in a conversation of its own).
                inbound_sms_received.send(
                    InboundSms(phone=phone, body=body or "", provider_id=provider_id, customer_id=None)
                )
                event = SmsFromUnknownNumber(phone=phone, body=body or "", provider_id=provider_id)
                transaction.on_commit(lambda: sms_from_unknown_number.send(event), robust=True)
            return InboundOutcome.UNKNOWN_NUMBER
        if _already_received(provider_id):
            return InboundOutcome.DUPLICATE
        # A booking's day-of contact writing back: kept in that booking's conversation for its
        # staff. Not answered automatically: a reply would go by the customer's stored details.
        thread = thread_for_customer(
            customer=day_of_booking.customer, channel=MessageThread.Channel.SMS, booking=day_of_booking
        )
        _store_inbound(thread, body, provider_id)
        thread_flag_for_staff(thread=thread, actor=actor, reason="the booking's day-of contact texted us")
        return InboundOutcome.FLAGGED
    if _already_received(provider_id):
        return InboundOutcome.DUPLICATE

    customer = customers[0]
    thread = thread_for_customer(customer=customer, channel=MessageThread.Channel.SMS)
    _store_inbound(thread, body, provider_id)
    occurrence = (provider_id or uuid.uuid4().hex)[:64]

    if keyword in OPT_OUT_KEYWORDS:
        # The phone's owner asked: no customer record at this number may be texted any more.
        revoked = [
            customer_sms_consent_revoke(customer=each, actor=actor, reason=f"texted {keyword}")
            for each in customers
        ]
        if any(revoked) or contact_revoked:  # one confirmation, only when this text changed something
            notification_claim(
                kind=Kind.SMS_OPT_OUT,
                channel=Notification.Channel.SMS,
                customer=customer,
                occurrence=occurrence,
            )
        return InboundOutcome.OPTED_OUT
    if keyword in OPT_IN_KEYWORDS:
        granted = [
            customer_sms_consent_grant(customer=each, actor=actor, keyword=keyword) for each in customers
        ]
        if any(granted):
            notification_claim(
                kind=Kind.SMS_OPT_IN,
                channel=Notification.Channel.SMS,
                customer=customer,
                occurrence=occurrence,
            )
        return InboundOutcome.OPTED_IN
    if keyword in HELP_KEYWORDS:
        notification_claim(
            kind=Kind.SMS_HELP, channel=Notification.Channel.SMS, customer=customer, occurrence=occurrence
        )
        return InboundOutcome.HELP
    thread_flag_for_staff(thread=thread, actor=actor, reason="the customer texted us")
    inbound_sms_received.send(
        InboundSms(phone=phone, body=body or "", provider_id=provider_id, customer_id=customer.pk)
    )
    return InboundOutcome.FLAGGED


def _already_received(provider_id: str) -> bool:
    return bool(provider_id) and (
        Message.objects.filter(
            channel=MessageThread.Channel.SMS, direction=Message.Direction.INBOUND, provider_id=provider_id
        ).exists()
    )


def _store_inbound(thread: MessageThread, body: str, provider_id: str) -> Message:
    return Message.objects.create(
        thread=thread,
        channel=MessageThread.Channel.SMS,
        direction=Message.Direction.INBOUND,
        body=(body or "")[:INBOUND_BODY_MAX_LENGTH],
        status=Message.Status.RECEIVED,
        provider_id=provider_id[:128],
    )


def _booking_with_day_of_phone(phone: str) -> Booking | None:
    """The latest active booking whose day-of contact has this phone (docs/business-rules.md)."""
    return (
        Booking.objects.select_related("customer")
        .filter(contact_phone=phone, status__in=ACTIVE_BOOKING_STATUSES)
        .order_by("-created_at")
        .first()
    )


def _customers_by_phone(phone: str) -> list[Customer]:
    """The customers at this phone, locked, the one with the latest booking first."""
    ordered_ids = list(
        Customer.objects.filter(phone=phone)
        .annotate(last_booking_at=Max("bookings__created_at"))
        .order_by(F("last_booking_at").desc(nulls_last=True), "-created_at")
        .values_list("pk", flat=True)
    )
    locked = Customer.objects.select_for_update().in_bulk(ordered_ids)
    return [locked[pk] for pk in ordered_ids if pk in locked]


def _keyword(body: str) -> str:
    """The message as a keyword: trimmed, upper-case, without trailing punctuation ('Stop.' is STOP)."""
    return re.sub(r"[\s.!]+$", "", (body or "").strip()).upper()
