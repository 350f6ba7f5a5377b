"""The assistant's receivers of core's hooks (core/hooks.py), registered in ai/apps.py.

The inbound SMS receiver lives with the SMS service (ai.services.sms.sms_to_assistant).
"""

import logging

from django.db import DatabaseError, transaction

from ai.services.conversations import conversations_link_customer
from core.hooks import BookingCreated

logger = logging.getLogger(__name__)


def link_conversations_of_new_customer(event: BookingCreated) -> None:
    """Inside the booking's transaction: the customer's chats are linked to them.

    In a savepoint, and never failing the booking: a chat left unlinked is a small loss.
    """
    try:
        with transaction.atomic():
            conversations_link_customer(customer=event.customer)
    except DatabaseError:
        logger.exception("Conversations not linked to customer %s.", event.customer.pk)
