"""The marketing caps of DOMAIN.md "Customers and consent": their one home.

Rolling windows per customer, across all campaigns: at most 8 marketing SMS in any 30 days and
2 marketing emails in any 7 days. Transactional messages (booking emails, reminders, receipts)
never count and are never blocked. Campaign sending reads `marketing_cap(channel)`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from crm.models import Campaign


@dataclass(frozen=True)
class MarketingCap:
    max_messages: int
    window: datetime.timedelta


MARKETING_CAPS: dict[str, MarketingCap] = {
    Campaign.Channel.SMS: MarketingCap(max_messages=8, window=datetime.timedelta(days=30)),
    Campaign.Channel.EMAIL: MarketingCap(max_messages=2, window=datetime.timedelta(days=7)),
}


def marketing_cap(channel: str) -> MarketingCap:
    """The cap of a campaign channel ("sms" or "email")."""
    return MARKETING_CAPS[channel]
