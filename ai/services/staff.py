"""What staff do with the assistant's conversations: reply, take over, hand back, mark handled.

Every action is audited. A staff reply reaches the customer in the web widget (which polls the
transcript) or by text for an SMS conversation (a customer with SMS consent).
"""

from django.db import transaction
from django.utils import timezone

from ai.models import Conversation, Message
from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Customer, Notification
from core.services.messaging import notification_claim
from kernel.error_codes import AssistantErrors
from kernel.errors import ConflictError, ServiceError

STATE_FIELDS = ["status", "escalation_reason", "taken_over_at", "handled_at"]
MAX_REPLY_LENGTH = 1600


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _audit(conversation: Conversation, *, actor: Actor, action: str, before: dict, reason: str = "") -> None:
    audit_log_write(
        actor=actor,
        action=action,
        instance=conversation,
        station_id=conversation.station_id,
        before=before,
        after=snapshot(conversation, fields=STATE_FIELDS),
        reason=reason,
    )


@transaction.atomic
def conversation_mark_handled(*, conversation: Conversation, actor: Actor) -> Conversation:
    """Staff dealt with the conversation (an escalation answered): closed, with the time; audited.

    A no-op for a conversation already closed as handled.
    """
    conversation = _locked(conversation)
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


@transaction.atomic
def conversation_take_over(*, conversation: Conversation, actor: Actor) -> Conversation:
    """Staff answer from now on; the assistant stays silent until handed back. Idempotent."""
    conversation = _locked(conversation)
    if conversation.status == Conversation.Status.CLOSED:
        raise ConflictError("This conversation is closed.", code=AssistantErrors.CONVERSATION_CLOSED)
    if conversation.taken_over_at is not None:
        return conversation
    before = snapshot(conversation, fields=STATE_FIELDS)
    conversation.taken_over_at = timezone.now()
    conversation.save(update_fields=["taken_over_at", "updated_at"])
    _audit(conversation, actor=actor, action="conversation.take_over", before=before)
    return conversation


@transaction.atomic
def conversation_hand_back(*, conversation: Conversation, actor: Actor) -> Conversation:
    """The assistant answers again: active, no escalation, not taken over. Idempotent."""
    conversation = _locked(conversation)
    if conversation.status == Conversation.Status.CLOSED:
        raise ConflictError("This conversation is closed.", code=AssistantErrors.CONVERSATION_CLOSED)
    if conversation.status == Conversation.Status.ACTIVE and conversation.taken_over_at is None:
        return conversation
    before = snapshot(conversation, fields=STATE_FIELDS)
    conversation.status = Conversation.Status.ACTIVE
    conversation.escalation_reason = ""
    conversation.taken_over_at = None
    conversation.save(update_fields=["status", "escalation_reason", "taken_over_at", "updated_at"])
    _audit(conversation, actor=actor, action="conversation.hand_back", before=before)
    return conversation


@transaction.atomic
def conversation_staff_reply(*, conversation: Conversation, content: str, actor: Actor) -> Message:
    """A staff member's answer in the conversation; audited; texted for an SMS conversation."""
    content = (content or "").strip()
    if not content:
        raise ServiceError("Write a reply.", field="content")
    if len(content) > MAX_REPLY_LENGTH:
        raise ServiceError(f"At most {MAX_REPLY_LENGTH} characters.", field="content")
    conversation = _locked(conversation)
    if conversation.status == Conversation.Status.CLOSED:
        raise ConflictError("This conversation is closed.", code=AssistantErrors.CONVERSATION_CLOSED)
    message = Message.objects.create(
        conversation=conversation,
        role=Message.Role.STAFF,
        content=content,
        metadata={"staff": actor.label},
    )
    conversation.save(update_fields=["updated_at"])
    audit_log_write(
        actor=actor,
        action="conversation.staff_reply",
        instance=conversation,
        station_id=conversation.station_id,
        after={"message": str(message.pk), "content": content[:500]},
    )
    if conversation.channel == Conversation.Channel.SMS and conversation.customer_id:
        notification_claim(
            kind=Notification.Kind.ASSISTANT_REPLY,
            channel=Notification.Channel.SMS,
            customer=Customer(pk=conversation.customer_id),
            occurrence=f"message:{message.pk.hex}",
            context={"reply": content},
        )
    return message
