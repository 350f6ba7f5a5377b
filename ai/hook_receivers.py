"""The assistant's receivers of core's hooks (core/hooks.py), registered in ai/apps.py.

The inbound SMS receiver lives with the SMS service (ai.services.sms.sms_to_assistant).
"""

from ai.services.conversations import conversations_link_customer
from core.hooks import BookingCreated


def link_conversations_of_new_customer(event: BookingCreated) -> None:
    """After the booking committed, in core's follow-up task: the customer's chats are linked.

    No savepoint: the booking is committed whatever happens here, and an error rolls the task
    back (the lead conversion with it) for a retry. Idempotent: a linked conversation has its
    customer and is not matched again.
    """
    conversations_link_customer(customer=event.customer)
