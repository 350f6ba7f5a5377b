"""The demo's leads in every status, with contacts, context and funnel events; social pages."""

import datetime
from typing import NamedTuple

from crm.models import Lead
from leads.models import LeadContact, LeadContext, LeadEvent, SocialAccount, SocialIdentity
from leads.scoring import RECENT_EVENT_DAYS, lead_quality, lead_score
from myhibachi.seeding.demo.context import FREMONT, SACRAMENTO, DemoContext
from myhibachi.seeding.rows import by_id, demo_id, ensure_rows


class LeadSpec(NamedTuple):
    key: str
    first_name: str
    last_name: str
    source: str
    status: str
    station: str | None
    contacts: tuple[tuple[str, str, bool], ...]  # (channel, handle or address, verified)
    context: tuple[int | None, int | None, int | None, int | None, str, str]
    # (event day, adults, kids, budget cents, ZIP, message)
    events: tuple[tuple[str, int, dict], ...]  # (event type, days ago, payload)
    customer: str | None = None  # email of the customer a converted lead became
    assigned_to: str | None = None  # staff email
    notes: str = ""


LEADS: tuple[LeadSpec, ...] = (
    LeadSpec("anjali-gupta", "Anjali", "Gupta", "web_quote", "new", FREMONT,
             (("email", "anjali.gupta@example.com", False), ("phone", "+15105550301", False)),
             (30, 15, 2, 90000, "94539", "Backyard birthday party for my husband."),
             (("lead_created", 1, {}), ("quote_requested", 1, {"adults": 15, "kids": 2}))),
    LeadSpec("jordan-ellis", "Jordan", "Ellis", "instagram", "new", FREMONT,
             (("instagram", "jordan.eats", False),),
             (None, 20, None, None, "", "How much for 20 people?"),
             (("lead_created", 2, {}),)),
    LeadSpec("derek-shaw", "Derek", "Shaw", "booking_failed", "new", FREMONT,
             (("email", "derek.shaw@example.com", False),),
             (4, 10, 0, None, "94538", "Wanted the 18:00 slot; it was full."),
             (("lead_created", 0, {}), ("booking_failed", 0, {"reason": "slot_full", "slot": "18:00"}))),
    LeadSpec("linda-morales", "Linda", "Morales", "chat", "contacted", FREMONT,
             (("email", "linda.morales@example.com", True),),
             (45, 10, 0, None, "94555", "Graduation party, asked the assistant about upgrades."),
             (("lead_created", 3, {}), ("contacted", 2, {"channel": "email"})),
             None, "support@myhibachi.test"),
    LeadSpec("nancy-fischer", "Nancy", "Fischer", "phone", "contacted", FREMONT,
             (("phone", "+14085550302", True), ("email", "nancy.fischer@example.com", False)),
             (60, 30, 0, 250000, "94301", "Corporate team party for 30 people."),
             (("lead_created", 4, {}), ("contacted", 3, {"channel": "phone"})),
             None, "manager.fremont@myhibachi.test"),
    LeadSpec("robert-kim", "Robert", "Kim", "referral", "qualified", FREMONT,
             (("email", "robert.kim@example.com", True), ("phone", "+15105550303", True)),
             (20, 12, 2, 100000, "94536", "Referred by David Park."),
             (("lead_created", 5, {}), ("contacted", 4, {"channel": "phone"}),
              ("checked_availability", 1, {"slot": "18:00"})),
             None, "manager.fremont@myhibachi.test"),
    LeadSpec("omar-haddad", "Omar", "Haddad", "event", "qualified", SACRAMENTO,
             (("email", "omar.haddad@example.com", True),),
             (35, 10, 4, None, "95819", "Met us at the Sacramento food festival."),
             (("lead_created", 12, {}), ("contacted", 10, {"channel": "email"}))),
    LeadSpec("emma-wilson", "Emma", "Wilson", "facebook", "nurturing", FREMONT,
             (("facebook", "emma.wilson.52", False), ("email", "emma.wilson@example.com", True)),
             (150, 8, 0, None, "94560", "Summer graduation party."),
             (("lead_created", 40, {}), ("contacted", 38, {"channel": "facebook"})),
             None, None, "Follow up a month before the party."),
    LeadSpec("kevin-tran", "Kevin", "Tran", "chat", "converted", FREMONT,
             (("email", "kevin.tran@example.com", True), ("phone", "+14155550110", True)),
             (9, 20, 5, 150000, "94301", "Company picnic with seafood upgrades."),
             (("lead_created", 25, {}), ("quote_requested", 25, {"adults": 20, "kids": 5}),
              ("started_booking", 20, {}), ("completed_booking", 20, {"reference": "MH-DEMO15"})),
             "kevin.tran@example.com"),
    LeadSpec("patricia-gomez", "Patricia", "Gomez", "yelp", "lost", FREMONT,
             (("email", "patricia.gomez@example.com", False),),
             (None, 6, 0, None, "95035", "Small dinner party."),
             (("lead_created", 30, {}), ("status_changed", 20, {"from": "contacted", "to": "lost"})),
             None, None, "Went with a restaurant instead."),
    LeadSpec("wei-zhang", "Wei", "Zhang", "google", "new", SACRAMENTO,
             (("phone", "+19165550304", False),),
             (70, 9, 0, None, "95630", ""),
             (("lead_created", 6, {}),)),
    LeadSpec("olga-petrova", "Olga", "Petrova", "sms", "lost", SACRAMENTO,
             (("phone", "+19165550305", False),),
             (None, None, None, None, "95661", "Texted for prices, no reply since."),
             (("lead_created", 60, {}),)),
)  # fmt: skip

