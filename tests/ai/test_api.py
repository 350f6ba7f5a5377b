"""The assistant's public API: the documented contract, bad input, tokens, throttles."""

import pytest
import time_machine
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from ai.models import Conversation, Message
from audit.models import SecurityEvent
from pricing.models import PricingPolicy
from tests.ai.conftest import NOW, START_URL

pytestmark = pytest.mark.django_db


def test_starting_a_conversation_returns_a_signed_token_and_the_greeting(api_client, fremont):
    response = api_client.post(START_URL, {"channel": "web"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "active"
    assert ":" in body["token"] and len(body["messages"]) == 1
    assert body["messages"][0]["role"] == "assistant"
    assert Conversation.objects.get().channel == "web"


def test_a_quote_question_answers_with_exactly_the_quote_api_body(chat, api_client):
    reply = chat().say("Hi! How much for 10 adults and 2 kids in 94539 on June 14?")

    quote_api = api_client.post(
        "/api/v1/quotes/",
        {"party_adults": 10, "party_kids": 2, "zip_code": "94539", "date": "2027-06-14"},
        format="json",
    ).json()
    assert reply["quote"] == quote_api
    assert reply["facts"]["party_adults"] == 10 and reply["facts"]["party_kids"] == 2
    assert reply["facts"]["date"] == "2027-06-14" and reply["facts"]["zip_code"] == "94539"
    assert "$610" in reply["reply"]["content"]  # 10 x $55 + 2 x $30, no travel, no tax
    assert reply["status"] == "active" and reply["escalation"] is None
    assert 0 <= reply["reply"]["confidence"] <= 1


def test_the_reply_shape_has_every_documented_key(chat):
    reply = chat().say("hello")

    assert set(reply) == {"reply", "status", "escalation", "facts", "quote", "availability", "lead"}
    assert set(reply["reply"]) == {"content", "confidence", "sources"}
    assert set(reply["facts"]) == {
        "party_adults", "party_kids", "party_toddlers", "items", "date", "slot", "zip_code",
        "email", "phone", "first_name",
    }  # fmt: skip


def test_facts_accumulate_across_turns_and_can_be_corrected(chat):
    conversation = chat()
    conversation.say("We're thinking of 10 adults next Saturday evening")
    conversation.say("zip is 94539")

    reply = conversation.say("actually 12 adults")

    assert reply["facts"]["party_adults"] == 12
    assert reply["facts"]["date"] == "2027-03-06" and reply["facts"]["slot"] == "18:00"
    assert reply["quote"]["lines"][0] == {
        "code": "adult", "label": "Adults (13+)", "quantity": 12, "unit_cents": 5500, "total_cents": 66000,
    }  # fmt: skip


def test_availability_comes_from_the_availability_engine(chat):
    reply = chat().say("Do you have availability on March 20 at 6pm?")

    slots = {entry["slot"]: entry["remaining"] for entry in reply["availability"]}
    assert slots == {"12:00": 2, "15:00": 2, "18:00": 2, "21:00": 2}  # two chefs, nothing booked
    assert "Saturday, March 20, 2027" in reply["reply"]["content"]
    assert "https://myhibachi.test/book/?" in reply["reply"]["content"]


def test_a_knowledge_answer_names_its_source_and_fills_its_figures(chat):
    reply = chat().say("What's your cancellation policy?")

    assert reply["reply"]["sources"] == ["Cancellation and refund policy"]
    assert "4 or more days" in reply["reply"]["content"] and "$100" in reply["reply"]["content"]
    assert "{" not in reply["reply"]["content"]


@pytest.mark.parametrize("content", ["", "   ", "x" * 2001])
def test_an_empty_or_too_long_message_is_refused_with_the_field(chat, content):
    body = chat().say(content, status=400)

    assert body["error"]["code"] == "invalid" and "content" in body["error"]["fields"]


def test_a_tampered_token_is_a_404_and_a_security_event(chat, api_client):
    conversation = chat()

    response = api_client.post(
        f"{START_URL}{conversation.token[:-2]}xx/messages/", {"content": "hi"}, format="json"
    )

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID).count() == 1


def test_a_closed_conversation_refuses_new_messages_with_409(chat):
    conversation = chat()
    Conversation.objects.update(status=Conversation.Status.CLOSED)

    body = conversation.say("hello?", status=409)

    assert body["error"]["code"] == "conversation_closed"


def test_one_conversation_is_throttled_with_retry_after(chat, settings, api_client):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "assistant_conversation": "2/min"}
    conversation = chat()
    conversation.say("hi")
    conversation.say("hello")

    response = api_client.post(conversation.url, {"content": "anyone?"}, format="json")

    assert response.status_code == 429 and "Retry-After" in response.headers
    assert response.json()["error"]["code"] == "throttled"


def test_the_transcript_shows_customer_assistant_and_staff_messages(chat, api_client):
    # The clock ticks here (the suite's is frozen): the transcript is in the order messages were written.
    with time_machine.travel(NOW, tick=True):
        conversation = chat()
        conversation.say("hello")
        Message.objects.create(conversation=Conversation.objects.get(), role="staff", content="Hi, Sam here.")
        Message.objects.create(conversation=Conversation.objects.get(), role="system", content="internal")

    body = api_client.get(f"{START_URL}{conversation.token}/").json()

    assert [m["role"] for m in body["messages"]] == ["assistant", "user", "assistant", "staff"]
    assert body["status"] == "active"


def test_answering_a_message_stays_within_its_query_budget(chat, django_assert_max_num_queries):
    conversation = chat()

    with django_assert_max_num_queries(40):
        conversation.say("How much for 10 adults in 94539 on March 20 at 6pm, are you available?")


def test_the_openapi_schema_documents_the_assistant_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("ai.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert set(schema["paths"]) == {
        "/api/v1/assistant/conversations/",
        "/api/v1/assistant/conversations/{token}/",
        "/api/v1/assistant/conversations/{token}/messages/",
    }
    send = schema["paths"]["/api/v1/assistant/conversations/{token}/messages/"]["post"]
    assert {"200", "400", "404", "409", "429"} <= set(send["responses"])


def test_starting_conversations_is_throttled_per_ip(api_client, fremont, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "assistant": "2/min"}
    api_client.post(START_URL, {"channel": "web"}, format="json")
    api_client.post(START_URL, {"channel": "web"}, format="json")

    response = api_client.post(START_URL, {"channel": "web"}, format="json")

    assert response.status_code == 429 and "Retry-After" in response.headers


def test_a_signed_token_of_a_deleted_conversation_is_a_404(chat):
    conversation = chat()
    Conversation.objects.all().delete()

    body = conversation.say("hello", status=404)

    assert body["error"]["code"] == "not_found"


def test_a_price_changed_in_the_catalogue_changes_the_knowledge_answer(chat):
    PricingPolicy.objects.update(adult_price_cents=6000)

    reply = chat().say("What are your prices per guest?")

    assert reply["reply"]["sources"] == ["Prices per guest and the party minimum"]
    assert "$60 per person" in reply["reply"]["content"] and "$55 per person" not in reply["reply"]["content"]
