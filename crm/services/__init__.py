"""Every write of crm: campaigns' lifecycle, sending them, unsubscribing.

campaigns.py    draft → scheduled → sending → sent / cancelled; the test send
sending.py      claiming deliveries in batches, within consent and the caps
deliveries.py   crm's hooks in core's delivery (compose the message, record the outcome)
unsubscribe.py  the signed link's unsubscribe
"""

from crm.services.campaigns import (
    CAMPAIGN_TRANSITIONS,
    campaign_cancel,
    campaign_check_ready,
    campaign_schedule,
    campaign_send_now,
    campaign_send_test,
    campaign_unschedule,
)
from crm.services.sending import BATCH_SIZE, SendReport, campaign_send, campaigns_due, delivery_block_reason
from crm.services.unsubscribe import delivery_unsubscribe

__all__ = [
    "BATCH_SIZE",
    "CAMPAIGN_TRANSITIONS",
    "SendReport",
    "campaign_cancel",
    "campaign_check_ready",
    "campaign_schedule",
    "campaign_send",
    "campaign_send_now",
    "campaign_send_test",
    "campaign_unschedule",
    "campaigns_due",
    "delivery_block_reason",
    "delivery_unsubscribe",
]
