"""Sending a campaign: exactly once per customer, within consent and the rolling caps, recorded."""

import datetime

import pytest
from django.utils import timezone

from core.models import Notification
from crm.models import Campaign, CampaignDelivery
from crm.services import campaign_send
from tests.core.factories import BookingFactory, CustomerFactory
from tests.crm.helpers import consenting_customer, due_campaign, past_deliveries
from tests.identity.factories import StationFactory

pytestmark = pytest.mark.django_db

Status = CampaignDelivery.Status
EMAIL, SMS = Campaign.Channel.EMAIL, Campaign.Channel.SMS


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send(campaign): run the sender, and the deliveries it hands to the worker after commit."""

    def run(campaign, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = campaign_send(campaign_id=campaign.pk, **kwargs)
        campaign.refresh_from_db()
        return report

    return run


def delivery_of(campaign, customer) -> CampaignDelivery:
    return CampaignDelivery.objects.get(campaign=campaign, customer=customer)


def test_a_due_email_campaign_sends_once_to_each_consenting_customer_and_is_sent(send, mailoutbox):
    ann, ben = consenting_customer(first_name="Ann"), consenting_customer(first_name="Ben")
    BookingFactory(customer=ann, station=StationFactory(name="Fremont"))
    campaign = due_campaign()

    report = send(campaign)

    assert report.claimed == 2 and campaign.status == Campaign.Status.SENT and campaign.sent_at
    assert sorted(m.to[0] for m in mailoutbox) == sorted([ann.email, ben.email])
    to_ann = next(m for m in mailoutbox if m.to == [ann.email])
    assert to_ann.subject == "Hi Ann, spring parties at Fremont"
    assert "Spring weekends are filling up at Fremont." in to_ann.body
    delivery = delivery_of(campaign, ann)
    assert delivery.status == Status.SENT and delivery.sent_at and delivery.provider_id
    assert delivery.notification.status == Notification.Status.SENT


def test_running_the_sender_again_sends_nothing_more(send, mailoutbox):
    consenting_customer()
    campaign = due_campaign()
    send(campaign)
    campaign.status = Campaign.Status.SENDING  # as if a second worker still had it in hand
    campaign.save(update_fields=["status"])

    report = send(campaign)

    assert report.claimed == 0
    assert len(mailoutbox) == 1
    assert CampaignDelivery.objects.filter(campaign=campaign).count() == 1


def test_batches_cover_the_whole_segment(send, mailoutbox):
    for _ in range(7):
        consenting_customer()
    campaign = due_campaign()

    report = send(campaign, batch_size=3)

    assert report.claimed == 7 and report.finished
    assert len(mailoutbox) == 7


def test_a_campaign_scheduled_for_later_is_not_sent_yet(send, mailoutbox):
    consenting_customer()
    campaign = due_campaign(scheduled_at=timezone.now() + datetime.timedelta(hours=1))

    assert send(campaign).claimed == 0
    assert campaign.status == Campaign.Status.SCHEDULED and mailoutbox == []


def test_email_without_consent_is_skipped_and_never_sent(send, mailoutbox):
    never = CustomerFactory(email_consent=False, email_consent_at=None)
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, never).status == Status.SKIPPED_CONSENT
    assert mailoutbox == []


def test_a_customer_who_withdrew_consent_is_recorded_as_unsubscribed_before_any_other_reason(
    send, mailoutbox
):
    # Withdrawn consent (off, with the time of withdrawal) and over the cap: unsubscribed wins.
    gone = consenting_customer(email_consent=False)
    past_deliveries(gone, channel=EMAIL, count=2, days_ago=1)
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, gone).status == Status.SKIPPED_UNSUBSCRIBED


def test_no_consent_is_recorded_before_the_cap(send):
    never = CustomerFactory(email_consent=False)
    past_deliveries(never, channel=EMAIL, count=2, days_ago=1)
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, never).status == Status.SKIPPED_CONSENT


def test_the_third_marketing_email_in_seven_days_is_skipped_for_the_cap(send, mailoutbox):
    capped = consenting_customer()
    past_deliveries(capped, channel=EMAIL, count=2, days_ago=6.9)
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, capped).status == Status.SKIPPED_CAP
    assert mailoutbox == []


def test_the_email_cap_rolls_two_emails_older_than_seven_days_do_not_count(send, mailoutbox):
    customer = consenting_customer()
    past_deliveries(customer, channel=EMAIL, count=2, days_ago=7.01)
    past_deliveries(customer, channel=EMAIL, count=1, days_ago=3)
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, customer).status == Status.SENT
    assert len(mailoutbox) == 1


def test_the_ninth_marketing_sms_in_thirty_days_is_skipped_for_the_cap(send, sms_outbox):
    capped, under = consenting_customer(), consenting_customer()
    past_deliveries(capped, channel=SMS, count=8, days_ago=29.9)
    past_deliveries(under, channel=SMS, count=7, days_ago=29.9)
    past_deliveries(under, channel=SMS, count=3, days_ago=30.1)
    campaign = due_campaign(channel=SMS)

    send(campaign)

    assert delivery_of(campaign, capped).status == Status.SKIPPED_CAP
    assert delivery_of(campaign, under).status == Status.SENT
    assert [sms.to for sms in sms_outbox] == [under.phone]


def test_caps_count_per_channel_and_only_messages_that_went_or_are_going_out(send, mailoutbox):
    customer = consenting_customer()
    past_deliveries(customer, channel=SMS, count=8, days_ago=1)  # texts do not count for email
    past_deliveries(customer, channel=EMAIL, count=3, days_ago=1, status=Status.SKIPPED_CAP)
    past_deliveries(customer, channel=EMAIL, count=1, days_ago=1, status=Status.FAILED)
    past_deliveries(customer, channel=EMAIL, count=1, days_ago=1, status=Status.QUEUED)
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, customer).status == Status.SENT


def test_booking_emails_never_count_toward_the_cap(send, mailoutbox):
    # Given a customer who got booking emails (transactional notifications) this week
    customer = consenting_customer()
    BookingFactory(customer=customer)
    for kind in (
        Notification.Kind.BOOKING_RECEIVED,
        Notification.Kind.BOOKING_CONFIRMED,
        Notification.Kind.EVENT_REMINDER_48H,
    ):
        Notification.objects.create(
            kind=kind, channel=Notification.Channel.EMAIL, customer=customer, status=Notification.Status.SENT
        )
    campaign = due_campaign()

    send(campaign)

    assert delivery_of(campaign, customer).status == Status.SENT


def test_an_sms_campaign_needs_sms_consent_and_a_phone_and_honours_stop(send, sms_outbox):
    texts_ok = consenting_customer(first_name="Tia")
    stopped = consenting_customer(sms_consent=False)  # texted STOP: off, with the time
    never = CustomerFactory(sms_consent=False)
    no_phone = consenting_customer(phone="")
    campaign = due_campaign(channel=SMS)

    send(campaign)

    assert delivery_of(campaign, stopped).status == Status.SKIPPED_UNSUBSCRIBED
    assert delivery_of(campaign, never).status == Status.SKIPPED_CONSENT
    assert delivery_of(campaign, no_phone).status == Status.SKIPPED_NO_ADDRESS
    [text] = sms_outbox
    assert text.to == texts_ok.phone
    assert text.body.startswith("Hi Tia! Book your spring party with")
    assert text.body.endswith("Reply STOP to opt out.") and len(text.body) <= 320


def test_consent_withdrawn_between_claim_and_delivery_stops_the_message(
    send, mailoutbox, django_capture_on_commit_callbacks
):
    customer = consenting_customer()
    campaign = due_campaign()
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        campaign_send(campaign_id=campaign.pk)
    type(customer).objects.filter(pk=customer.pk).update(email_consent=False, email_consent_at=timezone.now())

    for deliver in enqueued:
        deliver()

    assert delivery_of(campaign, customer).status == Status.SKIPPED_UNSUBSCRIBED
    assert mailoutbox == []


def test_segment_members_only(send, mailoutbox):
    from crm.models import SegmentRule
    from tests.crm.factories import CustomerSegmentFactory, SegmentRuleFactory

    loyal = consenting_customer(booking_count=3)
    consenting_customer(booking_count=0)
    segment = CustomerSegmentFactory()
    SegmentRuleFactory(
        segment=segment,
        field=SegmentRule.Field.BOOKING_COUNT,
        operator=SegmentRule.Operator.GREATER_THAN,
        value="1",
    )
    campaign = due_campaign(segment=segment)

    send(campaign)

    assert [m.to for m in mailoutbox] == [[loyal.email]]


def test_the_consent_texts_customers_agree_to_state_the_caps_the_sender_enforces():
    from core.services.customers import EMAIL_CONSENT_TEXT, SMS_CONSENT_TEXT
    from crm.policy import marketing_cap

    sms, email = marketing_cap(SMS), marketing_cap(EMAIL)
    assert (sms.max_messages, sms.window.days, email.max_messages, email.window.days) == (8, 30, 2, 7)
    assert f"at most {sms.max_messages} marketing messages a month" in SMS_CONSENT_TEXT
    assert f"at most {email.max_messages} a week" in EMAIL_CONSENT_TEXT
