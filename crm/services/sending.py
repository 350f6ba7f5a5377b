"""Sending a campaign: one delivery per customer, claimed exactly once, within consent and caps.

How (the pattern of core's reminder sweeps, core/services/reminders.py):
1. A due campaign (scheduled, its time passed) becomes `sending` under its row lock.
2. Batches of BATCH_SIZE customers of the segment that have no delivery of this campaign are
   locked with FOR UPDATE SKIP LOCKED (a second worker takes the next ones) in one
   transaction each, so memory stays constant whatever the segment's size.
3. In that transaction, for each customer, the checks in the recorded order — unsubscribed,
   no consent, (no phone for SMS), cap — give the delivery's status; every delivery row is
   inserted in one statement with ON CONFLICT DO NOTHING on (campaign, customer), the
   exactly-once record; the queued ones get a core notification each (same transaction,
   delivered after commit by the rate-limited task).
   The caps count this channel's queued and sent deliveries of the customer's rolling window.
   The customer row lock serialises two campaigns claiming one customer at once, so they
   cannot both pass the cap.
4. When no customer of the segment is left without a delivery, the campaign is `sent`. A
   customer locked by another transaction meanwhile is not lost: the campaign stays
   `sending`, and the next minute's run claims it.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from audit.actor import Actor
from core.models import Booking, Customer
from core.services.messaging import BulkClaim, notifications_claim_bulk
from crm.models import Campaign, CampaignDelivery
from crm.policy import marketing_cap
from crm.segments import COUNTED_BOOKING_STATUSES, segment_customers
from crm.services.campaigns import MARKETING_KIND, campaign_transition

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
SENDER = Actor.system(label="campaign sender")
Status = CampaignDelivery.Status
# What the caps count: a claimed message (queued) counts at once, so that two campaigns in
# one hour cannot both pass; a failed or skipped one never went out.
CAP_COUNTED_STATUSES = (Status.QUEUED, Status.SENT)
CUSTOMER_FIELDS = (
    "id",
    "first_name",
    "email",
    "phone",
    "email_consent",
    "email_consent_at",
    "sms_consent",
    "sms_consent_at",
)


@dataclass
class SendReport:
    claimed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    finished: bool = False


def delivery_block_reason(*, customer: Customer, channel: str, recent_messages: int) -> str:
    """The skipped status of a marketing message to this customer, '' when it may go out.

    The first that applies, in this order: unsubscribed (consent withdrawn: off, with the
    withdrawal's time on file), no consent (never given), no phone (SMS), the cap.
    """
    if channel == Campaign.Channel.EMAIL:
        consent, consent_at = customer.email_consent, customer.email_consent_at
    else:
        consent, consent_at = customer.sms_consent, customer.sms_consent_at
    if not consent:
        return Status.SKIPPED_UNSUBSCRIBED if consent_at is not None else Status.SKIPPED_CONSENT
    if channel == Campaign.Channel.SMS and not customer.phone:
        return Status.SKIPPED_NO_ADDRESS
    if recent_messages >= marketing_cap(channel).max_messages:
        return Status.SKIPPED_CAP
    return ""


def campaigns_due(*, now: datetime.datetime | None = None) -> list[UUID]:
    """The campaigns to work on now: scheduled and due, or sending (an unfinished run)."""
    now = now or timezone.now()
    return list(
        Campaign.objects.filter(
            Q(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now) | Q(status=Campaign.Status.SENDING)
        )
        .order_by("scheduled_at")
        .values_list("pk", flat=True)
    )


def campaign_send(
    *, campaign_id: UUID, batch_size: int = BATCH_SIZE, now: datetime.datetime | None = None
) -> SendReport:
    """Claim the campaign's deliveries, batch by batch; safe to run twice or on two workers at once."""
    report = SendReport()
    if not _start_sending(campaign_id, now=now):
        return report
    after: UUID | None = None
    while True:
        batch = _claim_batch(campaign_id, after=after, batch_size=batch_size, now=now)
        if batch is None:  # cancelled meanwhile
            return report
        claimed, after, by_status = batch
        report.claimed += claimed
        for status, count in by_status.items():
            report.by_status[status] = report.by_status.get(status, 0) + count
        if after is None:
            break
    report.finished = _finish_if_done(campaign_id)
    return report


@transaction.atomic
def _start_sending(campaign_id: UUID, *, now: datetime.datetime | None) -> bool:
    """scheduled and due → sending; True when the campaign is (now) sending."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        return False
    if campaign.status == Campaign.Status.SENDING:
        return True
    if campaign.status != Campaign.Status.SCHEDULED or (
        campaign.scheduled_at and campaign.scheduled_at > now
    ):
        return False
    campaign_transition(campaign, action="start_sending", actor=SENDER)
    return True


def _claim_batch(
    campaign_id: UUID, *, after: UUID | None, batch_size: int, now: datetime.datetime | None
) -> tuple[int, UUID | None, dict[str, int]] | None:
    """Claim one batch; (deliveries inserted, the last customer id or None when done, counts)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_related("segment").filter(pk=campaign_id).first()
        if campaign is None or campaign.status != Campaign.Status.SENDING:
            return None
        now = now or timezone.now()
        channel = campaign.channel
        already = CampaignDelivery.objects.filter(campaign_id=campaign_id, customer_id=OuterRef("pk"))
        candidates = segment_customers(campaign.segment).filter(~Exists(already))
        if after is not None:
            candidates = candidates.filter(pk__gt=after)
        customers = list(
            candidates.order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .only(*CUSTOMER_FIELDS)
            .annotate(station_name=_station_name())[:batch_size]
        )
        if not customers:
            return 0, None, {}
        cap = marketing_cap(channel)
        recent = dict(
            CampaignDelivery.objects.filter(
                customer_id__in=[customer.pk for customer in customers],
                channel=channel,
                status__in=CAP_COUNTED_STATUSES,
                created_at__gt=now - cap.window,
            )
            .values("customer_id")
            .annotate(count=Count("pk"))
            .values_list("customer_id", "count")
        )
        rows: list[tuple[UUID, Customer, str, UUID | None]] = []
        for customer in customers:
            status = delivery_block_reason(
                customer=customer, channel=channel, recent_messages=recent.get(customer.pk, 0)
            )
            notification_id = uuid.uuid4() if not status else None
            rows.append((uuid.uuid4(), customer, status or Status.QUEUED, notification_id))
        inserted = _insert_deliveries(campaign, rows, now=now)
        claims = [
            BulkClaim(
                notification_id=notification_id,
                customer_id=customer.pk,
                recipient=customer.email if channel == Campaign.Channel.EMAIL else customer.phone,
                context={
                    "campaign_id": str(campaign_id),
                    "delivery_id": str(delivery_id),
                    "first_name": customer.first_name,
                    "station": customer.station_name or "",
                },
            )
            for delivery_id, customer, status, notification_id in rows
            if delivery_id in inserted and notification_id is not None
        ]
        if claims:
            notifications_claim_bulk(
                kind=MARKETING_KIND[channel], channel=channel, occurrence=str(campaign_id), claims=claims
            )
        by_status: dict[str, int] = {}
        for delivery_id, _customer, status, _notification in rows:
            if delivery_id in inserted:
                by_status[status] = by_status.get(status, 0) + 1
        last = customers[-1].pk if len(customers) == batch_size else None
        return len(inserted), last, by_status


def _station_name() -> Subquery:
    """The name of the station of the customer's latest party (the {{ station }} placeholder)."""
    return Subquery(
        Booking.objects.filter(customer=OuterRef("pk"), status__in=COUNTED_BOOKING_STATUSES)
        .order_by("-date")
        .values("station__name")[:1]
    )


def _insert_deliveries(
    campaign: Campaign, rows: list[tuple[UUID, Customer, str, UUID | None]], *, now: datetime.datetime
) -> set[UUID]:
    """INSERT ... ON CONFLICT DO NOTHING: the ids of the rows this transaction claimed.

    The unique (campaign, customer) constraint is the exactly-once guarantee: a row another
    worker inserted first (it locked and committed that customer between our scan and our
    lock) is silently not ours. The notification foreign key is checked at commit (deferred),
    after the notifications are inserted.
    """
    table = connection.ops.quote_name(CampaignDelivery._meta.db_table)
    values_sql = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[object] = []
    for delivery_id, customer, status, notification_id in rows:
        params += [
            delivery_id,
            now,
            now,
            campaign.pk,
            customer.pk,
            campaign.channel,
            status,
            "",
            notification_id,
            "",
        ]
    sql = (
        f"INSERT INTO {table} (id, created_at, updated_at, campaign_id, customer_id, channel, status, "  # noqa: S608
        f"provider_id, notification_id, error) VALUES {values_sql} "
        "ON CONFLICT ON CONSTRAINT uq_campaign_delivery_customer DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def _finish_if_done(campaign_id: UUID) -> bool:
    """sending → sent when every customer of the segment has a delivery; True when sent."""
    campaign = Campaign.objects.select_for_update().select_related("segment").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return campaign is not None and campaign.status == Campaign.Status.SENT
    already = CampaignDelivery.objects.filter(campaign_id=campaign_id, customer_id=OuterRef("pk"))
    if segment_customers(campaign.segment).filter(~Exists(already)).exists():
        logger.info("Campaign %s: customers locked elsewhere are left for the next run.", campaign_id)
        return False
    campaign_transition(campaign, action="finish_sending", actor=SENDER, sent_at=timezone.now())
    return True
