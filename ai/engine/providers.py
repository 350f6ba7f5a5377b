"""Which engine answers (ASSISTANT_PROVIDER), with the rules engine as the fallback of any other."""

from __future__ import annotations

import logging

from django.conf import settings

from ai.engine.base import Draft, Turn
from ai.engine.rules import RulesEngine

logger = logging.getLogger(__name__)


def configured_engine():
    if settings.ASSISTANT_PROVIDER == "openai":
        from ai.engine.openai_provider import OpenAIEngine

        return OpenAIEngine.from_settings()
    return RulesEngine()


def respond(turn: Turn, *, engine=None) -> Draft:
    """The configured engine's draft; the rules engine's when another provider fails or times out."""
    engine = engine or configured_engine()
    if isinstance(engine, RulesEngine):
        return engine.respond(turn)
    try:
        return engine.respond(turn)
    except Exception as error:  # any provider failure: the customer still gets an answer
        logger.warning("Assistant provider %s failed (%s); the rules engine answers.", engine.name, error)
        draft = RulesEngine().respond(turn)
        draft.provider = f"rules (fallback from {engine.name})"
        return draft
