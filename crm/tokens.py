"""Unsubscribe tokens: the signed part of /unsubscribe/<token>/ in every marketing email.

The token signs the delivery's id (which names the customer and the campaign) with a salt used
for nothing else: it cannot be guessed or moved to another customer, and it needs no login.
It does not expire: an unsubscribe link must keep working in an old email (RFC 8058 asks for
the link to work for a long time after sending).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing

from audit.models import SecurityEvent
from audit.services import security_event_record
from crm.models import CampaignDelivery

UNSUBSCRIBE_TOKEN_SALT = "myhibachi.crm.unsubscribe"  # noqa: S105 - a namespace, not a secret
TOKEN_MAX_LENGTH = 200


def _signer() -> signing.Signer:
    return signing.Signer(salt=UNSUBSCRIBE_TOKEN_SALT, algorithm="sha256")


def unsubscribe_token_for(delivery_id: uuid.UUID) -> str:
    return _signer().sign(uuid.UUID(str(delivery_id)).hex)


def unsubscribe_url_for(delivery_id: uuid.UUID) -> str:
    return f"{settings.SITE_URL}/unsubscribe/{unsubscribe_token_for(delivery_id)}/"


def delivery_from_unsubscribe_token(token: str, *, ip_address: str | None = None) -> CampaignDelivery | None:
    """The delivery the token was issued for; None (and a security event) for any other token."""
    delivery = _delivery_for(token)
    if delivery is None:
        security_event_record(
            type=SecurityEvent.Type.TOKEN_INVALID,
            severity=SecurityEvent.Severity.LOW,
            ip_address=ip_address,
            details={"kind": "unsubscribe", "token_prefix": (token or "")[:12]},
        )
    return delivery


def _delivery_for(token: str) -> CampaignDelivery | None:
    if not isinstance(token, str) or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        delivery_id = uuid.UUID(hex=_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return CampaignDelivery.objects.select_related("customer", "campaign").filter(pk=delivery_id).first()
