"""Input and output shapes of the assistant's public API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ai.models import Conversation, Message
from ai.services.conversations import MAX_MESSAGE_LENGTH
from pricing.serializers import QuoteOutputSerializer

PUBLIC_CHANNELS = [Conversation.Channel.WEB]


class AssistantConversationStartInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=PUBLIC_CHANNELS, default=Conversation.Channel.WEB)


class AssistantMessageInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=MAX_MESSAGE_LENGTH, trim_whitespace=True)


class AssistantTranscriptMessageOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=[Message.Role.USER, Message.Role.ASSISTANT, Message.Role.STAFF])
    content = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssistantConversationStartOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Signed; keep it to continue the conversation.")
    status = serializers.ChoiceField(choices=Conversation.Status.choices)
    messages = AssistantTranscriptMessageOutputSerializer(many=True)


class AssistantTranscriptOutputSerializer(AssistantConversationStartOutputSerializer):
    """The transcript: customer, assistant and staff messages, oldest first; the widget polls it."""


class AssistantItemOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    quantity = serializers.IntegerField()


class AssistantFactsOutputSerializer(serializers.Serializer):
    party_adults = serializers.IntegerField(allow_null=True)
    party_kids = serializers.IntegerField(allow_null=True)
    party_toddlers = serializers.IntegerField(allow_null=True)
    items = AssistantItemOutputSerializer(many=True)
    date = serializers.DateField(allow_null=True)
    slot = serializers.CharField(allow_null=True, help_text='"18:00"')
    zip_code = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True, help_text="E.164")
    first_name = serializers.CharField(allow_null=True)


class AssistantReplyOutputSerializer(serializers.Serializer):
    content = serializers.CharField()
    confidence = serializers.FloatField(min_value=0, max_value=1)
    sources = serializers.ListField(child=serializers.CharField(), help_text="Knowledge entry titles.")


class AssistantEscalationOutputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Conversation.EscalationReason.choices)


class AssistantAvailabilityOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    slot = serializers.CharField()
    remaining = serializers.IntegerField()


class AssistantLeadOutputSerializer(serializers.Serializer):
    created = serializers.BooleanField()


@extend_schema_field(QuoteOutputSerializer)
class QuoteBodyField(serializers.JSONField):
    """The quote as the quote API's output serializer already wrote it (ai.engine.tools.Toolbox.quote):
    passed through unchanged, documented with that serializer's schema."""


class AssistantMessageReplyOutputSerializer(serializers.Serializer):
    reply = AssistantReplyOutputSerializer()
    status = serializers.ChoiceField(choices=Conversation.Status.choices)
    escalation = AssistantEscalationOutputSerializer(allow_null=True)
    facts = AssistantFactsOutputSerializer()
    quote = QuoteBodyField(allow_null=True, help_text="Exactly what POST /api/v1/quotes/ returns.")
    availability = AssistantAvailabilityOutputSerializer(many=True, allow_null=True)
    lead = AssistantLeadOutputSerializer(allow_null=True)
