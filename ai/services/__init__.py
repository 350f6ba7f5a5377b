"""Every write of the assistant.

conversations.py  started, answered (engine + guard), escalated, contacts captured as leads
staff.py          staff reply, take over, hand back, mark handled
funnel.py         an availability answer for a known contact: leads' checked_availability, by task name
sms.py            inbound texts (core's inbound SMS hook) become conversation messages
"""

from ai.services.conversations import (
    Exchange,
    conversation_escalate,
    conversation_message_receive,
    conversation_start,
    public_facts,
)
from ai.services.staff import (
    conversation_hand_back,
    conversation_mark_handled,
    conversation_staff_reply,
    conversation_take_over,
)

__all__ = [
    "Exchange",
    "conversation_escalate",
    "conversation_hand_back",
    "conversation_mark_handled",
    "conversation_message_receive",
    "conversation_staff_reply",
    "conversation_start",
    "conversation_take_over",
    "public_facts",
]
