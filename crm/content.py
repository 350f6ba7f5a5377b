"""What a campaign says to one customer: its subject and body with their placeholders filled.

Staff write plain text with two placeholders, {{ first_name }} and {{ station }} (the name of
the customer's station). Nothing else is a template: campaign content is not run through the
template engine, so a campaign cannot reach into templates or settings. An email becomes HTML
(in the brand's layout, templates/crm/emails/) and text, each with the unsubscribe link; an
SMS is one line of at most 320 characters, ending with "Reply STOP to opt out.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils.text import Truncator

from core.notifications.render import SMS_OPT_OUT_TEXT, base_context
from crm.models import Campaign
from kernel.errors import ServiceError

SMS_MAX_LENGTH = 320
PLACEHOLDERS = ("first_name", "station")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_TEMPLATE_SYNTAX = re.compile(r"\{%|%\}|\{#|#\}")
# What a check of the length assumes: a long first name and station name, so that a campaign
# accepted at 320 characters stays within them for nearly everyone.
SAMPLE_VALUES = {"first_name": "Maximiliana", "station": "Fremont"}
FALLBACK_FIRST_NAME = "there"  # "Hi there," when we have no first name


@dataclass(frozen=True)
class CampaignMessage:
    subject: str
    text: str
    html: str = ""


def placeholders_fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def campaign_content_check(*, channel: str, subject: str, content: str, station_name: str = "") -> None:
    """Refuse content that cannot be sent as written (ServiceError naming the field and why)."""
    for field, text in (("subject", subject), ("content", content)):
        unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
        if unknown:
            raise ServiceError(
                f"Unknown placeholder {{{{ {unknown[0]} }}}}: use {{{{ first_name }}}} or {{{{ station }}}}.",
                field=field,
            )
        if _TEMPLATE_SYNTAX.search(text):
            raise ServiceError(
                "Template tags are not allowed; only {{ first_name }} and {{ station }}.", field=field
            )
    if not content.strip():
        raise ServiceError("Write the message.", field="content")
    if channel == Campaign.Channel.EMAIL and not subject.strip():
        raise ServiceError("An email needs a subject.", field="subject")
    if channel == Campaign.Channel.SMS:
        sample = {**SAMPLE_VALUES, "station": max(station_name, SAMPLE_VALUES["station"], key=len)}
        length = len(sms_body(content, sample, truncate=False))
        if length > SMS_MAX_LENGTH:
            raise ServiceError(
                f"The text is {length} characters with “{SMS_OPT_OUT_TEXT}” and a long name; "
                f"at most {SMS_MAX_LENGTH}.",
                field="content",
            )


def sms_body(content: str, values: dict[str, str], *, truncate: bool = True) -> str:
    """One line, ending with the opt-out text, within 320 characters (cut when `truncate`)."""
    body = " ".join(placeholders_fill(content, values).split())
    if body.endswith(SMS_OPT_OUT_TEXT):
        body = body[: -len(SMS_OPT_OUT_TEXT)].rstrip()
    room = SMS_MAX_LENGTH - len(SMS_OPT_OUT_TEXT) - 1
    if truncate and len(body) > room:
        body = Truncator(body).chars(room)
    return f"{body} {SMS_OPT_OUT_TEXT}"


def email_message(
    *, subject: str, content: str, values: dict[str, str], unsubscribe_url: str
) -> CampaignMessage:
    """The email: subject on one line; text and HTML in the brand's layout with the unsubscribe link."""
    body = placeholders_fill(content, values).strip()
    context = {
        **base_context(),
        "body": body,
        "unsubscribe_url": unsubscribe_url,
        "first_name": values.get("first_name") or FALLBACK_FIRST_NAME,
    }
    text = get_template("crm/emails/campaign.txt").template.render(Context(context, autoescape=False))
    return CampaignMessage(
        subject=" ".join(placeholders_fill(subject, values).split()),
        text=text.strip() + "\n",
        html=get_template("crm/emails/campaign.html").render(context),
    )


def unsubscribe_headers(unsubscribe_url: str, token: str) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe (https URL and mailto) and RFC 8058 one-click."""
    mailto = f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}"
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
