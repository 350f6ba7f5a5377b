"""The lead funnel steps a conversation shows: an availability question answered for a person
whose email or phone the assistant knows is a `checked_availability` event on their lead.

ai may not import leads (the import-linter independence contract): the event goes by the
task's registered name (kernel.queue), after the conversation's transaction commits, when the
lead the same message may have created is visible.
"""

from __future__ import annotations

from typing import Any

from ai.models import Conversation
from kernel.queue import enqueue_on_commit

FUNNEL_EVENT_TASK = "leads.funnel_event_record"
CHECKED_AVAILABILITY = "checked_availability"  # leads.models.LeadEvent.Type.CHECKED_AVAILABILITY


def availability_check_record(
    *, conversation: Conversation, availability: list[dict[str, Any]] | None
) -> bool:
    """After commit: the conversation's contact checked availability; whether it was enqueued.

    Only an answer that read the availability (slots for a date) counts, and only with an email
    or phone in the conversation's facts (an SMS conversation's number counts too).
    """
    if availability is None:
        return False
    facts = conversation.facts or {}
    email = facts.get("email") or ""
    phone = facts.get("phone") or conversation.phone or ""
    if not (email or phone):
        return False
    enqueue_on_commit(
        FUNNEL_EVENT_TASK,
        CHECKED_AVAILABILITY,
        email=email,
        phone=phone,
        payload={
            "via": "assistant",
            "channel": conversation.channel,
            "conversation": str(conversation.pk),
            "date": facts.get("date"),
            "slot": facts.get("slot"),
        },
    )
    return True
