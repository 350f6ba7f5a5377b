"""Manage tokens: the signed link through which a customer (who has no password) reaches a booking.

The token signs the booking id and the booking's nonce with a salt used for nothing else, so it
cannot be guessed, moved to another booking, or reused after staff replace the nonce.
"""

import ipaddress
import uuid

from django.core import signing

from audit.models import SecurityEvent
from audit.services import security_event_record
from core.models import Booking
from kernel.error_codes import CommonErrors
from kernel.errors import NotFoundError

# A namespace, not a secret: the secret is SECRET_KEY.
MANAGE_TOKEN_SALT = "myhibachi.core.booking-manage-token"  # noqa: S105
_SEPARATOR = "."


def _signer() -> signing.Signer:
    return signing.Signer(salt=MANAGE_TOKEN_SALT, algorithm="sha256")


def manage_token_for(booking: Booking) -> str:
    """The signed manage token of the booking (stable for as long as its nonce is)."""
    return _signer().sign(f"{booking.pk.hex}{_SEPARATOR}{booking.manage_nonce}")


def booking_from_manage_token(token: str, *, ip_address: str | None = None) -> Booking:
    """The booking the token was issued for; NotFoundError, and a security event, for any other token."""
    booking = _booking_for(token)
    if booking is None:
        security_event_record(
            type=SecurityEvent.Type.TOKEN_INVALID,
            severity=SecurityEvent.Severity.MEDIUM,
            ip_address=_valid_ip(ip_address),
            details={"kind": "booking_manage", "token_prefix": (token or "")[:12]},
        )
        raise NotFoundError("This booking link is not valid.", code=CommonErrors.NOT_FOUND)
    return booking


def _booking_for(token: str) -> Booking | None:
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    booking_hex, _, nonce = value.partition(_SEPARATOR)
    try:
        booking_id = uuid.UUID(hex=booking_hex)
    except ValueError:
        return None
    booking = Booking.objects.select_related("station", "customer").filter(pk=booking_id).first()
    if booking is None:
        return None
    # Compare the nonce in constant time: it is part of the secret.
    if not nonce or not signing.constant_time_compare(nonce, booking.manage_nonce):
        return None
    return booking


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
