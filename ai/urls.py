from django.urls import path

from ai.api import ConversationReadApi, ConversationStartApi, MessageSendApi

urlpatterns = [
    path("assistant/conversations/", ConversationStartApi.as_view(), name="assistant-conversation-start"),
    path(
        "assistant/conversations/<str:token>/",
        ConversationReadApi.as_view(),
        name="assistant-conversation-read",
    ),
    path(
        "assistant/conversations/<str:token>/messages/",
        MessageSendApi.as_view(),
        name="assistant-message-send",
    ),
]
