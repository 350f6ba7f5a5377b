"""Staff panel: AI assistant conversations (with their messages) and the knowledge base."""

from django.contrib import admin
from django.db.models import Count
from django.utils.text import Truncator

from ai.models import Conversation, Knowledge, Message
from ai.services import conversation_mark_handled
from identity.staff_panel.actions import run_for_each, staff_may
from identity.staff_panel.audit_trail import admin_actor
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline


class MessageInline(ReadOnlyMixin, StationScopedInline, admin.TabularInline):
    model = Message
    fields = ("created_at", "role", "content", "confidence")
    readonly_fields = fields
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(StationScopedAdmin):
    station_path = ("station", "lead__station")
    ordering = ("-updated_at",)  # explicit: the counted (grouped) queryset drops Meta.ordering
    inlines = (MessageInline,)
    list_display = (
        "short_id",
        "channel",
        "status",
        "customer",
        "lead",
        "station",
        "message_count",
        "escalation_reason",
        "updated_at",
    )
    list_filter = ("status", "channel", "station")
    search_fields = (
        "=id",
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
        "handled_at",
        "customer",
        "lead",
        "station",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("created_at", "updated_at")
    actions = ("mark_handled",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_message_count=Count("messages"))

    def has_conversation_handle_permission(self, request) -> bool:
        return staff_may(request, "conversation.handle")

    @admin.action(description="Mark handled (close)", permissions=["conversation_handle"])
    def mark_handled(self, request, queryset):
        actor = admin_actor(request)
        run_for_each(
            self,
            request,
            queryset,
            permission="conversation.handle",
            station_of=lambda conversation: conversation.station_id,
            label_of=lambda conversation: f"conversation {str(conversation.pk)[:8]}",
            operation=lambda conversation: conversation_mark_handled(conversation=conversation, actor=actor),
            done="Marked {objects} handled.",
        )

    @admin.display(description="Conversation", ordering="created_at")
    def short_id(self, obj: Conversation) -> str:
        return str(obj.id)[:8]

    @admin.display(description="Messages", ordering="_message_count")
    def message_count(self, obj: Conversation) -> int:
        return obj._message_count


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, StationScopedAdmin):
    station_path = ("conversation__station", "conversation__lead__station")
    list_display = ("created_at", "conversation", "role", "excerpt", "confidence")
    list_filter = ("role", "conversation__channel")
    search_fields = ("content",)
    list_select_related = ("conversation",)
    date_hierarchy = "created_at"
    fields = ("conversation", "role", "content", "confidence", "created_at")
    readonly_fields = fields

    @admin.display(description="Message")
    def excerpt(self, obj: Message) -> str:
        return Truncator(obj.content).chars(80)


@admin.register(Knowledge)
class KnowledgeAdmin(StationScopedAdmin):
    station_path = None  # one knowledge base for every station
    list_display = ("title", "category", "is_active", "updated_at")
    list_filter = ("category", "is_active")
    search_fields = ("title", "body")
    date_hierarchy = "updated_at"
    fields = ("title", "category", "body", "is_active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
