"""The assistant's public API: start a conversation, send a message, read the transcript.

Open to anyone, reached through a signed conversation token, throttled per client IP
(scope "assistant") and per conversation (scope "assistant_conversation").
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from ai.models import Conversation
from ai.selectors import transcript_messages
from ai.serializers import (
    AssistantConversationStartInputSerializer,
    AssistantConversationStartOutputSerializer,
    AssistantMessageInputSerializer,
    AssistantMessageReplyOutputSerializer,
    AssistantTranscriptOutputSerializer,
)
from ai.services import conversation_message_receive, conversation_start, public_facts
from ai.tokens import conversation_from_token, conversation_id_from_token, conversation_token
from audit.actor import Actor
from audit.throttling import PublicThrottle
from kernel.client_ip import client_ip
from kernel.openapi import INVALID, THROTTLED, documented_error

NOT_FOUND = documented_error("Unknown or tampered token.")
CLOSED = documented_error("The conversation is closed (code conversation_closed).")


class ConversationThrottle(SimpleRateThrottle):
    """Per conversation (its token), on top of the per-IP limit: one chat cannot flood staff."""

    scope = "assistant_conversation"

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        token = view.kwargs.get("token", "")
        return self.cache_format % {"scope": self.scope, "ident": token[-43:]} if token else None


def _transcript(conversation) -> dict:
    return {
        "token": conversation_token(conversation),
        "status": conversation.status,
        "messages": transcript_messages(conversation),
    }


class ConversationStartApi(APIView):
    throttle_scope = "assistant"

    @extend_schema(
        operation_id="assistant_conversation_start",
        tags=["assistant"],
        summary="Start a conversation with the assistant",
        request=AssistantConversationStartInputSerializer,
        responses={201: AssistantConversationStartOutputSerializer, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = AssistantConversationStartInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation = conversation_start(
            channel=serializer.validated_data["channel"], actor=Actor.from_request(request)
        )
        body = AssistantConversationStartOutputSerializer(_transcript(conversation)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ConversationReadApi(APIView):
    throttle_scope = "assistant"

    @extend_schema(
        operation_id="assistant_conversation_read",
        tags=["assistant"],
        summary="The transcript and status (the widget polls it for staff replies)",
        responses={200: AssistantTranscriptOutputSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request: Request, token: str) -> Response:
        conversation = conversation_from_token(token, ip_address=client_ip(request))
        return Response(AssistantTranscriptOutputSerializer(_transcript(conversation)).data)


class MessageSendApi(APIView):
    throttle_scope = "assistant"
    throttle_classes = [PublicThrottle, ConversationThrottle]

    @extend_schema(
        operation_id="assistant_message_send",
        tags=["assistant"],
        summary="Send a message; the assistant answers",
        description=(
            "The reply with its confidence and knowledge sources, the conversation's status, the "
            "escalation (reason) when a person takes over, the facts understood so far, the quote "
            "(exactly the body of POST /api/v1/quotes/ for those facts), the availability of the "
            "date asked about, and whether contact details created a lead. Every figure of the "
            "reply comes from the engines; a reply that fails that check is not sent."
        ),
        request=AssistantMessageInputSerializer,
        responses={
            200: AssistantMessageReplyOutputSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: CLOSED,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        # The token is checked without a query; the service reads (and locks) the conversation.
        conversation_id = conversation_id_from_token(token, ip_address=client_ip(request))
        serializer = AssistantMessageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exchange = conversation_message_receive(
            conversation=Conversation(pk=conversation_id),
            content=serializer.validated_data["content"],
            actor=Actor.from_request(request),
        )
        conversation = exchange.conversation
        body = {
            "reply": {
                "content": exchange.reply_content,
                "confidence": exchange.confidence,
                "sources": exchange.sources,
            },
            "status": conversation.status,
            "escalation": {"reason": exchange.escalation} if exchange.escalation else None,
            "facts": public_facts(conversation.facts or {}),
            "quote": exchange.quote,
            "availability": exchange.availability,
            "lead": exchange.lead,
        }
        return Response(AssistantMessageReplyOutputSerializer(body).data)
