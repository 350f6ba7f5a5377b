"""Inbound texts to the assistant (ASSISTANT_SMS=on): registered on core's inbound SMS hook."""

import logging

from django.conf import settings
from django.db import transaction

from ai.models import Conversation
from ai.services.conversations import conversation_message_receive, conversation_start
from audit.actor import Actor
from core.hooks import InboundSms
from core.models import Customer
from kernel.errors import ServiceError

logger = logging.getLogger(__name__)


def sms_to_assistant(sms: InboundSms) -> None:
    """The text joins the open SMS conversation of its phone (a new one when none is open) and is
    answered like a chat message. Off unless ASSISTANT_SMS is on.

    Runs in a savepoint of core's inbound transaction: an assistant failure is logged and undone,
    and never loses the inbound text core stored.
    """
    if not settings.ASSISTANT_SMS or not sms.body.strip():
        return
    try:
        with transaction.atomic():
            _receive(sms)
    except ServiceError as error:
        logger.warning("Inbound SMS not answered by the assistant: %s", error.message)


def _receive(sms: InboundSms) -> None:
    conversation = (
        Conversation.objects.filter(channel=Conversation.Channel.SMS, phone=sms.phone)
        .exclude(status=Conversation.Status.CLOSED)
        .order_by("-created_at")
        .first()
    )
    actor = Actor.customer(label="customer by SMS")
    if conversation is None:
        customer = Customer.objects.filter(pk=sms.customer_id).first() if sms.customer_id else None
        conversation = conversation_start(
            channel=Conversation.Channel.SMS, actor=actor, phone=sms.phone, customer=customer
        )
    conversation_message_receive(conversation=conversation, content=sms.body[:2000], actor=actor)
