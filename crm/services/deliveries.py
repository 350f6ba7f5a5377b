"""crm's hooks in core's delivery of marketing notifications (core/notifications/content.py).

core claims nothing here; it calls `compose` with the locked notification when a worker's turn
comes, and `delivered` with the outcome, both inside its delivery transaction. Consent is
checked again at that moment: a customer who unsubscribed (or texted STOP) after the claim
gets nothing, and their delivery records why.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from core.models import Notification
from core.notifications.content import ComposedMessage, DeliveryOutcome, content_provider_register
from crm.content import email_message, sms_body, unsubscribe_headers
from crm.models import Campaign, CampaignDelivery
from crm.services.sending import delivery_block_reason
from crm.tokens import unsubscribe_token_for, unsubscribe_url_for

Status = CampaignDelivery.Status
TEST_SUBJECT_PREFIX = "[Test] "
SKIP_REASONS = {
    Status.SKIPPED_UNSUBSCRIBED: "unsubscribed",
    Status.SKIPPED_CONSENT: "no consent",
    Status.SKIPPED_NO_ADDRESS: "no phone number",
    Status.SKIPPED_CANCELLED: "campaign cancelled",
}
# A skip reason core recorded, back to the delivery's status.
STATUS_OF_REASON = {reason: status for status, reason in SKIP_REASONS.items()}


def marketing_compose(notification: Notification) -> ComposedMessage:
    context = notification.context or {}
    campaign = Campaign.objects.filter(pk=context.get("campaign_id")).first()
    if campaign is None:
        return ComposedMessage(skip_reason="campaign deleted")
    values = {"first_name": context.get("first_name") or "", "station": context.get("station") or ""}
    if context.get("test"):
        return _compose(campaign, to=notification.recipient, values=values, delivery_id=None, test=True)
    delivery = (
        CampaignDelivery.objects.select_related("customer").filter(pk=context.get("delivery_id")).first()
    )
    if delivery is None:
        return ComposedMessage(skip_reason="delivery deleted")
    if campaign.status == Campaign.Status.CANCELLED:
        return ComposedMessage(skip_reason=SKIP_REASONS[Status.SKIPPED_CANCELLED])
    customer = delivery.customer
    # The cap was checked at the claim; consent may have been withdrawn since.
    blocked = delivery_block_reason(customer=customer, channel=campaign.channel, recent_messages=0)
    if blocked:
        return ComposedMessage(skip_reason=SKIP_REASONS[blocked])
    to = customer.email if campaign.channel == Campaign.Channel.EMAIL else customer.phone
    return _compose(campaign, to=to, values=values, delivery_id=delivery.pk, test=False)


def _compose(
    campaign: Campaign, *, to: str, values: dict[str, str], delivery_id, test: bool
) -> ComposedMessage:
    if campaign.channel == Campaign.Channel.SMS:
        return ComposedMessage(to=(to,), text=sms_body(campaign.content, values))
    if delivery_id is not None:
        url, token = unsubscribe_url_for(delivery_id), unsubscribe_token_for(delivery_id)
    else:  # a test: the link shows the page, and unsubscribes nobody
        url, token = f"{settings.SITE_URL}/unsubscribe/test/", "test"
    message = email_message(
        subject=campaign.subject, content=campaign.content, values=values, unsubscribe_url=url
    )
    return ComposedMessage(
        to=(to,),
        subject=f"{TEST_SUBJECT_PREFIX if test else ''}{message.subject}",
        text=message.text,
        html=message.html,
        headers=unsubscribe_headers(url, token),
    )


def marketing_delivered(notification: Notification, outcome: DeliveryOutcome) -> None:
    """Record the outcome on the campaign delivery (tests have none)."""
    delivery_id = (notification.context or {}).get("delivery_id")
    if not delivery_id:
        return
    if outcome.status == Notification.Status.SENT:
        changes = {"status": Status.SENT, "sent_at": timezone.now(), "provider_id": outcome.provider_id[:128]}
    elif outcome.status == Notification.Status.SKIPPED:
        changes = {"status": STATUS_OF_REASON.get(outcome.error, Status.FAILED), "error": outcome.error[:255]}
    else:
        changes = {"status": Status.FAILED, "error": outcome.error[:255]}
    CampaignDelivery.objects.filter(pk=delivery_id).update(**changes, updated_at=timezone.now())


def register() -> None:
    """Called from CrmConfig.ready: core delivers marketing notifications with these hooks."""
    for kind in (Notification.Kind.MARKETING_EMAIL, Notification.Kind.MARKETING_SMS):
        content_provider_register(kind=kind, compose=marketing_compose, delivered=marketing_delivered)
