"""The assistant's conversations: started, answered (engine + guard), escalated, contacts captured."""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ai.engine import providers
from ai.engine.base import Draft, Turn
from ai.engine.facts import FACT_KEYS
from ai.engine.guard import guard_check
from ai.engine.rules import escalation_text
from ai.models import Conversation, Message
from ai.services.funnel import availability_check_record
from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.availability import station_today
from core.hooks import ContactGiven, contact_given
from core.models import Customer, Notification
from core.services.messaging import notification_claim
from identity.models import Station
from kernel.error_codes import AssistantErrors, CommonErrors
from kernel.errors import ConflictError, NotFoundError, ServiceError

logger = logging.getLogger(__name__)

Reason = Conversation.EscalationReason
MAX_MESSAGE_LENGTH = 2000
HISTORY_TURNS = 10
GREETING = (
    "Hi! I'm the My Hibachi assistant. I can give you an exact quote, check which dates our chefs "
    "have free, and answer questions about the menu and our policies. What are you planning?"
)
WAITING_FOR_STAFF = "Thanks, your message is with our team; a person will answer here as soon as possible."


@dataclass
class Exchange:
    """What one customer message produced: the stored messages and what the API reports."""

    conversation: Conversation
    user_message: Message
    reply: Message | None
    reply_content: str
    confidence: float
    sources: list[str]
    escalation: str | None
    quote: dict[str, Any] | None
    availability: list[dict[str, Any]] | None
    lead: dict[str, bool] | None


def default_station() -> Station | None:
    return Station.objects.filter(is_active=True).order_by("created_at").first()


def public_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts as the API shows them: every key, null when not known."""
    shown = {key: facts.get(key) for key in FACT_KEYS}
    shown["items"] = list(facts.get("items") or [])
    return shown


@transaction.atomic
def conversation_start(
    *,
    channel: str,
    actor: Actor,
    phone: str = "",
    customer: Customer | None = None,
    station: Station | None = None,
) -> Conversation:
    """A new conversation with the assistant's greeting; audited."""
    if channel not in Conversation.Channel.values:
        raise ServiceError(f"Unknown channel {channel!r}.", field="channel")
    conversation = Conversation.objects.create(
        channel=channel,
        phone=phone,
        customer=customer,
        station=station or default_station(),
        facts=public_facts({}),
    )
    Message.objects.create(
        conversation=conversation, role=Message.Role.ASSISTANT, content=GREETING, confidence=1
    )
    audit_log_write(
        actor=actor,
        action="conversation.start",
        instance=conversation,
        station_id=conversation.station_id,
        after=snapshot(conversation, fields=["channel", "status", "station"]),
    )
    return conversation


def _history(conversation: Conversation) -> tuple[tuple[str, str], ...]:
    rows = list(
        Message.objects.filter(conversation=conversation)
        .order_by("-created_at")
        .values_list("role", "content")[:HISTORY_TURNS]
    )
    return tuple(reversed(rows))


def _engine_turn(conversation: Conversation, content: str) -> Turn:
    station = conversation.station or default_station()
    return Turn(
        message=content,
        known_facts=conversation.facts or {},
        station=station,
        today=station_today(station) if station else timezone.localdate(),
        zone=station.timezone if station else settings.TIME_ZONE,
        channel=conversation.channel,
        # Only a language model reads the history; the rules engine works from the facts.
        history=_history(conversation) if settings.ASSISTANT_PROVIDER != "rules" else (),
    )


