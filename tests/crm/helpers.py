"""Building campaigns ready to send, and running the sender as the minute job would."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.models import Customer
from core.services.customers import EMAIL_CONSENT_TEXT, SMS_CONSENT_TEXT
from crm.models import Campaign, CampaignDelivery, CustomerSegment, SegmentRule
from tests.core.factories import CustomerFactory
from tests.crm.factories import CampaignFactory, CustomerSegmentFactory, SegmentRuleFactory


def everyone_segment(**fields) -> CustomerSegment:
    """A segment of every customer (fewer than a million bookings)."""
    segment = CustomerSegmentFactory(**fields)
    SegmentRuleFactory(
        segment=segment,
        field=SegmentRule.Field.BOOKING_COUNT,
        operator=SegmentRule.Operator.LESS_THAN,
        value="1000000",
    )
    return segment


def due_campaign(
    *, channel: str = Campaign.Channel.EMAIL, segment: CustomerSegment | None = None, **fields
) -> Campaign:
    """A scheduled campaign whose time has come."""
    fields.setdefault("subject", "Hi {{ first_name }}, spring parties at {{ station }}")
    fields.setdefault(
        "content",
        "Hi {{ first_name }}! Book your spring party with {{ station }}."
        if channel == Campaign.Channel.SMS
        else "Hi {{ first_name }},\n\nSpring weekends are filling up at {{ station }}.",
    )
    fields.setdefault("scheduled_at", timezone.now() - datetime.timedelta(minutes=1))
    fields.setdefault("status", Campaign.Status.SCHEDULED)
    return CampaignFactory(channel=channel, segment=segment or everyone_segment(), **fields)


def consenting_customer(**fields) -> Customer:
    now = timezone.now() - datetime.timedelta(days=90)
    fields.setdefault("email_consent", True)
    fields.setdefault("email_consent_at", now)
    fields.setdefault("sms_consent", True)
    fields.setdefault("sms_consent_at", now)
    fields.setdefault("email_consent_text", EMAIL_CONSENT_TEXT)
    fields.setdefault("sms_consent_text", SMS_CONSENT_TEXT)
    return CustomerFactory(**fields)


def past_deliveries(
    customer: Customer,
    *,
    channel: str,
    count: int,
    days_ago: float,
    status: str = CampaignDelivery.Status.SENT,
) -> None:
    """`count` earlier campaign messages to the customer, each from its own campaign, `days_ago` days ago."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    for _ in range(count):
        campaign = CampaignFactory(channel=channel, status=Campaign.Status.SENT)
        delivery = CampaignDelivery.objects.create(
            campaign=campaign, customer=customer, channel=channel, status=status
        )
        CampaignDelivery.objects.filter(pk=delivery.pk).update(created_at=at)
