"""The staff panel's inbox action: reply to a customer's thread (by email, or SMS with consent).

Mixed into MessageThreadAdmin (core/admin.py); the reply is core.services.messaging.thread_reply,
which stores it in the thread, delivers it through the notifications and clears the wait.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from core.models import MessageThread
from core.services.messaging import REPLY_MAX_LENGTH, thread_reply
from identity.staff_panel.actions import action_form_response, exactly_one, staff_may, submitted_form
from identity.staff_panel.audit_trail import admin_actor
from kernel.errors import ServiceError


class ReplyForm(forms.Form):
    channel = forms.ChoiceField(
        choices=[(MessageThread.Channel.EMAIL, "Email"), (MessageThread.Channel.SMS, "SMS")],
        help_text="SMS only to a customer who agreed to texts; it ends with “Reply STOP to opt out.”",
    )
    subject = forms.CharField(required=False, max_length=200, help_text="Email only.")
    body = forms.CharField(max_length=REPLY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))


def _station_of(thread: MessageThread):
    return thread.booking.station_id if thread.booking_id else None


class ThreadActions:
    actions = ("reply",)

    def has_conversation_handle_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "conversation.handle")

    @admin.action(description="Reply", permissions=["conversation_handle"])
    def reply(self, request: HttpRequest, queryset):
        thread = exactly_one(self, request, queryset.select_related("booking", "customer"), "thread")
        if thread is None:
            return None
        default_channel = (
            MessageThread.Channel.SMS if thread.channel == MessageThread.Channel.SMS else "email"
        )
        form = submitted_form(request, ReplyForm, initial={"channel": default_channel})
        if form.is_bound and form.is_valid():
            if not staff_may(request, "conversation.handle", station_id=_station_of(thread)):
                self.message_user(
                    request, "You may not answer this thread at its station.", level=messages.ERROR
                )
                return None
            try:
                thread_reply(
                    thread=thread,
                    body=form.cleaned_data["body"],
                    channel=form.cleaned_data["channel"],
                    subject=form.cleaned_data["subject"],
                    actor=admin_actor(request),
                )
            except ServiceError as error:
                self.message_user(request, f"{thread}: {error.message}", level=messages.ERROR)
                return None
            self.message_user(request, f"Replied to {thread.customer.full_name}.", level=messages.SUCCESS)
            return None
        return action_form_response(
            self,
            request,
            objects=[thread],
            form=form,
            title="Reply to the customer",
            action="reply",
            submit_label="Send the reply",
        )
