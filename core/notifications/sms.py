"""Sending SMS: one small gateway interface, chosen by settings.SMS_GATEWAY.

- console: prints each message (development; nothing leaves the machine);
- recording: keeps each message in `outbox` (tests read it, like django.core.mail.outbox);
- twilio: Twilio's Messages API over plain HTTPS (urllib), so no SDK dependency.

Twilio's request signature (X-Twilio-Signature) is computed here too, for the inbound webhook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    """The provider did not accept the message. `retryable`: worth trying again later."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    provider_id: str


class SmsGateway(Protocol):
    name: str

    def send(self, *, to: str, body: str) -> SentSms:
        """Hand one message to the provider; its id, or SmsDeliveryError."""
        ...


class ConsoleSmsGateway:
    name = "console"

    def send(self, *, to: str, body: str) -> SentSms:
        sent = SentSms(to=to, body=body, provider_id=f"console-{uuid.uuid4().hex[:16]}")
        logger.info("SMS to %s (console gateway, not sent): %s", to, body)
        return sent


# What the recording gateway sent, oldest first. Tests clear it between tests.
outbox: list[SentSms] = []
_outbox_lock = threading.Lock()


class RecordingSmsGateway:
    name = "recording"

    def send(self, *, to: str, body: str) -> SentSms:
        sent = SentSms(to=to, body=body, provider_id=f"rec-{uuid.uuid4().hex[:16]}")
        with _outbox_lock:
            outbox.append(sent)
        return sent


class TwilioSmsGateway:
    """Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json, basic auth."""

    name = "twilio"
    api_base = "https://api.twilio.com"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        timeout: float = 10.0,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.timeout = timeout

    def send(self, *, to: str, body: str) -> SentSms:
        form = {"To": to, "Body": body}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number
        url = f"{self.api_base}/2010-04-01/Accounts/{urllib.parse.quote(self.account_sid)}/Messages.json"
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - a fixed https URL
            url,
            data=urllib.parse.urlencode(form).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            # 429 and 5xx are the provider's trouble; other 4xx (a bad number, an opted-out
            # recipient: Twilio 21610) will not succeed on a retry.
            retryable = exc.code == 429 or exc.code >= 500
            raise SmsDeliveryError(f"Twilio HTTP {exc.code}: {detail}", retryable=retryable) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsDeliveryError(f"Twilio unreachable: {exc}", retryable=True) from exc
        provider_id = str(payload.get("sid", ""))
        if not provider_id:
            raise SmsDeliveryError("Twilio answered without a message sid.", retryable=True)
        return SentSms(to=to, body=body, provider_id=provider_id)


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(exc.read().decode() or "{}")
    except (ValueError, OSError):
        return exc.reason or ""
    return f"{payload.get('code', '')} {payload.get('message', '')}".strip()


def sms_gateway() -> SmsGateway:
    """The gateway settings.SMS_GATEWAY names."""
    name = settings.SMS_GATEWAY
    if name == "twilio":
        return TwilioSmsGateway(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            timeout=settings.SMS_TIMEOUT_SECONDS,
        )
    if name == "recording":
        return RecordingSmsGateway()
    if name == "console":
        return ConsoleSmsGateway()
    raise ValueError(f"Unknown SMS_GATEWAY {name!r}: console, recording or twilio.")


# --- Twilio's request signature (inbound webhooks) -----------------------------------------


def twilio_signature(*, url: str, params: Mapping[str, Sequence[str]], auth_token: str) -> str:
    """base64(HMAC-SHA1(auth_token, url + each POST parameter name and value, sorted by name)).

    Twilio's scheme (https://www.twilio.com/docs/usage/security#validating-requests): the
    full URL Twilio requested, then every POST parameter as name followed by value, names in
    sorted order (several values of one name: each distinct value once, sorted, as Twilio's own
    library does), keyed with the account's auth token.
    """
    payload = url
    for name in sorted(params):
        for value in sorted(set(params[name])):
            payload += f"{name}{value}"
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(
    *, url: str, params: Mapping[str, Sequence[str]], signature: str, auth_token: str
) -> bool:
    """Whether the signature is Twilio's for this request; False when there is no token to check with."""
    if not auth_token or not signature:
        return False
    expected = twilio_signature(url=url, params=params, auth_token=auth_token)
    return hmac.compare_digest(expected, signature)
