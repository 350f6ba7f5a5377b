"""Reads of the assistant's conversations."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from ai.models import Conversation, Message

CUSTOMER_VISIBLE_ROLES = (Message.Role.USER, Message.Role.ASSISTANT, Message.Role.STAFF)

# The staff inbox order: escalated first, then active, then closed; newest activity first.
INBOX_ORDER = (
    Case(
        When(status=Conversation.Status.ESCALATED, then=Value(0)),
        When(status=Conversation.Status.ACTIVE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    ).asc(),
    "-updated_at",
)


def transcript_messages(conversation: Conversation) -> list[dict]:
    """What the customer sees: their messages, the assistant's and staff's, oldest first. One query."""
    return list(
        Message.objects.filter(conversation=conversation, role__in=CUSTOMER_VISIBLE_ROLES)
        .order_by("created_at")
        .values("id", "role", "content", "created_at")
    )


def conversations_inbox(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """The conversations in the staff inbox order (INBOX_ORDER)."""
    return queryset.order_by(*INBOX_ORDER)
