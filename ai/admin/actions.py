"""The staff panel's actions on the assistant's conversations: each one calls the staff service.

Declared on the staff-panel kit (identity/staff_panel/actions.py) and mixed into
ConversationAdmin. The same declarations serve the changelist's action menu and the buttons
and reply box of a conversation's own page (`object_action_view`), so both check the same
permission (`conversation.handle`, at the conversation's station) and report the same way.
"""

from __future__ import annotations

from django import forms

from ai.models import Conversation
from ai.services import (
    conversation_hand_back,
    conversation_mark_handled,
    conversation_staff_reply,
    conversation_take_over,
)
from ai.services.staff import MAX_REPLY_LENGTH
from identity.staff_panel.actions import ActionTarget, StaffAction, staff_actions

HANDLE = "conversation.handle"


class StaffReplyForm(forms.Form):
    content = forms.CharField(
        label="Reply to the customer",
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


CONVERSATION = ActionTarget(
    what="conversation",
    label_of=lambda conversation: f"conversation {str(conversation.pk)[:8]}",
    station_of=lambda conversation: conversation.station_id,
)

TAKE_OVER = StaffAction(
    name="take_over",
    description="Take over (staff answer)",
    permission=HANDLE,
    service=lambda conversation, data, actor: conversation_take_over(conversation=conversation, actor=actor),
    done="Took over {objects}: you answer now, the assistant is silent.",
)
HAND_BACK = StaffAction(
    name="hand_back",
    description="Hand back to the assistant",
    permission=HANDLE,
    service=lambda conversation, data, actor: conversation_hand_back(conversation=conversation, actor=actor),
    done="Handed {objects} back to the assistant.",
)
MARK_HANDLED = StaffAction(
    name="mark_handled",
    description="Mark handled (close)",
    permission=HANDLE,
    service=lambda conversation, data, actor: conversation_mark_handled(
        conversation=conversation, actor=actor
    ),
    done="Marked {objects} handled.",
)
REPLY = StaffAction(
    name="reply",
    description="Reply to the customer",
    permission=HANDLE,
    form=StaffReplyForm,
    one_at_a_time=True,
    title="Reply to the customer",
    submit_label="Send reply",
    explain=lambda conversations: (
        "The customer reads it by text."
        if conversations[0].channel == Conversation.Channel.SMS
        else "The customer reads it in the chat."
    ),
    service=lambda conversation, data, actor: conversation_staff_reply(
        conversation=conversation, content=data["content"], actor=actor
    ),
    done="Reply sent in {objects}; the customer sees it where they wrote (the chat, or by text).",
)
# The buttons of a conversation's page, in order (the reply has its own box).
PAGE_OPERATIONS = (TAKE_OVER, HAND_BACK, MARK_HANDLED)


@staff_actions(TAKE_OVER, HAND_BACK, MARK_HANDLED, REPLY, target=CONVERSATION)
class ConversationActions:
    """Mixed into ConversationAdmin: answer, take over, hand back, close."""
