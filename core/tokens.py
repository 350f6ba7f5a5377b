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
from kernel.error_codes import BookingErrors, CommonErrors
from kernel.errors import NotFoundError, ServiceError

# A namespace, not a secret: the secret is SECRET_KEY.
MANAGE_TOKEN_SALT = "myhibachi.core.booking-manage-token"  # noqa: S105
_SEPARATOR = "."


def _signer() -> signing.Signer:
    return signing.Signer(salt=MANAGE_TOKEN_SALT, algorithm="sha256")


# Marks a token that was sent to the customer's stored email address: only such a link proves
# that its holder reads that mailbox, so only it may change the customer's stored contact
# details (docs/business-rules.md). The token the booking API answers with lacks it: whoever
# filled in the form may have typed someone else's email.
_EMAILED = "e"


class EmailedLinkRequiredError(ServiceError):
    status_code = 403
    default_code = BookingErrors.EMAILED_LINK_REQUIRED


def manage_token_for(booking: Booking, *, emailed: bool = False) -> str:
    """The signed manage token of the booking (stable for as long as its nonce is).

    emailed=True for the link put in messages to the customer's stored email only.
    """
    value = f"{booking.pk.hex}{_SEPARATOR}{booking.manage_nonce}"
    return _signer().sign(f"{value}{_SEPARATOR}{_EMAILED}" if emailed else value)


def booking_from_manage_token(
    token: str, *, ip_address: str | None = None, require_emailed: bool = False, with_customer: bool = True
) -> Booking:
    """The booking the token was issued for; NotFoundError, and a security event, for any other token.

    require_emailed: only a token from a message to the customer's email is accepted (403
    emailed_link_required for the one the booking form was answered with). with_customer=False
    for a read that shows nothing of the customer (the manage view): the booking and its station only.
    """
    booking, emailed = _booking_for(token, with_customer=with_customer)
    if booking is not None and require_emailed and not emailed:
        raise EmailedLinkRequiredError(
            "Open the link in the email we sent you to change your contact details.",
            code=BookingErrors.EMAILED_LINK_REQUIRED,
        )
    if booking is None:
        security_event_record(
            type=SecurityEvent.Type.TOKEN_INVALID,
            severity=SecurityEvent.Severity.MEDIUM,
            ip_address=_valid_ip(ip_address),
            details={"kind": "booking_manage", "token_prefix": (token or "")[:12]},
        )
        raise NotFoundError("This booking link is not valid.", code=CommonErrors.NOT_FOUND)
    return booking


def booking_id_of_signed_token(token: str) -> uuid.UUID | None:
    """The booking id a token is signed for (no query: its nonce is not checked here).

    Raises signing.BadSignature for a token we did not sign; None for a malformed one.
    """
    if not isinstance(token, str) or len(token) > 200:
        return None
    booking_hex = _signer().unsign(token).partition(_SEPARATOR)[0]
    try:
        return uuid.UUID(hex=booking_hex)
    except ValueError:
        return None


def _booking_for(token: str, *, with_customer: bool = True) -> tuple[Booking | None, bool]:
    """The booking of a valid token, and whether the token is an emailed one."""
    if not isinstance(token, str) or len(token) > 200:
        return None, False
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None, False
    booking_hex, _, rest = value.partition(_SEPARATOR)
    nonce, _, marker = rest.partition(_SEPARATOR)
    if marker not in ("", _EMAILED):
        return None, False
    try:
        booking_id = uuid.UUID(hex=booking_hex)
    except ValueError:
        return None, False
    try:
        # get(), not first(): no ORDER BY to build and run for a primary-key lookup.
        related = ("station", "customer") if with_customer else ("station",)
        booking = Booking.objects.select_related(*related).get(pk=booking_id)
    except Booking.DoesNotExist:
        return None, False
    # Compare the nonce in constant time: it is part of the secret.
    if not nonce or not signing.constant_time_compare(nonce, booking.manage_nonce):
        return None, False
    return booking, marker == _EMAILED


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
