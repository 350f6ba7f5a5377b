"""A campaign's lifecycle through its services, and what its content may say."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Notification
from core.tasks import notification_deliver_bulk
from crm.content import SMS_MAX_LENGTH, campaign_content_check, sms_body
from crm.models import Campaign
from crm.services import (
    CAMPAIGN_TRANSITIONS,
    campaign_cancel,
    campaign_schedule,
    campaign_send_now,
    campaign_send_test,
    campaign_unschedule,
)
from kernel.errors import ConflictError, ServiceError
from tests.crm.helpers import consenting_customer, due_campaign

pytestmark = pytest.mark.django_db

STAFF = Actor.system(label="test staff")
TOMORROW = timezone.now() + datetime.timedelta(days=1)


def draft(**fields) -> Campaign:
    return due_campaign(status=Campaign.Status.DRAFT, scheduled_at=None, **fields)


def test_the_transition_table_is_the_domains_lifecycle():
    targets = {action: target for action, (_sources, target) in CAMPAIGN_TRANSITIONS.items()}
    assert targets["schedule"] == "scheduled" and targets["start_sending"] == "sending"
    assert targets["finish_sending"] == "sent" and targets["cancel"] == "cancelled"
    assert "sent" not in CAMPAIGN_TRANSITIONS["cancel"][0]


def test_schedule_then_back_to_draft_then_cancel_each_audited():
    campaign = draft()

    campaign_schedule(campaign=campaign, scheduled_at=TOMORROW, actor=STAFF)
    campaign_schedule(campaign=campaign, scheduled_at=TOMORROW, actor=STAFF)  # idempotent
    campaign_unschedule(campaign=campaign, actor=STAFF)
    campaign_cancel(campaign=campaign, actor=STAFF, reason="Off season")

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    actions = list(
        AuditLog.objects.filter(resource_id=str(campaign.pk))
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == ["campaign.schedule", "campaign.unschedule", "campaign.cancel"]


@pytest.mark.parametrize("status", [Campaign.Status.SENT, Campaign.Status.CANCELLED])
def test_a_finished_campaign_cannot_be_scheduled_again(status):
    campaign = draft()
    Campaign.objects.filter(pk=campaign.pk).update(status=status)

    with pytest.raises(ConflictError) as refused:
        campaign_schedule(campaign=campaign, scheduled_at=TOMORROW, actor=STAFF)

    assert refused.value.code == "invalid_transition"


def test_a_sent_campaign_cannot_be_cancelled():
    campaign = draft()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT)

    with pytest.raises(ConflictError):
        campaign_cancel(campaign=campaign, actor=STAFF)


def test_send_now_makes_the_campaign_due_and_sends_it_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    consenting_customer()
    campaign = draft()

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send_now(campaign=campaign, actor=STAFF)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and len(mailoutbox) == 1


def test_a_cancelled_campaigns_queued_messages_are_skipped(django_capture_on_commit_callbacks, mailoutbox):
    from crm.models import CampaignDelivery
    from crm.services import campaign_send

    consenting_customer()
    campaign = due_campaign()
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        campaign_send(campaign_id=campaign.pk)
    # Still sending (other customers of the segment left for the next run) when staff cancel
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    campaign_cancel(campaign=campaign, actor=STAFF)

    for deliver in enqueued:
        deliver()

    assert mailoutbox == []
    assert CampaignDelivery.objects.get(campaign=campaign).status == CampaignDelivery.Status.SKIPPED_CANCELLED


def test_a_test_send_goes_to_the_given_phone_for_an_sms_campaign(
    django_capture_on_commit_callbacks, sms_outbox
):
    campaign = draft(channel=Campaign.Channel.SMS)

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send_test(campaign=campaign, actor=STAFF, to="(510) 555-0100", first_name="Sam")

    [text] = sms_outbox
    assert text.to == "+15105550100" and text.body.startswith("Hi Sam!")
    assert Notification.objects.get(kind=Notification.Kind.MARKETING_SMS).customer_id is None


@pytest.mark.parametrize(
    ("channel", "subject", "content", "field", "reason"),
    [
        ("email", "", "Hello", "subject", "needs a subject"),
        ("email", "Hi", "  ", "content", "Write the message"),
        ("email", "Hi {{ last_name }}", "Hello", "subject", "Unknown placeholder"),
        ("email", "Hi", "{% include 'x.html' %}", "content", "Template tags are not allowed"),
        ("sms", "", "x" * 300, "content", "at most 320"),
    ],
)
def test_content_that_cannot_be_sent_as_written_is_refused(channel, subject, content, field, reason):
    with pytest.raises(ServiceError) as refused:
        campaign_content_check(channel=channel, subject=subject, content=content)
    assert refused.value.field == field and reason in refused.value.message


def test_an_sms_always_ends_with_the_stop_text_once_and_fits_320_characters():
    assert sms_body("Hi {{ first_name }}! Reply STOP to opt out.", {"first_name": "Al"}) == (
        "Hi Al! Reply STOP to opt out."
    )
    long = sms_body("y" * 400, {})
    assert len(long) == SMS_MAX_LENGTH and long.endswith("… Reply STOP to opt out.")


def test_campaign_deliveries_go_through_the_rate_limited_task():
    assert notification_deliver_bulk.rate_limit == settings.MARKETING_DELIVERY_RATE_LIMIT


def test_the_pending_sweep_hands_old_marketing_messages_to_the_rate_limited_task(monkeypatch):
    from core.notifications import dispatch
    from core.services.messaging import BULK_PENDING_GRACE, notifications_deliver_pending

    customer = consenting_customer()
    stale = Notification.objects.create(
        kind=Notification.Kind.MARKETING_EMAIL, channel="email", customer=customer, occurrence="c1"
    )
    fresh = Notification.objects.create(
        kind=Notification.Kind.MARKETING_EMAIL, channel="email", customer=customer, occurrence="c2"
    )
    Notification.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - BULK_PENDING_GRACE - datetime.timedelta(minutes=1)
    )
    Notification.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    bulk, plain = [], []
    monkeypatch.setattr(dispatch, "bulk_delivery_enqueue", bulk.append)
    monkeypatch.setattr(dispatch, "delivery_enqueue", plain.append)

    notifications_deliver_pending()

    assert bulk == [stale.pk] and plain == []