@transaction.atomic
def conversation_message_receive(
    *, conversation: Conversation, content: str, actor: Actor, engine=None
) -> Exchange:
    """Take a customer's message and answer it: the engine drafts, the guard checks every figure.

    Only the conversation's pk is read from the argument: the row is read again, locked.

    A closed conversation refuses (409). While escalated or taken over by staff, the message is
    stored for staff and the assistant stays silent. A draft that fails the guard is not sent:
    the conversation escalates with low_confidence instead.
    """
    content = (content or "").strip()
    if not content:
        raise ServiceError("Write a message.", field="content")
    if len(content) > MAX_MESSAGE_LENGTH:
        raise ServiceError(f"At most {MAX_MESSAGE_LENGTH} characters.", field="content")
    conversation = (
        Conversation.objects.select_related("station")
        .select_for_update(of=("self",))
        .filter(pk=conversation.pk)
        .first()
    )
    if conversation is None:  # a token we signed, for a conversation since deleted
        raise NotFoundError("This conversation does not exist.", code=CommonErrors.NOT_FOUND)
    if conversation.status == Conversation.Status.CLOSED:
        raise ConflictError(
            "This conversation is closed. Start a new one.", code=AssistantErrors.CONVERSATION_CLOSED
        )
    user_message = Message.objects.create(conversation=conversation, role=Message.Role.USER, content=content)
    if conversation.status == Conversation.Status.ESCALATED or conversation.taken_over_at:
        conversation.save(update_fields=["updated_at"])
        return Exchange(
            conversation=conversation,
            user_message=user_message,
            reply=None,
            reply_content=WAITING_FOR_STAFF,
            confidence=1.0,
            sources=[],
            escalation=conversation.escalation_reason or None,
            quote=None,
            availability=None,
            lead=None,
        )

    started = time.perf_counter()
    turn = _engine_turn(conversation, content)
    try:
        draft = providers.respond(turn, engine=engine)
    except Exception:  # a defect of ours: a person answers, the customer never sees an error
        logger.exception("The assistant's engine failed on a message; escalating.")
        draft = Draft(
            content="", confidence=0.0, intent="error", facts=dict(turn.known_facts), station=turn.station
        )
        draft.content = escalation_text(
            Reason.LOW_CONFIDENCE, facts=draft.facts, channel=conversation.channel
        )
        draft.escalation = Reason.LOW_CONFIDENCE
    verdict = guard_check(draft.content, draft.tool_calls)
    engine_ms = round((time.perf_counter() - started) * 1000, 1)
    guard = {"passed": verdict.passed, "unsupported": list(verdict.unsupported)}
    if not verdict.passed:
        logger.warning("Assistant reply refused by the guard: %s", verdict.unsupported)
        withheld = draft.content
        draft = Draft(
            content=escalation_text(Reason.LOW_CONFIDENCE, facts=draft.facts, channel=conversation.channel),
            confidence=0.0,
            intent=f"escalate:{Reason.LOW_CONFIDENCE}",
            facts=draft.facts,
            escalation=Reason.LOW_CONFIDENCE,
            tool_calls=draft.tool_calls,
            station=draft.station,
            provider=draft.provider,
        )
        guard["withheld"] = withheld

    before_facts = conversation.facts or {}
    conversation.facts = public_facts(draft.facts)
    if draft.station is not None and draft.station.pk != conversation.station_id:
        conversation.station = draft.station
    reply = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content=draft.content,
        confidence=round(max(0.0, min(1.0, draft.confidence)), 3),
        metadata={
            "intent": draft.intent,
            "provider": draft.provider,
            "sources": draft.sources,
            "tool_calls": draft.tool_calls,
            "guard": guard,
            "engine_ms": engine_ms,  # the engine, its tools' queries and the guard
            "escalation": draft.escalation,
            "quote": draft.quote,
            "availability": draft.availability,
        },
    )
    lead = _capture_contact(conversation, before_facts, content)
    if conversation.lead_id and conversation.customer_id is None:
        conversation.customer_id = _customer_of_lead(conversation)
    conversation.save(update_fields=["facts", "station", "lead", "customer", "updated_at"])
    availability_check_record(conversation=conversation, availability=draft.availability)
    if draft.escalation:
        conversation_escalate(conversation=conversation, reason=draft.escalation, message=user_message)
        conversation.refresh_from_db(fields=["status", "escalation_reason"])
    if conversation.channel == Conversation.Channel.SMS:
        _sms_reply(conversation, reply)
    return Exchange(
        conversation=conversation,
        user_message=user_message,
        reply=reply,
        reply_content=draft.content,
        confidence=float(reply.confidence),
        sources=draft.sources,
        escalation=draft.escalation,
        quote=draft.quote,
        availability=draft.availability,
        lead=lead,
    )


def _capture_contact(
    conversation: Conversation, before: dict[str, Any], content: str
) -> dict[str, bool] | None:
    """New contact details (or an SMS conversation's first message) create or update the lead."""
    facts = conversation.facts
    contacts_changed = any(facts.get(key) and facts.get(key) != before.get(key) for key in ("email", "phone"))
    sms_first = conversation.channel == Conversation.Channel.SMS and conversation.lead_id is None
    if not (contacts_changed or sms_first):
        return None
    phone = facts.get("phone") or conversation.phone
    if not (facts.get("email") or phone):
        return None
    try:
        captured = _captured(conversation, facts, phone, content)
    except ServiceError as error:  # an address the lead rules refuse: the chat goes on without it
        logger.info("Contact details not captured: %s", error.message)
        return None
    if captured is None:
        return None
    conversation.lead_id = captured.lead_id
    if captured.customer_id and conversation.customer_id is None:
        conversation.customer_id = captured.customer_id
    return {"created": captured.created}


