"""The demo's customer segments with their rules, a draft campaign and a sent one."""

from typing import NamedTuple

from crm.models import Campaign, CampaignDelivery, CustomerSegment, SegmentRule
from myhibachi.seeding.demo.context import DemoContext
from myhibachi.seeding.rows import by_id, demo_id, ensure_rows


class SegmentSpec(NamedTuple):
    name: str
    description: str
    rules: tuple[tuple[str, str, str], ...]  # (field, operator, value)


SEGMENTS: tuple[SegmentSpec, ...] = (
    SegmentSpec(
        "Past guests with email opt-in",
        "Customers who completed a party and agreed to marketing email.",
        (("booking_count", "greater_than", "0"), ("email_consent", "equals", "true")),
    ),
    SegmentSpec(
        "Fremont area",
        "Customers who booked in the ZIP codes around the Fremont station.",
        (("zone", "in", "94536,94538,94539,94555,94560,94587,95035"),),
    ),
)


class CampaignSpec(NamedTuple):
    key: str
    name: str
    channel: str
    segment: str
    subject: str
    content: str
    status: str
    sent_days_ago: int | None
    deliveries: tuple[tuple[str, str], ...]  # (customer email, delivery status)


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        "spring-parties",
        "Spring parties are booking up",
        "email",
        "Past guests with email opt-in",
        "Book your spring hibachi party",
        "Thanks for hosting with My Hibachi! Spring weekends are filling up: book your next "
        "party now and pick your favourite chef's evening slot.",
        "draft",
        None,
        (),
    ),
    CampaignSpec(
        "weekend-slots",
        "Weekend slots open",
        "sms",
        "Fremont area",
        "",
        "My Hibachi: a few weekend evening slots just opened up. Book at myhibachichef.com. "
        "Reply STOP to opt out.",
        "sent",
        7,
        (
            ("emily.chen@example.com", "sent"),
            ("david.park@example.com", "sent"),
            ("sofia.ramirez@example.com", "sent"),
            ("aisha.khan@example.com", "sent"),
            ("marcus.williams@example.com", "skipped_cap"),
            ("jessica.nguyen@example.com", "skipped_consent"),
            ("brandon.lee@example.com", "skipped_consent"),
        ),
    ),
)


def seed_campaigns(ctx: DemoContext) -> None:
    segments = ensure_rows(
        CustomerSegment,
        [CustomerSegment(name=spec.name, description=spec.description) for spec in SEGMENTS],
        key=("name",),
        report=ctx.report,
    )
    ensure_rows(
        SegmentRule,
        [
            SegmentRule(
                id=demo_id("segment-rule", f"{spec.name}:{i}"),
                segment=segments[(spec.name,)],
                field=field,
                operator=operator,
                value=value,
            )
            for spec in SEGMENTS
            for i, (field, operator, value) in enumerate(spec.rules, start=1)
        ],
        key=("id",),
        report=ctx.report,
    )
    rows = []
    for spec in CAMPAIGNS:
        sent_at = ctx.days_ago(spec.sent_days_ago) if spec.sent_days_ago is not None else None
        rows.append(
            Campaign(
                id=demo_id("campaign", spec.key),
                name=spec.name,
                channel=spec.channel,
                segment=segments[(spec.segment,)],
                subject=spec.subject,
                content=spec.content,
                status=spec.status,
                scheduled_at=sent_at,
                sent_at=sent_at,
                created_by=ctx.users["admin@myhibachi.test"],
            )
        )
    campaigns = by_id(Campaign, rows, ctx.report)
    ensure_rows(
        CampaignDelivery,
        [
            CampaignDelivery(
                campaign=campaign,
                customer=ctx.customers[email],
                channel=spec.channel,
                status=status,
                sent_at=campaign.sent_at if status == CampaignDelivery.Status.SENT else None,
                provider_id=f"demo-{spec.key}-{i}" if status == CampaignDelivery.Status.SENT else "",
            )
            for spec, campaign in zip(CAMPAIGNS, campaigns, strict=True)
            for i, (email, status) in enumerate(spec.deliveries, start=1)
        ],
        key=("campaign_id", "customer_id"),
        report=ctx.report,
    )
