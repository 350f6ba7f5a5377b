"""Conversation tokens: the signed handle through which a customer (no account) reaches a chat."""

from __future__ import annotations

import ipaddress
import uuid

from django.core import signing

from ai.models import Conversation
from audit.models import SecurityEvent
from audit.services import security_event_record
from kernel.error_codes import CommonErrors
from kernel.errors import NotFoundError

# A namespace, not a secret: the secret is SECRET_KEY.
CONVERSATION_TOKEN_SALT = "myhibachi.ai.conversation-token"  # noqa: S105
MAX_TOKEN_LENGTH = 200


def _signer() -> signing.Signer:
    return signing.Signer(salt=CONVERSATION_TOKEN_SALT, algorithm="sha256")


def conversation_token(conversation: Conversation) -> str:
    return _signer().sign(conversation.pk.hex)


def conversation_id_from_token(token: str, *, ip_address: str | None = None) -> uuid.UUID:
    """The conversation id the token signs, without a query; NotFoundError and a token_invalid
    event for a token we did not sign."""
    conversation_id = None
    if isinstance(token, str) and len(token) <= MAX_TOKEN_LENGTH:
        try:
            conversation_id = uuid.UUID(hex=_signer().unsign(token))
        except (signing.BadSignature, ValueError):
            conversation_id = None
    if conversation_id is None:
        _refuse(token, ip_address)
    return conversation_id


def conversation_from_token(token: str, *, ip_address: str | None = None) -> Conversation:
    """The conversation the token was issued for; NotFoundError and a token_invalid event otherwise."""
    conversation = Conversation.objects.filter(
        pk=conversation_id_from_token(token, ip_address=ip_address)
    ).first()
    if conversation is None:
        _refuse(token, ip_address)
    return conversation


def _refuse(token: str, ip_address: str | None) -> None:
    security_event_record(
        type=SecurityEvent.Type.TOKEN_INVALID,
        severity=SecurityEvent.Severity.MEDIUM,
        ip_address=_valid_ip(ip_address),
        details={"kind": "assistant_conversation", "token_prefix": (token or "")[:12]},
    )
    raise NotFoundError("This conversation does not exist.", code=CommonErrors.NOT_FOUND)


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
