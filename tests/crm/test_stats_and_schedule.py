"""A campaign's figures, and the minute job that starts due campaigns."""

import datetime

import pytest
from django.utils import timezone

from core.models import Booking
from crm.models import Campaign, CampaignDelivery
from crm.selectors import campaign_stats
from crm.services import campaigns_due
from crm.tasks import campaigns_send_due
from tests.core.factories import BookingFactory, CustomerFactory
from tests.crm.helpers import consenting_customer, due_campaign

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_the_figures_count_by_status_unsubscribes_since_and_bookings_within_30_days(
    django_capture_on_commit_callbacks,
):
    booker, quitter, other = consenting_customer(), consenting_customer(), consenting_customer()
    CustomerFactory(email_consent=False)
    campaign = due_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_send_due()
    sent_at = CampaignDelivery.objects.get(campaign=campaign, customer=booker).sent_at
    # booker books twice within 30 days (one cancelled) and once after; quitter unsubscribes
    kept = BookingFactory(customer=booker, total_due_cents=80_000)
    cancelled = BookingFactory(customer=booker, total_due_cents=70_000, status=Booking.Status.CANCELLED)
    late = BookingFactory(customer=booker, total_due_cents=90_000, date=kept.date + DAY)
    Booking.objects.filter(pk=kept.pk).update(created_at=sent_at + 3 * DAY)
    Booking.objects.filter(pk=cancelled.pk).update(created_at=sent_at + 4 * DAY)
    Booking.objects.filter(pk=late.pk).update(created_at=sent_at + 31 * DAY)
    BookingFactory(customer=CustomerFactory(), total_due_cents=50_000)  # not a recipient
    type(quitter).objects.filter(pk=quitter.pk).update(email_consent=False, email_consent_at=sent_at + DAY)

    stats = campaign_stats(campaign)

    assert (stats.targeted, stats.sent, stats.failed) == (4, 3, 0)
    assert stats.skipped[CampaignDelivery.Status.SKIPPED_CONSENT] == 1
    assert stats.unsubscribed_since == 1
    assert stats.attributed_bookings == 1 and stats.attributed_revenue_cents == 80_000
    assert other.email  # a recipient who did nothing counts only as sent


def test_the_minute_job_starts_due_campaigns_only(django_capture_on_commit_callbacks, mailoutbox):
    consenting_customer()
    due = due_campaign()
    later = due_campaign(scheduled_at=timezone.now() + DAY)
    draft = due_campaign(status=Campaign.Status.DRAFT)

    assert campaigns_due() == [due.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_send_due() == 1

    for campaign in (due, later, draft):
        campaign.refresh_from_db()
    assert (due.status, later.status, draft.status) == ("sent", "scheduled", "draft")
    assert len(mailoutbox) == 1
