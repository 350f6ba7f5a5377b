"""The optional LLM provider (ASSISTANT_PROVIDER=openai): the official openai SDK, tool calling.

The model answers through the same tools as the rules engine (quote, availability, knowledge
search, capture contact, escalate), recorded the same way, and its reply passes the same guard.
The facts are read by the same deterministic extractor, so they never depend on the model. Any
error or timeout raises, and ai.engine.providers falls back to the rules engine.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx
from django.conf import settings
from openai import OpenAI

from ai.engine import facts as fact_rules
from ai.engine.base import Draft, Turn
from ai.engine.intents import understand
from ai.engine.tools import Toolbox
from ai.models import Conversation

MAX_ROUNDS = 4
SYSTEM_PROMPT = (
    "You are the assistant of My Hibachi, a caterer that sends hibachi chefs to customers' homes. "
    "Answer briefly and kindly. Never write a price, amount, count, date or time that a tool did "
    "not give you: call get_quote for prices, check_availability for dates and slots, and "
    "search_knowledge for menu, policies and practical questions. When the customer gives an "
    "email or phone, call capture_contact. Call escalate when they ask for a person, complain, "
    "ask for a refund or a discount, plan a corporate event or a party of {staff_party_size} or "
    "more, or when you are not sure. Today is {today}; the facts understood so far: {facts}."
)
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_quote",
            "description": "The exact price of a party: needs the adults and the ZIP code.",
            "parameters": {
                "type": "object",
                "properties": {
                    "party_adults": {"type": "integer"},
                    "party_kids": {"type": "integer"},
                    "party_toddlers": {"type": "integer"},
                    "zip_code": {"type": "string"},
                    "event_date": {"type": "string", "description": "YYYY-MM-DD"},
                },
                "required": ["party_adults", "zip_code"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "check_availability",
            "description": "The time slots of a date with how many chefs are still free.",
            "parameters": {
                "type": "object",
                "properties": {"date": {"type": "string", "description": "YYYY-MM-DD"}},
                "required": ["date"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "search_knowledge",
            "description": "Answers about the menu, policies, service area and practical questions.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "capture_contact",
            "description": "Keep the customer's name, email or phone so our team can follow up.",
            "parameters": {
                "type": "object",
                "properties": {
                    "first_name": {"type": "string"},
                    "email": {"type": "string"},
                    "phone": {"type": "string"},
                },
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "escalate",
            "description": "Hand the conversation to a person on our team.",
            "parameters": {
                "type": "object",
                "properties": {
                    "reason": {"type": "string", "enum": list(Conversation.EscalationReason.values)}
                },
                "required": ["reason"],
            },
        },
    },
]


def http_client() -> httpx.Client | None:
    """The HTTP client the SDK uses (None: its own). Tests replace it with an httpx.MockTransport."""
    return None


class OpenAIEngine:
    name = "openai"

    def __init__(self, *, client: OpenAI, model: str):
        self.client = client
        self.model = model

    @classmethod
    def from_settings(cls) -> OpenAIEngine:
        client = OpenAI(
            api_key=settings.OPENAI_API_KEY or "missing",
            base_url=settings.OPENAI_BASE_URL,
            timeout=settings.OPENAI_TIMEOUT_SECONDS,
            max_retries=0,  # a slow provider is replaced by the rules engine, not retried
            http_client=http_client(),
        )
        return cls(client=client, model=settings.OPENAI_MODEL)

    def respond(self, turn: Turn) -> Draft:
        extracted = fact_rules.extract(turn.message, today=turn.today, zone=turn.zone, known=turn.known_facts)
        facts = fact_rules.merge(turn.known_facts, extracted.facts)
        tools = Toolbox(station=turn.station, today=turn.today)
        tools.facts(facts)
        figures = tools.policy()
        messages: list[dict[str, Any]] = [
            {
                "role": "system",
                "content": SYSTEM_PROMPT.format(
                    staff_party_size=figures["staff_party_size"],
                    today=turn.today.isoformat(),
                    facts=json.dumps({k: v for k, v in facts.items() if v not in (None, [], "")}),
                ),
            },
            *(
                {"role": "assistant" if role != "user" else "user", "content": content}
                for role, content in turn.history
            ),
            {"role": "user", "content": turn.message},
        ]
        state: dict[str, Any] = {"escalation": None, "quote": None, "availability": None, "sources": []}
        # The deterministic triggers hold whatever the model says.
        understood = understand(turn.message)
        if understood.escalation:
            state["escalation"] = understood.escalation
        elif fact_rules.guests_total(facts) >= figures["staff_party_size"]:
            state["escalation"] = Conversation.EscalationReason.LARGE_PARTY
        for _ in range(MAX_ROUNDS):
            completion = self.client.chat.completions.create(model=self.model, messages=messages, tools=TOOLS)
            choice = completion.choices[0].message
            if not choice.tool_calls:
                return Draft(
                    content=(choice.content or "").strip(),
                    confidence=0.8,
                    intent="llm",
                    facts=facts,
                    escalation=state["escalation"],
                    sources=state["sources"],
                    tool_calls=tools.calls,
                    quote=state["quote"],
                    availability=state["availability"],
                    station=tools.station,
                    provider=self.name,
                )
            messages.append(
                {
                    "role": "assistant",
                    "content": choice.content,
                    "tool_calls": [call.model_dump() for call in choice.tool_calls],
                }
            )
            for call in choice.tool_calls:
                result = self._run(call.function.name, call.function.arguments, tools, facts, state)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        raise RuntimeError("The model did not finish its answer in time.")

    def _run(self, name: str, arguments: str, tools: Toolbox, facts: dict, state: dict) -> Any:
        try:
            args = json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return {"error": "arguments are not JSON"}
        if name == "get_quote":
            for key in ("party_adults", "party_kids", "party_toddlers", "zip_code"):
                if args.get(key) not in (None, ""):
                    facts[key] = args[key]
            if args.get("event_date"):
                facts["date"] = args["event_date"]
            if not (facts.get("party_adults") and facts.get("zip_code")):
                return {"error": "need party_adults and zip_code"}
            body = tools.quote(facts)
            if "error" not in body:
                state["quote"] = body
            return body
        if name == "check_availability":
            try:
                date = datetime.date.fromisoformat(args.get("date", ""))
            except ValueError:
                return {"error": "date must be YYYY-MM-DD"}
            state["availability"] = tools.availability(date)
            return state["availability"]
        if name == "search_knowledge":
            hits = tools.knowledge_search(str(args.get("query", ""))[:200])
            state["sources"] = [hit["title"] for hit in hits[:1]]
            return hits[:2]
        if name == "capture_contact":
            for key in ("first_name", "email", "phone"):
                if args.get(key):
                    facts[key] = str(args[key])[:100]
            return tools.record("capture_contact", args, {"noted": True})
        if name == "escalate":
            reason = args.get("reason")
            if reason in Conversation.EscalationReason.values:
                state["escalation"] = state["escalation"] or reason
            return tools.record("escalate", args, {"escalated": True})
        return {"error": f"unknown tool {name}"}
