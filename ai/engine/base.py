"""What an engine is given (a Turn) and what it gives back (a Draft), whichever provider answers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Protocol

from identity.models import Station


@dataclass(frozen=True)
class Turn:
    message: str
    known_facts: dict[str, Any]  # the conversation's facts before this message
    station: Station | None
    today: datetime.date  # in the station's time zone
    zone: str
    channel: str
    history: tuple[tuple[str, str], ...] = ()  # (role, content), oldest first, this message excluded


@dataclass
class Draft:
    content: str
    confidence: float
    intent: str
    facts: dict[str, Any]  # the conversation's facts after this message
    escalation: str | None = None
    sources: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    quote: dict[str, Any] | None = None
    availability: list[dict[str, Any]] | None = None
    station: Station | None = None
    provider: str = "rules"


class Engine(Protocol):
    name: str

    def respond(self, turn: Turn) -> Draft: ...