def _captured(conversation: Conversation, facts: dict[str, Any], phone: str, content: str):
    """The lead the contact details were kept as (core's contact_given hook; leads receives it)."""
    event = ContactGiven(
        source="sms" if conversation.channel == Conversation.Channel.SMS else "chat",
        first_name=facts.get("first_name") or "",
        email=facts.get("email") or "",
        phone=phone or "",
        event_date=_date_or_none(facts.get("date")),
        party_adults=facts.get("party_adults"),
        party_kids=facts.get("party_kids"),
        zip_code=facts.get("zip_code") or "",
        message=content[:500],
        payload={"channel": conversation.channel, "conversation": str(conversation.pk)},
        actor=Actor.system(label="assistant"),
    )
    with transaction.atomic():  # a savepoint: a refused capture leaves the message's writes intact
        contact_given.send(event)
    return event.captured[0] if event.captured else None


def _customer_of_lead(conversation: Conversation) -> UUID | None:
    """The customer the conversation's lead converted to, once it has (read by the FK, not crm)."""
    return Conversation.objects.filter(pk=conversation.pk).values_list("lead__customer_id", flat=True).first()


def _date_or_none(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def conversations_link_customer(*, customer: Customer) -> int:
    """The conversations of a new customer (through their converted lead, or the email or phone
    they gave in the chat) are linked to them; audited; the number linked."""
    match = Q(lead__customer=customer)
    if customer.email:
        match |= Q(facts__email=customer.email.lower())
    if customer.phone:
        match |= Q(facts__phone=customer.phone) | Q(phone=customer.phone)
    linked = list(Conversation.objects.select_for_update(of=("self",)).filter(match, customer__isnull=True))
    for conversation in linked:
        conversation.customer = customer
        conversation.save(update_fields=["customer", "updated_at"])
        audit_log_write(
            actor=Actor.system(label="assistant"),
            action="conversation.link_customer",
            instance=conversation,
            station_id=conversation.station_id,
            after={"customer": str(customer.pk)},
            reason="the customer booked",
        )
    return len(linked)


@transaction.atomic
def conversation_escalate(*, conversation: Conversation, reason: str, message: Message | None = None) -> bool:
    """Hand the conversation to staff: escalated with the reason, the station's staff alerted once.

    Idempotent: an already escalated conversation is left as it is (False).
    """
    if reason not in Reason.values:
        raise ServiceError(f"Unknown escalation reason {reason!r}.", field="reason")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == Conversation.Status.ESCALATED:
        return False
    before = snapshot(conversation, fields=["status", "escalation_reason"])
    conversation.status = Conversation.Status.ESCALATED
    conversation.escalation_reason = reason
    conversation.save(update_fields=["status", "escalation_reason", "updated_at"])
    audit_log_write(
        actor=Actor.system(label="assistant"),
        action="conversation.escalate",
        instance=conversation,
        station_id=conversation.station_id,
        before=before,
        after=snapshot(conversation, fields=["status", "escalation_reason"]),
        reason=reason,
    )
    notification_claim(
        kind=Notification.Kind.STAFF_ASSISTANT_ESCALATION,
        channel=Notification.Channel.EMAIL,
        lead_id=conversation.lead_id,
        occurrence=f"conversation:{conversation.pk.hex}:{message.pk.hex[:16] if message else 'staff'}"[:64],
        context=_alert_context(conversation, reason, message),
    )
    return True


def _alert_context(conversation: Conversation, reason: str, message: Message | None) -> dict[str, Any]:
    facts = conversation.facts or {}
    summary = ", ".join(
        f"{key.replace('_', ' ')}: {facts[key]}"
        for key in ("party_adults", "party_kids", "party_toddlers", "date", "slot", "zip_code", "first_name")
        if facts.get(key) not in (None, "")
    )
    return {
        "station_id": str(conversation.station_id) if conversation.station_id else None,
        "conversation": {
            "channel": conversation.get_channel_display(),
            "reason": Reason(reason).label,
            "last_message": (message.content if message else "")[:500],
            "summary": summary,
            "admin_url": f"{settings.SITE_URL}/admin/ai/conversation/{conversation.pk}/change/",
        },
    }


def _sms_reply(conversation: Conversation, message: Message) -> None:
    """A reply to an SMS conversation goes by text, to a customer who consented to texts (checked on
    delivery by core's notification machinery); an unknown number gets no text."""
    if conversation.customer_id is None:
        return
    notification_claim(
        kind=Notification.Kind.ASSISTANT_REPLY,
        channel=Notification.Channel.SMS,
        customer=Customer(pk=conversation.customer_id),
        occurrence=f"message:{message.pk.hex}",
        context={"reply": message.content},
    )
