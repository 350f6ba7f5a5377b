"""The staff inbox of the assistant's conversations, and what staff do in one."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from ai.models import Conversation, Message
from ai.selectors import INBOX_ORDER
from ai.services import (
    conversation_hand_back,
    conversation_mark_handled,
    conversation_staff_reply,
    conversation_take_over,
)
from ai.services.staff import MAX_REPLY_LENGTH
from identity.staff_panel.actions import run_for_each, staff_may
from identity.staff_panel.audit_trail import admin_actor
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from kernel.errors import ServiceError


class MessageInline(ReadOnlyMixin, StationScopedInline, admin.TabularInline):
    model = Message
    fields = ("created_at", "role", "content", "confidence")
    readonly_fields = fields
    extra = 0
    classes = ("collapse",)


class StaffReplyForm(forms.Form):
    content = forms.CharField(
        label="Reply to the customer",
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


# The staff operations of a conversation's page: URL name -> (service, done message).
OPERATIONS = {
    "take_over": (conversation_take_over, "You answer this conversation now; the assistant is silent."),
    "hand_back": (conversation_hand_back, "Handed back: the assistant answers again."),
    "mark_handled": (conversation_mark_handled, "Marked handled and closed."),
}


@admin.register(Conversation)
class ConversationAdmin(StationScopedAdmin):
    station_path = ("station", "lead__station")
    # The inbox: escalated first, then active, then closed (ai.selectors.conversations_inbox).
    ordering = INBOX_ORDER
    inlines = (MessageInline,)
    change_form_template = "admin/ai/conversation/change_form.html"
    list_display = (
        "short_id",
        "channel",
        "status",
        "escalation_reason",
        "taken_over",
        "customer",
        "lead",
        "station",
        "message_count",
        "updated_at",
    )
    list_filter = ("status", "channel", "escalation_reason", "station")
    search_fields = (
        "=id",
        "phone",
        "customer__email",
        "customer__last_name",
        "lead__first_name",
        "lead__last_name",
        "escalation_reason",
    )
    list_select_related = ("customer", "lead", "station")
    autocomplete_fields = ("customer", "lead")
    date_hierarchy = "created_at"
    fields = (
        "channel",
        "status",
        "escalation_reason",
        "taken_over_at",
        "handled_at",
        "phone",
        "customer",
        "lead",
        "station",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "status",
        "escalation_reason",
        "taken_over_at",
        "handled_at",
        "phone",
        "created_at",
        "updated_at",
    )
    actions = ("take_over", "hand_back", "mark_handled")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_message_count=Count("messages"))

    def has_conversation_handle_permission(self, request) -> bool:
        return staff_may(request, "conversation.handle")

    # --- list actions ---------------------------------------------------------------------

    def _run(self, request, queryset, operation: str, done: str) -> None:
        actor = admin_actor(request)
        service = OPERATIONS[operation][0]
        run_for_each(
            self,
            request,
            queryset,
            permission="conversation.handle",
            station_of=lambda conversation: conversation.station_id,
            label_of=lambda conversation: f"conversation {str(conversation.pk)[:8]}",
            operation=lambda conversation: service(conversation=conversation, actor=actor),
            done=done,
        )

    @admin.action(description="Take over (staff answer)", permissions=["conversation_handle"])
    def take_over(self, request, queryset):
        self._run(request, queryset, "take_over", "Took over {objects}.")

    @admin.action(description="Hand back to the assistant", permissions=["conversation_handle"])
    def hand_back(self, request, queryset):
        self._run(request, queryset, "hand_back", "Handed {objects} back to the assistant.")

    @admin.action(description="Mark handled (close)", permissions=["conversation_handle"])
    def mark_handled(self, request, queryset):
        self._run(request, queryset, "mark_handled", "Marked {objects} handled.")

    # --- columns --------------------------------------------------------------------------

    @admin.display(description="Conversation", ordering="created_at")
    def short_id(self, obj: Conversation) -> str:
        return str(obj.id)[:8]

    @admin.display(description="Messages", ordering="_message_count")
    def message_count(self, obj: Conversation) -> int:
        return obj._message_count

    @admin.display(description="Staff answering", boolean=True, ordering="taken_over_at")
    def taken_over(self, obj: Conversation) -> bool:
        return obj.taken_over_at is not None

    # --- the conversation's page: transcript, facts, quote, lead, reply box ---------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="ai_conversation_reply",
            ),
            path(
                "<path:object_id>/operate/<str:operation>/",
                self.admin_site.admin_view(self.operate_view),
                name="ai_conversation_operate",
            ),
            *super().get_urls(),
        ]

    def _handled_object(self, request: HttpRequest, object_id: str) -> Conversation:
        conversation = self.get_object(request, object_id)
        if conversation is None:
            raise PermissionDenied
        if not staff_may(request, "conversation.handle", station_id=conversation.station_id):
            raise PermissionDenied
        return conversation

    def _back(self, conversation: Conversation) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:ai_conversation_change", args=[conversation.pk]))

    def reply_view(self, request: HttpRequest, object_id: str):
        return require_POST(self._reply)(request, object_id)

    def _reply(self, request: HttpRequest, object_id: str):
        conversation = self._handled_object(request, object_id)
        form = StaffReplyForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Write a reply (at most 1600 characters).", messages.ERROR)
            return self._back(conversation)
        try:
            conversation_staff_reply(
                conversation=conversation, content=form.cleaned_data["content"], actor=admin_actor(request)
            )
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            where = "by text" if conversation.channel == Conversation.Channel.SMS else "in the chat"
            self.message_user(request, f"Reply sent; the customer sees it {where}.", messages.SUCCESS)
        return self._back(conversation)

    def operate_view(self, request: HttpRequest, object_id: str, operation: str):
        return require_POST(self._operate)(request, object_id, operation)

    def _operate(self, request: HttpRequest, object_id: str, operation: str):
        if operation not in OPERATIONS:
            raise PermissionDenied
        conversation = self._handled_object(request, object_id)
        service, done = OPERATIONS[operation]
        try:
            service(conversation=conversation, actor=admin_actor(request))
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._back(conversation)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conversation = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if conversation is not None:
            extra_context.update(self._panel_context(request, conversation))
        return super().change_view(request, object_id, form_url, extra_context)

    def _panel_context(self, request: HttpRequest, conversation: Conversation) -> dict:
        transcript = list(conversation.messages.order_by("created_at"))
        last_quote = next(
            (m.metadata.get("quote") for m in reversed(transcript) if (m.metadata or {}).get("quote")), None
        )
        facts = conversation.facts or {}
        return {
            "transcript": transcript,
            "facts": [
                (key.replace("_", " "), value) for key, value in facts.items() if value not in (None, "", [])
            ],
            "last_quote": last_quote,
            "reply_form": StaffReplyForm(),
            "may_handle": staff_may(request, "conversation.handle", station_id=conversation.station_id),
            "lead_url": reverse("admin:crm_lead_change", args=[conversation.lead_id])
            if conversation.lead_id
            else "",
            "operations": [
                (name, label)
                for name, label in (
                    ("take_over", "Take over"),
                    ("hand_back", "Hand back to the assistant"),
                    ("mark_handled", "Mark handled"),
                )
            ],
        }


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, StationScopedAdmin):
    station_path = ("conversation__station", "conversation__lead__station")
    list_display = ("created_at", "conversation", "role", "excerpt", "confidence")
    list_filter = ("role", "conversation__channel")
    search_fields = ("content",)
    list_select_related = ("conversation",)
    date_hierarchy = "created_at"
    fields = ("conversation", "role", "content", "confidence", "metadata", "created_at")
    readonly_fields = fields

    @admin.display(description="Message")
    def excerpt(self, obj: Message) -> str:
        return Truncator(obj.content).chars(80)
