"""Sending email through Django's email framework (EMAIL_BACKEND: console in development)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid


def email_send(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str = "",
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
) -> str:
    """Send one email (plain text, with an HTML alternative when given); its Message-ID.

    `headers`: extra headers (a marketing email's List-Unsubscribe and List-Unsubscribe-Post).

    Raises what the backend raises (SMTPException, OSError): the caller decides on retries.
    """
    message_id = make_msgid(domain=_sender_domain())
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=[reply_to] if reply_to else None,
        headers={**(headers or {}), "Message-ID": message_id},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
    return message_id


def _sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "myhibachichef.com"
