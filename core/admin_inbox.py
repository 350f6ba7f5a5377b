"""The staff panel's inbox action: reply to a customer's thread (by email, or SMS with consent).

Declared on the staff-panel kit and mixed into MessageThreadAdmin (core/admin.py); the reply is
core.services.messaging.thread_reply, which stores it in the thread, delivers it through the
notifications and clears the wait.
"""

from __future__ import annotations

from django import forms

from core.models import MessageThread
from core.services.messaging import REPLY_MAX_LENGTH, thread_reply
from identity.staff_panel.actions import ActionTarget, StaffAction, staff_actions


class ReplyForm(forms.Form):
    channel = forms.ChoiceField(
        choices=[(MessageThread.Channel.EMAIL, "Email"), (MessageThread.Channel.SMS, "SMS")],
        help_text="SMS only to a customer who agreed to texts; it ends with “Reply STOP to opt out.”",
    )
    subject = forms.CharField(required=False, max_length=200, help_text="Email only.")
    body = forms.CharField(max_length=REPLY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))


def _reply_initial(request, threads: list[MessageThread]) -> dict:
    sms = MessageThread.Channel.SMS
    return {"initial": {"channel": sms if threads[0].channel == sms else MessageThread.Channel.EMAIL}}


@staff_actions(
    StaffAction(
        name="reply",
        description="Reply",
        permission="conversation.handle",
        form=ReplyForm,
        form_kwargs=_reply_initial,
        one_at_a_time=True,
        title="Reply to the customer",
        submit_label="Send the reply",
        explain="Stored in the thread and sent to the customer; the thread stops waiting.",
        service=lambda thread, data, actor: thread_reply(
            thread=thread, body=data["body"], channel=data["channel"], subject=data["subject"], actor=actor
        ),
        done="Replied to {objects}.",
    ),
    target=ActionTarget(
        what="thread",
        label_of=lambda thread: thread.customer.full_name,
        station_of=lambda thread: thread.station_id,  # a thread belongs to one station
        prepare=lambda queryset: queryset.select_related("customer"),
    ),
)
class ThreadActions:
    """Mixed into MessageThreadAdmin."""
