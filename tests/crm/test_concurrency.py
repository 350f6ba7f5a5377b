"""Two workers sending one campaign at once, on real threads with their own connections: one message each."""

from collections import Counter

import pytest

from crm.models import Campaign, CampaignDelivery
from crm.services import campaign_send
from tests.core.notifications.test_concurrency import race
from tests.crm.helpers import consenting_customer, due_campaign, past_deliveries

CUSTOMERS = 40


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_one_campaign_send_one_email_to_each_customer(mailoutbox):
    customers = [consenting_customer() for _ in range(CUSTOMERS)]
    campaign = due_campaign()

    results = race(lambda: campaign_send(campaign_id=campaign.pk, batch_size=7), threads=2)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert sum(result.claimed for result in results) == CUSTOMERS
    assert Counter(message.to[0] for message in mailoutbox) == Counter({c.email: 1 for c in customers})
    assert (
        CampaignDelivery.objects.filter(campaign=campaign, status=CampaignDelivery.Status.SENT).count()
        == CUSTOMERS
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_two_campaigns_at_once_cannot_both_pass_a_customers_cap(mailoutbox):
    # Given customers with one marketing email this week: room for exactly one more
    customers = [consenting_customer() for _ in range(10)]
    for customer in customers:
        past_deliveries(customer, channel=Campaign.Channel.EMAIL, count=1, days_ago=2)
    first, second = due_campaign(), due_campaign()
    campaigns = iter([first, second])

    def work():
        campaign = next(campaigns)
        report = campaign_send(campaign_id=campaign.pk, batch_size=3)
        # A customer locked by the other campaign is left for the next run: run until done.
        while not report.finished:
            report = campaign_send(campaign_id=campaign.pk, batch_size=3)
        return report

    results = race(work, threads=2)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert Counter(message.to[0] for message in mailoutbox) == Counter({c.email: 1 for c in customers})
    skipped = CampaignDelivery.objects.filter(status=CampaignDelivery.Status.SKIPPED_CAP)
    assert skipped.count() == 10
