"""The default engine: offline, deterministic rules over the facts, the intents and the tools.

It says nothing it did not get from a tool: amounts from the quote and the policy figures,
dates and capacity from the availability engine, answers from the knowledge base. Figures are
written from the tool results (never retyped), and the guard checks them anyway.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from ai.engine import facts as fact_rules
from ai.engine.base import Draft, Turn
from ai.engine.intents import understand
from ai.engine.policy import money
from ai.engine.tools import Toolbox
from ai.models import Conversation
from ops.policy import booking_rules

Reason = Conversation.EscalationReason

# Below this, a knowledge answer is a guess: a person answers instead.
LOW_CONFIDENCE = 0.3
KNOWLEDGE_INTENTS = ("menu", "policy", "service_area", "dietary", "faq")
# Which knowledge categories answer each topic first.
TOPIC_CATEGORIES = {
    "menu": ("menu",),
    "policy": ("policy", "pricing"),
    "service_area": ("service_area",),
    "dietary": ("faq",),
    "faq": ("faq", "pricing"),
}
TOPIC_QUERIES = {
    "service_area": "service area travel fee",
    "dietary": "allergies dietary needs",
    "menu": "menu proteins meal includes",
}
PARTY_FACTS = frozenset({"party_adults", "party_kids", "party_toddlers", "zip_code", "items"})
EXPLICIT_QUOTE = re.compile(
    r"\b(?:quote|estimate|total|(?:price|cost|pricing) for|how much (?:for|would|will))\b"
)


def categories_for(topics: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(category for topic in topics for category in TOPIC_CATEGORIES[topic]))


ESCALATION_OPENERS = {
    Reason.HUMAN_REQUESTED: "Of course, I'm getting a member of our team for you.",
    Reason.COMPLAINT: "I'm really sorry to hear that. I've passed this to our team so a person can make it right.",  # noqa: E501
    Reason.REFUND: "I understand. Refunds are handled by our team, and I've passed your request to them.",
    Reason.DISCOUNT: "Prices and any special offers are decided by our team, so I've asked a team member to get back to you.",  # noqa: E501
    Reason.LARGE_PARTY: "A party that size is planned with our team (we may send more than one chef), so I've passed your request to them.",  # noqa: E501
    Reason.CORPORATE: "Corporate events are planned with our team, so I've passed your request to them.",
    Reason.OUTSIDE_SERVICE_AREA: "That location looks farther than our chefs usually travel, so I've asked our team whether we can make it work.",  # noqa: E501
    Reason.LOW_CONFIDENCE: "I'm not sure I have the right answer to that, so I've asked a team member to help.",  # noqa: E501
}  # fmt: skip


def escalation_text(reason: str, *, facts: dict[str, Any], channel: str) -> str:
    """The kind words of an escalation: why, and when staff will answer. No figures in it."""
    where = "by text" if channel == Conversation.Channel.SMS else "right here in this chat"
    text = (
        f"{ESCALATION_OPENERS.get(reason, ESCALATION_OPENERS[Reason.LOW_CONFIDENCE])} "
        f"A person from our team will answer {where}, usually within the hour during business hours."
    )
    if not (facts.get("email") or facts.get("phone")) and channel != Conversation.Channel.SMS:
        text += " If you leave your email or phone number, they can also reach you directly."
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def party_words(facts: dict[str, Any]) -> str:
    parts = [_count(facts["party_adults"], "adult")]
    if facts.get("party_kids"):
        parts.append(_count(facts["party_kids"], "kid"))
    if facts.get("party_toddlers"):
        parts.append(_count(facts["party_toddlers"], "toddler"))
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]


def date_words(value: datetime.date) -> str:
    return f"{value:%A, %B} {value.day}, {value.year}"


# How far from a station's slot an asked time still means that slot ("7pm" is the 18:00 party).
SLOT_MATCH_MINUTES = 60


def nearest_slot(asked: str, slots: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The station's slot (of the availability answer) nearest the asked HH:MM, within SLOT_MATCH_MINUTES."""

    def minutes(value: str) -> int:
        hour, minute = (int(part) for part in value.split(":"))
        return hour * 60 + minute

    best = min(slots, key=lambda slot: abs(minutes(slot["slot"]) - minutes(asked)), default=None)
    if best is None or abs(minutes(best["slot"]) - minutes(asked)) > SLOT_MATCH_MINUTES:
        return None
    return best


def slot_words(slot: str) -> str:
    hour, minute = (int(part) for part in slot.split(":"))
    return f"{hour % 12 or 12}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"


