"""The marketing caps of DOMAIN.md "Customers and consent": the one home of their numbers.

Rolling windows, per customer, across every campaign: at most 8 marketing SMS in any 30 days
and 2 marketing emails in any 7 days. Here in core, below crm, so that the consent texts
customers agree to (core/services/customers.py) state the same numbers the sender enforces
(crm/services/sending.py counts them from crm's campaign deliveries, never a cache).
Transactional messages (booking emails, reminders, replies) never count and are never blocked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class MarketingCap:
    messages: int
    window: datetime.timedelta


SMS_CAP = MarketingCap(messages=8, window=datetime.timedelta(days=30))
EMAIL_CAP = MarketingCap(messages=2, window=datetime.timedelta(days=7))
# By channel ("sms", "email": crm's Campaign.Channel values).
MARKETING_CAPS: dict[str, MarketingCap] = {"sms": SMS_CAP, "email": EMAIL_CAP}
