"""Typed hooks through which core hands work to the apps above it (leads, ai).

core sits below leads and ai, so it may not import them. Where core (or an app beside another)
must reach up, it declares the hook here, and the upper app registers its handler in its
AppConfig.ready(). Each hook has one signature (a Protocol), so a handler that drifts from it
fails the type check, not production. Handlers run inside the caller's transaction.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from audit.actor import Actor

logger = logging.getLogger(__name__)


# --- Inbound SMS: a text that is not a keyword (STOP/START/HELP) ---------------------------------


@dataclass(frozen=True)
class InboundSms:
    phone: str  # E.164
    body: str
    provider_id: str
    customer_id: Any | None  # the customer at this phone, None for an unknown number


class InboundSmsHandler(Protocol):
    def __call__(self, *, sms: InboundSms) -> None: ...


_inbound_sms_handlers: list[InboundSmsHandler] = []


def on_inbound_sms(handler: InboundSmsHandler) -> InboundSmsHandler:
    """Register a handler of non-keyword texts (idempotent: a handler registers once)."""
    if handler not in _inbound_sms_handlers:
        _inbound_sms_handlers.append(handler)
    return handler


def inbound_sms_received(*, sms: InboundSms) -> None:
    for handler in list(_inbound_sms_handlers):
        handler(sms=sms)


# --- Contact capture: someone gave us their contact details (a chat, a text) ---------------------


@dataclass(frozen=True)
class CapturedContact:
    lead_id: Any
    created: bool
    customer_id: Any | None  # the customer the lead converted to, if it has


class ContactCapturer(Protocol):
    def __call__(
        self,
        *,
        source: str,
        first_name: str,
        email: str,
        phone: str,
        event_date: datetime.date | None,
        party_adults: int | None,
        party_kids: int | None,
        zip_code: str,
        message: str,
        payload: dict,
        actor: Actor,
    ) -> CapturedContact: ...


_contact_capturers: list[ContactCapturer] = []


def on_contact_capture(capturer: ContactCapturer) -> ContactCapturer:
    """Register the capturer of contacts (leads registers lead_capture); one is expected."""
    if capturer not in _contact_capturers:
        _contact_capturers.append(capturer)
    return capturer


def contact_capture(**details: Any) -> CapturedContact | None:
    """Hand contact details to the registered capturer; None when no app captures contacts."""
    if not _contact_capturers:
        logger.warning("Contact details given but no contact capturer is registered.")
        return None
    return _contact_capturers[0](**details)