# (platform, account id, handle, station)
SOCIAL_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("instagram", "17841400000000101", "myhibachichef", FREMONT),
    ("facebook", "100000000000101", "myhibachichef", FREMONT),
    ("yelp", "my-hibachi-fremont", "My Hibachi Fremont", FREMONT),
    ("instagram", "17841400000000102", "myhibachi.sac", SACRAMENTO),
)
# (platform, handle, customer email or None, lead key or None)
SOCIAL_IDENTITIES: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("instagram", "jordan.eats", None, "jordan-ellis"),
    ("facebook", "emma.wilson.52", None, "emma-wilson"),
    ("instagram", "emilycooks", "emily.chen@example.com", None),
)


def seed_leads(ctx: DemoContext) -> None:
    """The leads, scored by leads.scoring as of today, with their contacts, context and events."""

    def event_date(spec: LeadSpec) -> datetime.date | None:
        event_day = spec.context[0]
        return ctx.days_from_today(event_day) if event_day is not None else None

    # Earlier events of the same day first, ten minutes apart: the funnel reads in order.
    occurred = {
        spec.key: [
            ctx.days_ago(days) - datetime.timedelta(minutes=10 * (len(spec.events) - i))
            for i, (_, days, _) in enumerate(spec.events)
        ]
        for spec in LEADS
    }
    recent_since = ctx.now - datetime.timedelta(days=RECENT_EVENT_DAYS)

    rows = []
    for spec in LEADS:
        _, adults, _, budget_cents, _, _ = spec.context
        score = lead_score(
            source=spec.source,
            party_adults=adults,
            budget_cents=budget_cents,
            event_date=event_date(spec),
            verified_contacts=sum(verified for _, _, verified in spec.contacts),
            recent_events=sum(when > recent_since for when in occurred[spec.key]),
            today=ctx.today,
        )
        event_days = {event_type: days for event_type, days, _ in spec.events}
        lead = Lead(
            id=demo_id("lead", spec.key),
            source=spec.source,
            status=spec.status,
            score=score,
            quality=lead_quality(score),
            first_name=spec.first_name,
            last_name=spec.last_name,
            customer=ctx.customers[spec.customer] if spec.customer else None,
            station=ctx.stations[spec.station] if spec.station else None,
            assigned_to=ctx.users[spec.assigned_to] if spec.assigned_to else None,
            notes=spec.notes,
        )
        if "contacted" in event_days:
            lead.contacted_at = ctx.days_ago(event_days["contacted"])
        if spec.status == Lead.Status.CONVERTED:
            lead.conversion_date = ctx.days_ago(event_days["completed_booking"])
        rows.append(lead)
    ctx.leads = dict(zip((spec.key for spec in LEADS), by_id(Lead, rows, ctx.report), strict=True))

    ensure_rows(
        LeadContact,
        [
            LeadContact(
                lead=ctx.leads[spec.key], channel=channel, handle_or_address=handle, verified=verified
            )
            for spec in LEADS
            for channel, handle, verified in spec.contacts
        ],
        key=("lead_id", "channel", "handle_or_address"),
        report=ctx.report,
    )
    ensure_rows(
        LeadContext,
        [
            LeadContext(
                lead=ctx.leads[spec.key],
                event_date=event_date(spec),
                party_adults=spec.context[1],
                party_kids=spec.context[2],
                budget_cents=spec.context[3],
                zip_code=spec.context[4],
                message=spec.context[5],
            )
            for spec in LEADS
        ],
        key=("lead_id",),
        report=ctx.report,
    )
    ensure_rows(
        LeadEvent,
        [
            LeadEvent(
                id=demo_id("lead-event", f"{spec.key}:{i}"),
                lead=ctx.leads[spec.key],
                event_type=event_type,
                payload=payload,
                occurred_at=occurred[spec.key][i],
            )
            for spec in LEADS
            for i, (event_type, _, payload) in enumerate(spec.events)
        ],
        key=("id",),
        report=ctx.report,
    )


def seed_social(ctx: DemoContext) -> None:
    ensure_rows(
        SocialAccount,
        [
            SocialAccount(platform=platform, account_id=account_id, handle=handle, station=ctx.stations[code])
            for platform, account_id, handle, code in SOCIAL_ACCOUNTS
        ],
        key=("platform", "account_id"),
        report=ctx.report,
    )
    ensure_rows(
        SocialIdentity,
        [
            SocialIdentity(
                platform=platform,
                handle=handle,
                customer=ctx.customers[customer] if customer else None,
                lead=ctx.leads[lead] if lead else None,
            )
            for platform, handle, customer, lead in SOCIAL_IDENTITIES
        ],
        key=("platform", "handle"),
        report=ctx.report,
    )
