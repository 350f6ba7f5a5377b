"""Every write to the AI assistant's conversations that staff make."""

from django.db import transaction
from django.utils import timezone

from ai.models import Conversation
from audit.actor import Actor
from audit.services import audit_log_write, snapshot


@transaction.atomic
def conversation_mark_handled(*, conversation: Conversation, actor: Actor) -> Conversation:
    """Staff dealt with the conversation (an escalation answered): closed, with the time; audited.

    A no-op for a conversation already closed as handled.
    """
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == Conversation.Status.CLOSED and conversation.handled_at is not None:
        return conversation
    before = snapshot(conversation)
    conversation.status = Conversation.Status.CLOSED
    conversation.handled_at = timezone.now()
    conversation.save(update_fields=["status", "handled_at", "updated_at"])
    audit_log_write(
        actor=actor,
        action="conversation.mark_handled",
        instance=conversation,
        station_id=conversation.station_id,
        before=before,
        after=snapshot(conversation),
    )
    return conversation
