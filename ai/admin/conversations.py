"""The staff inbox of the assistant's conversations, and what staff do in one."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.urls import path, reverse
from django.utils.text import Truncator

from ai.admin.actions import HANDLE, PAGE_OPERATIONS, ConversationActions, StaffReplyForm
from ai.models import Conversation, Message
from ai.selectors import INBOX_ORDER
from identity.staff_panel.actions import object_action_view, staff_may
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline


class MessageInline(ReadOnlyMixin, StationScopedInline, admin.TabularInline):
    model = Message
    fields = ("created_at", "role", "content", "confidence")
    readonly_fields = fields
    extra = 0
    classes = ("collapse",)


@admin.register(Conversation)
class ConversationAdmin(ConversationActions, StationScopedAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_message_count=Count("messages"))

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

    # The reply box and the buttons run the declared actions (ai/admin/actions.py) on this one.
    def reply_view(self, request: HttpRequest, object_id: str):
        return object_action_view(self, request, object_id, "reply")

    def operate_view(self, request: HttpRequest, object_id: str, operation: str):
        if operation not in {spec.name for spec in PAGE_OPERATIONS}:
            raise Http404(f"No operation {operation!r}.")
        return object_action_view(self, request, object_id, operation)

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
            "may_handle": staff_may(request, HANDLE, station_id=conversation.station_id),
            "lead_url": reverse("admin:crm_lead_change", args=[conversation.lead_id])
            if conversation.lead_id
            else "",
            "operations": [(spec.name, spec.description) for spec in PAGE_OPERATIONS],
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
