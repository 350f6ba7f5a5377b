"""The marketing caps of DOMAIN.md "Customers and consent": the one home of their numbers.

Rolling windows, per customer, across every campaign: at most 8 marketing SMS in any 30 days
and 2 marketing emails in any 7 days. They are counted from the campaign deliveries in the
database (crm.CampaignDelivery, queued or sent), never from a cache. Transactional messages
(booking emails, reminders, replies) are core notifications, not deliveries: they never count
and are never blocked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from crm.models import Campaign


@dataclass(frozen=True)
class MarketingCap:
    messages: int
    window: datetime.timedelta

    def describe(self, noun: str) -> str:
        return f"at most {self.messages} marketing {noun} in any {self.window.days} days"


MARKETING_CAPS: dict[str, MarketingCap] = {
    Campaign.Channel.SMS: MarketingCap(messages=8, window=datetime.timedelta(days=30)),
    Campaign.Channel.EMAIL: MarketingCap(messages=2, window=datetime.timedelta(days=7)),
}