class RulesEngine:
    name = "rules"

    def respond(self, turn: Turn) -> Draft:
        understood = understand(turn.message)
        extracted = fact_rules.extract(turn.message, today=turn.today, zone=turn.zone, known=turn.known_facts)
        facts = fact_rules.merge(turn.known_facts, extracted.facts)
        tools = Toolbox(station=turn.station, today=turn.today)
        tools.facts(facts)
        intents = list(understood.intents)
        new = extracted.facts

        escalation = understood.escalation
        if escalation is None and new.get("zip_code"):
            # The distance engine decides the service area: through the quote when the party is
            # known (it checks the distance anyway), else by asking which station serves it.
            checked = (
                tools.quote(facts) if facts.get("party_adults") else tools.serving_station(new["zip_code"])
            )
            if (checked.get("error") or checked).get("code") == "outside_service_area":
                escalation = Reason.OUTSIDE_SERVICE_AREA
        if (
            escalation is None
            and fact_rules.guests_total(facts) >= booking_rules(tools.station).staff_party_size
        ):
            escalation = Reason.LARGE_PARTY
        if escalation:
            return self._draft(
                tools,
                facts,
                content=escalation_text(escalation, facts=facts, channel=turn.channel),
                confidence=0.9,
                intent=f"escalate:{escalation}",
                escalation=escalation,
            )

        parts: list[str] = []
        sources: list[str] = []
        confidence = 0.0
        quote = availability = None
        intent = ""

        if extracted.date_in_past:
            parts.append("That date has already passed; which upcoming date do you have in mind?")
            confidence = 0.8
            intent = intent or "availability"

        topical = [i for i in intents if i in KNOWLEDGE_INTENTS]
        party_given = bool(PARTY_FACTS & set(new))
        booking = "booking" in intents
        wants_quote = not booking and (
            ("quote" in intents and (party_given or not topical or EXPLICIT_QUOTE.search(understood.text)))
            or (party_given and not topical and "availability" not in intents)
            or "items" in new
        )
        asks_only_small_talk = set(intents) <= {"greeting", "thanks"}
        wants_availability = (
            "availability" in intents and not ({"dietary", "menu"} & set(intents) and "date" not in new)
        ) or (
            asks_only_small_talk
            and not wants_quote
            and bool({"date", "slot"} & set(new))
            and bool(facts.get("date"))
            and not party_given
        )
        if booking:
            parts.append(self._booking(tools, facts))
            confidence, intent = 0.9, "booking"
        if wants_quote:
            text, quote = self._quote(tools, facts)
            if quote is None and not party_given:
                # A price question without a party ("what are your prices?"): the per-guest prices
                # from the knowledge base (it asks for the party itself), else the question.
                hits = tools.knowledge_search(understood.text, prefer=("pricing",))
                if hits and hits[0]["confidence"] >= LOW_CONFIDENCE and hits[0]["category"] == "pricing":
                    text = hits[0]["answer"]
                    sources.append(hits[0]["title"])
            parts.append(text)
            confidence, intent = max(confidence, 0.9), "quote"
        if wants_availability:
            text, availability = self._availability(tools, facts)
            parts.append(text)
            confidence = max(confidence, 0.9)
            intent = "quote" if wants_quote else "availability"
        if not topical and not intent and intents and intents[0] not in ("greeting", "thanks"):
            intent = intents[0]

        # Knowledge answers the topical part, unless the quote already says it (an item's price).
        if topical and not (wants_quote and set(topical) <= {"menu"}) and not booking:
            hits = tools.knowledge_search(understood.text, prefer=categories_for(topical))
            if not (hits and hits[0]["confidence"] >= LOW_CONFIDENCE) and topical[0] in TOPIC_QUERIES:
                # The rules recognised the topic but the wording matches no entry ("do you come
                # to San Jose?"): ask the knowledge base the topic's own question.
                hits = tools.knowledge_search(TOPIC_QUERIES[topical[0]], prefer=categories_for(topical))
            if hits and hits[0]["confidence"] >= LOW_CONFIDENCE:
                parts.append(hits[0]["answer"])
                sources.append(hits[0]["title"])
                confidence = max(confidence, hits[0]["confidence"])
                intent = intent if intent in ("quote", "availability", "booking") else topical[0]
        contact_given = bool({"email", "phone"} & set(new))
        if contact_given:
            name = facts.get("first_name")
            parts.append(
                f"Thank you{', ' + name if name else ''}! I've noted your details so our team can follow up."
            )
            confidence = max(confidence, 0.9)
            intent = intent if intent not in ("", "greeting", "thanks") else "contact"
        elif "first_name" in new and (not parts or intent in ("greeting", "")):
            parts = [f"Nice to meet you, {facts['first_name']}! How can I help with your hibachi party?"]
            confidence, intent = 0.9, "contact"
        if not parts and {"date", "slot"} & set(new):
            parts.append(self._noted(facts))
            confidence, intent = 0.85, intent or "availability"
        if not parts and intents and intents[0] in ("greeting", "thanks"):
            parts.append(
                "You're welcome! Anything else I can help with?"
                if intents[0] == "thanks"
                else "Hi! I'm the My Hibachi assistant. I can give you a quote, check dates, and "
                "answer questions about our menu and policies. How can I help?"
            )
            confidence, intent = 0.9, intents[0]
        if not parts:
            # No rule applies: the knowledge base may still know; if not, a person answers.
            hits = tools.knowledge_search(understood.text)
            if hits and hits[0]["confidence"] >= LOW_CONFIDENCE:
                parts.append(hits[0]["answer"])
                sources.append(hits[0]["title"])
                confidence = hits[0]["confidence"]
                intent = intent or "faq"
            else:
                best = hits[0]["confidence"] if hits else 0.0
                return self._draft(
                    tools,
                    facts,
                    content=escalation_text(Reason.LOW_CONFIDENCE, facts=facts, channel=turn.channel),
                    confidence=best,
                    intent=f"escalate:{Reason.LOW_CONFIDENCE}",
                    escalation=Reason.LOW_CONFIDENCE,
                )
        return self._draft(
            tools,
            facts,
            content=" ".join(parts),
            confidence=confidence,
            intent=intent,
            sources=sources,
            quote=quote,
            availability=availability,
        )

    # --- The answers ---------------------------------------------------------------------------

    def _quote(self, tools: Toolbox, facts: dict[str, Any]) -> tuple[str, dict | None]:
        missing = [
            words
            for key, words in (("party_adults", "how many adults (and kids)"), ("zip_code", "the ZIP code"))
            if not facts.get(key)
        ]
        if missing:
            return (
                f"I can work out an exact quote. Could you tell me {' and '.join(missing)} of the party?",
                None,
            )
        body = tools.quote(facts)
        if "error" in body:
            return f"I couldn't price that: {body['error']['message']}", None
        parts = [f"food {money(body['food_cents'])}"]
        if body["travel_fee_cents"]:
            parts.append(f"travel fee {money(body['travel_fee_cents'])}")
        if body["tax_cents"]:
            parts.append(f"tax {money(body['tax_cents'])}")
        text = (
            f"For {party_words(facts)} at ZIP code {facts['zip_code']}, the total comes to "
            f"{money(body['total_due_cents'])} ({', '.join(parts)})."
        )
        if body["minimum_applied"]:
            text += f" That includes our party minimum of {money(body['party_minimum_cents'])} of food."
        text += (
            f" A {money(body['deposit_due_cents'])} deposit secures the date; the balance of "
            f"{money(body['due_after_deposit_cents'])} is paid on the day."
        )
        if not facts.get("date"):
            text += " Which date are you thinking of? I can check our chefs' availability."
        return text, body

    def _availability(self, tools: Toolbox, facts: dict[str, Any]) -> tuple[str, list | None]:
        if not facts.get("date"):
            return "Which date would you like? I'll check which time slots still have a chef free.", None
        date = datetime.date.fromisoformat(facts["date"])
        slots = tools.availability(date)
        free = [slot for slot in slots if slot["remaining"] > 0]
        asked = facts.get("slot")
        when = date_words(date)
        match = nearest_slot(asked, slots) if asked else None
        if match:
            wanted = match["slot"]
            # The station's own start time nearest the one asked for ("7pm" -> 18:00).
            at = slot_words(wanted) if wanted == asked else f"{slot_words(wanted)} (our nearest start time)"
            if match["remaining"] > 0:
                return (
                    f"Good news: {when} at {at} is available. "
                    f"You can book it here: {tools.booking_link({**facts, 'slot': wanted})}",
                    slots,
                )
            if free:
                others = ", ".join(slot_words(slot["slot"]) for slot in free)
                return f"{when} at {at} is taken, but we still have {others} that day.", slots
        elif asked and free:
            listing = ", ".join(slot_words(slot["slot"]) for slot in free)
            return (
                f"We don't start a party at {slot_words(asked)}; on {when} we have a chef free at {listing}.",
                slots,
            )
        if free:
            listing = ", ".join(slot_words(slot["slot"]) for slot in free)
            return f"On {when} we have a chef free at {listing}.", slots
        figures = tools.policy()
        return (
            f"Sorry, {when} has no slot we can book online (bookings open from "
            f"{figures['booking_min_lead_hours']} hours ahead, and that day may be full). "
            "Would another date work?",
            slots,
        )

    def _booking(self, tools: Toolbox, facts: dict[str, Any]) -> str:
        return (
            "You can book online in a few minutes; I've filled in what you told me: "
            f"{tools.booking_link(facts)} . Pick a date and time slot, enter the address, and pay the "
            "deposit to confirm."
        )

    def _noted(self, facts: dict[str, Any]) -> str:
        bits = []
        if facts.get("date"):
            bits.append(date_words(datetime.date.fromisoformat(facts["date"])))
        if facts.get("slot"):
            bits.append(slot_words(facts["slot"]))
        return f"Noted: {' at '.join(bits)}. How many guests, and what's the ZIP code of the party?"

    def _draft(self, tools: Toolbox, facts: dict[str, Any], **fields: Any) -> Draft:
        return Draft(facts=facts, tool_calls=tools.calls, station=tools.station, provider=self.name, **fields)
