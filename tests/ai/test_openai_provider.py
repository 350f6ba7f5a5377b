"""The optional OpenAI provider, tested at the HTTP edge: the real SDK over an httpx MockTransport."""

import json

import httpx
import pytest

from ai.engine import openai_provider
from ai.models import Message

pytestmark = pytest.mark.django_db


def completion(message: dict) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_800_000_000,
        "model": "gpt-test",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }


def tool_call(name: str, arguments: dict) -> dict:
    return completion(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(arguments)},
                }
            ],
        }
    )


def final(text: str) -> dict:
    return completion({"role": "assistant", "content": text})


@pytest.fixture
def llm(settings, monkeypatch):
    """llm(responses): the provider answers each chat completion request with the next response
    (a dict, or an exception to raise); the requests it received are returned."""
    settings.ASSISTANT_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = "https://llm.test/v1"
    settings.OPENAI_MODEL = "gpt-test"

    def install(responses: list) -> list[dict]:
        received: list[dict] = []
        pending = iter(responses)

        def handler(request: httpx.Request) -> httpx.Response:
            assert request.url == "https://llm.test/v1/chat/completions"
            received.append(json.loads(request.content))
            response = next(pending)
            if isinstance(response, Exception):
                raise response
            if isinstance(response, int):
                return httpx.Response(response, json={"error": {"message": "boom"}})
            return httpx.Response(200, json=response)

        client = httpx.Client(transport=httpx.MockTransport(handler))
        monkeypatch.setattr(openai_provider, "http_client", lambda: client)
        return received

    return install


def test_the_model_quotes_through_the_quote_tool_and_its_reply_passes_the_guard(chat, llm, api_client):
    received = llm(
        [
            tool_call("get_quote", {"party_adults": 10, "party_kids": 2, "zip_code": "94539"}),
            final("For 10 adults and 2 kids the total is $610, with a $100 deposit."),
        ]
    )

    reply = chat().say("how much for 10 adults and 2 kids in 94539?")

    assert reply["reply"]["content"] == "For 10 adults and 2 kids the total is $610, with a $100 deposit."
    quote_api = api_client.post(
        "/api/v1/quotes/", {"party_adults": 10, "party_kids": 2, "zip_code": "94539"}, format="json"
    ).json()
    assert reply["quote"] == quote_api
    assert [tool["function"]["name"] for tool in received[0]["tools"]] == [
        "get_quote", "check_availability", "search_knowledge", "capture_contact", "escalate",
    ]  # fmt: skip
    tool_result = json.loads(received[1]["messages"][-1]["content"])
    assert tool_result["total_due_cents"] == 61000
    assert Message.objects.exclude(metadata={}).get().metadata["provider"] == "openai"


def test_a_model_that_invents_a_price_is_not_sent(chat, llm):
    llm(
        [
            tool_call("get_quote", {"party_adults": 10, "zip_code": "94539"}),
            final("Great news: only $499 for everyone!"),
        ]
    )

    reply = chat().say("price for 10 adults in 94539")

    assert "$499" not in reply["reply"]["content"]
    assert reply["escalation"] == {"reason": "low_confidence"}


def test_the_model_escalates_through_the_escalate_tool(chat, llm):
    llm(
        [
            tool_call("escalate", {"reason": "complaint"}),
            final("I'm sorry; a person from our team will help."),
        ]
    )

    reply = chat().say("the food last week was not what we expected")

    assert reply["escalation"] == {"reason": "complaint"} and reply["status"] == "escalated"


@pytest.mark.parametrize("failure", [500, httpx.ReadTimeout("slow")], ids=["server-error", "timeout"])
def test_a_provider_error_or_timeout_falls_back_to_the_rules_engine(chat, llm, failure):
    llm([failure])

    reply = chat().say("how much for 10 adults and 2 kids in 94539?")

    assert "$610" in reply["reply"]["content"] and reply["quote"]["total_due_cents"] == 61000
    assert Message.objects.exclude(metadata={}).get().metadata["provider"] == "rules (fallback from openai)"
