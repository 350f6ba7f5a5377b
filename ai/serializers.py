"""Input and output shapes of the assistant's public API."""

from rest_framework import serializers

from ai.models import Conversation, Message
from ai.services.conversations import MAX_MESSAGE_LENGTH
from pricing.serializers import QuoteOutputSerializer

PUBLIC_CHANNELS = [Conversation.Channel.WEB]


class ConversationStartInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=PUBLIC_CHANNELS, default=Conversation.Channel.WEB)


class MessageInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=MAX_MESSAGE_LENGTH, trim_whitespace=True)


class TranscriptMessageOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=[Message.Role.USER, Message.Role.ASSISTANT, Message.Role.STAFF])
    content = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConversationStartOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Signed; keep it to continue the conversation.")
    status = serializers.ChoiceField(choices=Conversation.Status.choices)
    messages = TranscriptMessageOutputSerializer(many=True)


class TranscriptOutputSerializer(ConversationStartOutputSerializer):
    """The transcript: customer, assistant and staff messages, oldest first; the widget polls it."""


class ItemOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    quantity = serializers.IntegerField()


class FactsOutputSerializer(serializers.Serializer):
    party_adults = serializers.IntegerField(allow_null=True)
    party_kids = serializers.IntegerField(allow_null=True)
    party_toddlers = serializers.IntegerField(allow_null=True)
    items = ItemOutputSerializer(many=True)
    date = serializers.DateField(allow_null=True)
    slot = serializers.CharField(allow_null=True, help_text='"18:00"')
    zip_code = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True, help_text="E.164")
    first_name = serializers.CharField(allow_null=True)


class ReplyOutputSerializer(serializers.Serializer):
    content = serializers.CharField()
    confidence = serializers.FloatField(min_value=0, max_value=1)
    sources = serializers.ListField(child=serializers.CharField(), help_text="Knowledge entry titles.")


class EscalationOutputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Conversation.EscalationReason.choices)


class AvailabilityOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    slot = serializers.CharField()
    remaining = serializers.IntegerField()


class LeadOutputSerializer(serializers.Serializer):
    created = serializers.BooleanField()


class MessageReplyOutputSerializer(serializers.Serializer):
    reply = ReplyOutputSerializer()
    status = serializers.ChoiceField(choices=Conversation.Status.choices)
    escalation = EscalationOutputSerializer(allow_null=True)
    facts = FactsOutputSerializer()
    quote = QuoteOutputSerializer(allow_null=True, help_text="Exactly what POST /api/v1/quotes/ returns.")
    availability = AvailabilityOutputSerializer(many=True, allow_null=True)
    lead = LeadOutputSerializer(allow_null=True)
