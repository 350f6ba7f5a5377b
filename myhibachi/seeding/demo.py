"""Demo data for development and the admin's tests: every model gets realistic rows.

Rows are written directly, not through the services: the demo sets up histories (completed
parties, refunds, escalations) that would otherwise take weeks of calls and Stripe webhooks,
and it must be fast. It keeps the invariants the services keep: quotes computed by the pricing
engine, lead scores by the lead scoring, one active booking per chef and slot, customer
counters equal to their bookings and payments. Idempotent like the reference seed (see
myhibachi/seeding/__init__.py).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db.models import Count, Q, Sum
from django.utils import timezone

from ai.models import Conversation
from ai.models import Message as ConversationMessage
from core.models import Booking, Customer, Message, MessageThread, Payment, Review, StripeEvent
from crm.models import Campaign, CampaignDelivery, CustomerSegment, Lead, SegmentRule
from identity.models import Station, User, UserRole
from leads.models import LeadContact, LeadContext, LeadEvent, SocialAccount, SocialIdentity
from leads.scoring import RECENT_EVENT_DAYS, lead_quality, lead_score
from myhibachi.seeding import demo_data as data
from myhibachi.seeding.reference import POLICY_EFFECTIVE_FROM, Reference
from myhibachi.seeding.rows import SeedReport, demo_id, ensure_row, ensure_rows
from ops.availability import slot_starts_at
from ops.models import Chef, ChefAvailability
from ops.slots import parse_slot
from pricing.models import TravelFeeConfig
from pricing.quote import quote_compute

EVENT_HOURS = 3  # how long a party lasts, for completed_at
BOOKED_DAYS_AHEAD = 21  # demo parties were booked three weeks before the event


class Login(NamedTuple):
    email: str
    role: str
    stations: str
    password: str


def seed_demo(report: SeedReport, reference: Reference) -> list[Login]:
    """Load the demo on top of the reference data; returns the staff logins to print."""
    now = timezone.now()
    today = timezone.localdate()
    stations = {
        reference.fremont.code: reference.fremont,
        data.SACRAMENTO: ensure_row(
            Station, Station(**data.SACRAMENTO_STATION), key=("code",), report=report
        ),
    }
    ensure_row(
        TravelFeeConfig,
        TravelFeeConfig(
            station=stations[data.SACRAMENTO],
            effective_from=POLICY_EFFECTIVE_FROM,
            note="Demo: a smaller free radius while the Sacramento station ramps up.",
            **data.SACRAMENTO_TRAVEL,
        ),
        key=("station_id", "effective_from"),
        report=report,
    )

    users, logins = _staff(report, reference, stations)
    chefs = _chefs(report, stations, users, today)
    customers = _customers(report, now)
    bookings = _bookings(report, stations, chefs, customers, now, today)
    _payments(report, bookings, stations, users, now)
    _stripe_events(report, bookings, now)
    _reviews(report, bookings)
    _threads(report, customers, bookings)
    leads = _leads(report, stations, customers, users, now, today)
    _social(report, stations, customers, leads)
    _conversations(report, stations, customers, leads, now)
    _campaigns(report, customers, users, now)
    _refresh_customer_counters(report, customers.values())
    return logins


# --- Staff, chefs, customers ---------------------------------------------------------------


def _staff(report, reference, stations) -> tuple[dict[str, User], list[Login]]:
    emails = [spec.email for spec in data.STAFF]
    # Hashing is slow on purpose; do it once, and only when a user is missing. Passwords are
    # set when a demo user is created and never reset by a later run.
    missing = User.objects.filter(email__in=emails).count() < len(emails)
    password = make_password(data.DEMO_PASSWORD) if missing else ""
    users = {
        email: user
        for (email,), user in ensure_rows(
            User,
            [
                User(
                    email=spec.email,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    password=password,
                    is_staff=True,
                    is_superuser=spec.role == "super_admin",
                )
                for spec in data.STAFF
            ],
            key=("email",),
            report=report,
        ).items()
    }
    ensure_rows(
        UserRole,
        [
            UserRole(user=users[spec.email], role=reference.roles[spec.role], station=stations.get(code))
            for spec in data.STAFF
            for code in spec.stations or (None,)
        ],
        key=("user_id", "role_id", "station_id"),
        report=report,
    )
    logins = [
        Login(
            spec.email,
            spec.role,
            ", ".join(stations[code].name for code in spec.stations) or "all stations",
            data.DEMO_PASSWORD,
        )
        for spec in data.STAFF
    ]
    return users, logins


def _chefs(report, stations, users, today) -> dict[str, Chef]:
    chefs = {
        email: chef
        for (email,), chef in ensure_rows(
            Chef,
            [
                Chef(
                    email=spec.email,
                    station=stations[spec.station],
                    name=spec.name,
                    phone=spec.phone,
                    rating=Decimal(spec.rating),
                    pay_tier=spec.pay_tier,
                    user=users[spec.login] if spec.login else None,
                )
                for spec in data.CHEFS
            ],
            key=("email",),
            report=report,
        ).items()
    }
    ensure_rows(
        ChefAvailability,
        [
            ChefAvailability(
                id=demo_id("time-off", f"{email}:{day}"),
                chef=chefs[email],
                date=today + datetime.timedelta(days=day),
                slot=parse_slot(slot) if slot else None,
                is_available=False,
                note=note,
            )
            for email, day, slot, note in data.TIME_OFF
        ],
        key=("id",),
        report=report,
    )
    return chefs


def _customers(report, now) -> dict[str, Customer]:
    def consent(days_ago: int | None, text: str) -> tuple[bool, datetime.datetime | None, str]:
        if days_ago is None:
            return False, None, ""
        return True, now - datetime.timedelta(days=days_ago), text

    rows = []
    for spec in data.CUSTOMERS:
        sms, sms_at, sms_text = consent(spec.sms_consent_days_ago, data.SMS_CONSENT_TEXT)
        email, email_at, email_text = consent(spec.email_consent_days_ago, data.EMAIL_CONSENT_TEXT)
        rows.append(
            Customer(
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=spec.email,
                phone=spec.phone,
                sms_consent=sms,
                sms_consent_at=sms_at,
                sms_consent_text=sms_text,
                email_consent=email,
                email_consent_at=email_at,
                email_consent_text=email_text,
            )
        )
    return {
        email: customer
        for (email,), customer in ensure_rows(Customer, rows, key=("email",), report=report).items()
    }


# --- Bookings and their money --------------------------------------------------------------


# Where a demo booking came from, for previous_status (the status a rejected cancellation
# request goes back to) and for when it was cancelled.
PREVIOUS_STATUS = {
    "MH-DEMO10": Booking.Status.CONFIRMED,
    "MH-DEMO11": Booking.Status.DEPOSIT_PENDING,
    "MH-DEMO12": Booking.Status.CANCELLATION_REQUESTED,
}
CANCELLED_DAYS_AGO = {"MH-DEMO10": 2, "MH-DEMO11": 1, "MH-DEMO12": 4}


def _bookings(report, stations, chefs, customers, now, today) -> dict[str, Booking]:
    references = [spec.reference for spec in data.BOOKINGS]
    existing = set(Booking.objects.filter(reference__in=references).values_list("reference", flat=True))
    rows = []
    for spec in data.BOOKINGS:
        if spec.reference in existing:
            continue  # only new bookings need a quote; existing ones are kept as they are
        station = stations[spec.station]
        quote = _quote(spec, today)
        date = today + datetime.timedelta(days=spec.day)
        slot = parse_slot(spec.slot)
        start = slot_starts_at(station=station, date=date, slot=slot)
        booking = Booking(
            reference=spec.reference,
            customer=customers[spec.customer],
            chef=chefs[spec.chef] if spec.chef else None,
            station=station,
            date=date,
            slot=slot,
            address=f"{spec.street}, {spec.city}, CA {spec.zip_code}",
            zone=spec.zip_code,
            party_adults=spec.adults,
            party_kids=spec.kids,
            party_toddlers=spec.toddlers,
            items=[{"code": code, "quantity": quantity} for code, quantity in spec.items],
            quote=quote.as_dict(),
            deposit_due_cents=quote.deposit_cents,
            total_due_cents=quote.total_cents,
            status=spec.status,
            source=spec.source,
        )
        if spec.status == Booking.Status.DEPOSIT_PENDING:
            booking.deposit_due_at = now + datetime.timedelta(hours=data.DEPOSIT_DUE_IN_HOURS[spec.reference])
            booking.payment_hold = spec.reference in data.PAYMENT_HOLDS
            booking.special_requests = data.PAYMENT_HOLDS.get(spec.reference, "")
        elif spec.status == Booking.Status.CANCELLATION_REQUESTED:
            booking.previous_status = Booking.Status.CONFIRMED
            booking.cancellation_reason = spec.note
            booking.flagged_for_staff = True
            booking.flag_reason = "Cancellation requested inside 4 days: approve or reject."
        elif spec.status == Booking.Status.CANCELLED:
            booking.previous_status = PREVIOUS_STATUS[spec.reference]
            booking.cancellation_reason = spec.note
            booking.cancelled_at = now - datetime.timedelta(days=CANCELLED_DAYS_AGO[spec.reference])
        elif spec.status == Booking.Status.COMPLETED:
            booking.completed_at = start + datetime.timedelta(hours=EVENT_HOURS)
        if spec.chef is None:
            booking.flagged_for_staff = True
            booking.flag_reason = spec.note
        rows.append(booking)
    ensure_rows(Booking, rows, key=("reference",), report=report)
    return Booking.objects.defer("address").in_bulk(references, field_name="reference")


def _quote(spec: data.BookingSpec, today: datetime.date):
    """The pricing engine's quote for the party, as the booking service would store it."""
    quote = quote_compute(
        zip_code=spec.zip_code,
        party_adults=spec.adults,
        party_kids=spec.kids,
        party_toddlers=spec.toddlers,
        items=[{"code": code, "quantity": quantity} for code, quantity in spec.items],
        on_date=today,
    )
    if quote.station.code != spec.station:
        raise ValueError(
            f"Demo booking {spec.reference}: ZIP {spec.zip_code} is served by {quote.station.code}, "
            f"not {spec.station}; is a demo station inactive?"
        )
    return quote


def _booked_at(booking: Booking, station: Station, now: datetime.datetime) -> datetime.datetime:
    start = slot_starts_at(station=station, date=booking.date, slot=booking.slot)
    return min(start - datetime.timedelta(days=BOOKED_DAYS_AHEAD), now - datetime.timedelta(days=1))


def _payments(report, bookings, stations, users, now) -> None:
    station_by_id = {station.pk: station for station in stations.values()}
    managers = {
        data.FREMONT: users["manager.fremont@myhibachi.test"],
        data.SACRAMENTO: users["manager.sacramento@myhibachi.test"],
    }
    rows, refunds = [], []
    for reference, kind, method, status in data.PAYMENTS:
        booking = bookings[reference]
        station = station_by_id[booking.station_id]
        payment = Payment(
            id=demo_id("payment", f"{reference}:{kind}"),
            booking=booking,
            kind=kind,
            method=method,
            status=status,
            amount_cents={
                Payment.Kind.DEPOSIT: booking.deposit_due_cents,
                Payment.Kind.BALANCE: booking.total_due_cents - booking.deposit_due_cents,
                Payment.Kind.REFUND: booking.deposit_due_cents,
            }[kind],
        )
        if method == Payment.Method.STRIPE:
            prefix = "re" if kind == Payment.Kind.REFUND else "pi"
            payment.stripe_payment_id = f"{prefix}_demo_{reference}_{kind}"
        else:
            payment.recorded_by = managers[station.code]
        if status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
            if kind == Payment.Kind.BALANCE:
                start = slot_starts_at(station=station, date=booking.date, slot=booking.slot)
                payment.succeeded_at = start + datetime.timedelta(hours=EVENT_HOURS)
            elif kind == Payment.Kind.REFUND:
                payment.succeeded_at = booking.cancelled_at
            else:
                payment.succeeded_at = _booked_at(booking, station, now)
        if status == Payment.Status.FAILED:
            payment.reason = data.FAILED_PAYMENT_REASON
        if kind == Payment.Kind.REFUND:
            payment.reason = data.REFUND_REASON
            refunds.append(payment)
        else:
            rows.append(payment)
    paid = ensure_rows(Payment, rows, key=("id",), report=report)
    for refund in refunds:
        refund.refund_of = paid[(demo_id("payment", f"{refund.booking.reference}:deposit"),)]
    ensure_rows(Payment, refunds, key=("id",), report=report)


def _stripe_events(report, bookings, now) -> None:
    rows = []
    for event_id, event_type, status, reference, kind in data.STRIPE_EVENTS:
        if reference:
            booking = bookings[reference]
            prefix = "re" if kind == Payment.Kind.REFUND else "pi"
            amount = booking.deposit_due_cents
            obj = {
                "id": f"{prefix}_demo_{reference}_{kind}",
                "object": "refund" if kind == Payment.Kind.REFUND else "payment_intent",
                "amount": amount,
                "currency": "usd",
                "metadata": {"booking_reference": reference, "payment_kind": kind},
            }
        else:
            obj = {"id": "cus_demo_0001", "object": "customer", "metadata": {}}
        rows.append(
            StripeEvent(
                event_id=event_id,
                type=event_type,
                livemode=False,
                payload={"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}},
                status=status,
                attempts=1,
                note="Not a type we handle." if status == StripeEvent.Status.IGNORED else "",
                processed_at=now,
            )
        )
    ensure_rows(StripeEvent, rows, key=("event_id",), report=report)


def _reviews(report, bookings) -> None:
    rows = []
    for reference, rating, status, content in data.REVIEWS:
        booking = bookings[reference]
        review = Review(
            booking=booking, customer_id=booking.customer_id, rating=rating, content=content, status=status
        )
        if status != Review.Status.PENDING:
            review.moderated_at = booking.completed_at + datetime.timedelta(days=2)
        rows.append(review)
    ensure_rows(Review, rows, key=("booking_id",), report=report)


def _threads(report, customers, bookings) -> None:
    threads = ensure_rows(
        MessageThread,
        [
            MessageThread(
                id=demo_id("thread", spec.key),
                customer=customers[spec.customer],
                booking=bookings[spec.booking] if spec.booking else None,
                channel=spec.channel,
                status=spec.status,
                subject=spec.subject,
            )
            for spec in data.THREADS
        ],
        key=("id",),
        report=report,
    )
    ensure_rows(
        Message,
        [
            Message(
                id=demo_id("message", f"{spec.key}:{i}"),
                thread=threads[(demo_id("thread", spec.key),)],
                channel=spec.channel,
                direction=direction,
                status=status,
                body=body,
                subject=spec.subject if spec.channel == MessageThread.Channel.EMAIL else "",
                provider_id=f"demo-{spec.key}-{i}" if direction == Message.Direction.OUTBOUND else "",
            )
            for spec in data.THREADS
            for i, (direction, status, body) in enumerate(spec.messages, start=1)
        ],
        key=("id",),
        report=report,
    )


# --- Leads, social, AI conversations, campaigns --------------------------------------------


def _leads(report, stations, customers, users, now, today) -> dict[str, Lead]:
    def days_ago(days: int) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    def event_date(spec: data.LeadSpec) -> datetime.date | None:
        event_day = spec.context[0]
        return today + datetime.timedelta(days=event_day) if event_day is not None else None

    # Earlier events of the same day first, ten minutes apart: the funnel reads in order.
    occurred = {
        spec.key: [
            days_ago(days) - datetime.timedelta(minutes=10 * (len(spec.events) - i))
            for i, (_, days, _) in enumerate(spec.events)
        ]
        for spec in data.LEADS
    }
    recent_since = now - datetime.timedelta(days=RECENT_EVENT_DAYS)

    rows = []
    for spec in data.LEADS:
        _, adults, _, budget_cents, _, _ = spec.context
        score = lead_score(
            source=spec.source,
            party_adults=adults,
            budget_cents=budget_cents,
            event_date=event_date(spec),
            verified_contacts=sum(verified for _, _, verified in spec.contacts),
            recent_events=sum(when > recent_since for when in occurred[spec.key]),
            today=today,
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
            customer=customers[spec.customer] if spec.customer else None,
            station=stations[spec.station] if spec.station else None,
            assigned_to=users[spec.assigned_to] if spec.assigned_to else None,
            notes=spec.notes,
        )
        if "contacted" in event_days:
            lead.contacted_at = days_ago(event_days["contacted"])
        if spec.status == Lead.Status.CONVERTED:
            lead.conversion_date = days_ago(event_days["completed_booking"])
        rows.append(lead)
    leads = {spec.key: lead for spec, lead in zip(data.LEADS, _by_id(Lead, rows, report), strict=True)}

    ensure_rows(
        LeadContact,
        [
            LeadContact(lead=leads[spec.key], channel=channel, handle_or_address=handle, verified=verified)
            for spec in data.LEADS
            for channel, handle, verified in spec.contacts
        ],
        key=("lead_id", "channel", "handle_or_address"),
        report=report,
    )
    ensure_rows(
        LeadContext,
        [
            LeadContext(
                lead=leads[spec.key],
                event_date=event_date(spec),
                party_adults=spec.context[1],
                party_kids=spec.context[2],
                budget_cents=spec.context[3],
                zip_code=spec.context[4],
                message=spec.context[5],
            )
            for spec in data.LEADS
        ],
        key=("lead_id",),
        report=report,
    )
    ensure_rows(
        LeadEvent,
        [
            LeadEvent(
                id=demo_id("lead-event", f"{spec.key}:{i}"),
                lead=leads[spec.key],
                event_type=event_type,
                payload=payload,
                occurred_at=occurred[spec.key][i],
            )
            for spec in data.LEADS
            for i, (event_type, _, payload) in enumerate(spec.events)
        ],
        key=("id",),
        report=report,
    )
    return leads


def _social(report, stations, customers, leads) -> None:
    ensure_rows(
        SocialAccount,
        [
            SocialAccount(platform=platform, account_id=account_id, handle=handle, station=stations[code])
            for platform, account_id, handle, code in data.SOCIAL_ACCOUNTS
        ],
        key=("platform", "account_id"),
        report=report,
    )
    ensure_rows(
        SocialIdentity,
        [
            SocialIdentity(
                platform=platform,
                handle=handle,
                customer=customers[customer] if customer else None,
                lead=leads[lead] if lead else None,
            )
            for platform, handle, customer, lead in data.SOCIAL_IDENTITIES
        ],
        key=("platform", "handle"),
        report=report,
    )


def _conversations(report, stations, customers, leads, now) -> None:
    rows = [
        Conversation(
            id=demo_id("conversation", spec.key),
            channel=spec.channel,
            status=spec.status,
            station=stations[spec.station],
            customer=customers[spec.customer] if spec.customer else None,
            lead=leads[spec.lead] if spec.lead else None,
            escalation_reason=spec.escalation_reason,
            handled_at=now - datetime.timedelta(days=1)
            if spec.status == Conversation.Status.CLOSED
            else None,
        )
        for spec in data.CONVERSATIONS
    ]
    conversations = dict(
        zip((spec.key for spec in data.CONVERSATIONS), _by_id(Conversation, rows, report), strict=True)
    )
    ensure_rows(
        ConversationMessage,
        [
            ConversationMessage(
                id=demo_id("conversation-message", f"{spec.key}:{i}"),
                conversation=conversations[spec.key],
                role=role,
                content=content,
                confidence=Decimal(confidence) if confidence else None,
            )
            for spec in data.CONVERSATIONS
            for i, (role, content, confidence) in enumerate(spec.messages, start=1)
        ],
        key=("id",),
        report=report,
    )


def _campaigns(report, customers, users, now) -> None:
    segments = {
        name: segment
        for (name,), segment in ensure_rows(
            CustomerSegment,
            [CustomerSegment(name=spec.name, description=spec.description) for spec in data.SEGMENTS],
            key=("name",),
            report=report,
        ).items()
    }
    ensure_rows(
        SegmentRule,
        [
            SegmentRule(
                id=demo_id("segment-rule", f"{spec.name}:{i}"),
                segment=segments[spec.name],
                field=field,
                operator=operator,
                value=value,
            )
            for spec in data.SEGMENTS
            for i, (field, operator, value) in enumerate(spec.rules, start=1)
        ],
        key=("id",),
        report=report,
    )
    rows = []
    for spec in data.CAMPAIGNS:
        sent_at = (
            now - datetime.timedelta(days=spec.sent_days_ago) if spec.sent_days_ago is not None else None
        )
        rows.append(
            Campaign(
                id=demo_id("campaign", spec.key),
                name=spec.name,
                channel=spec.channel,
                segment=segments[spec.segment],
                subject=spec.subject,
                content=spec.content,
                status=spec.status,
                scheduled_at=sent_at,
                sent_at=sent_at,
                created_by=users["admin@myhibachi.test"],
            )
        )
    campaigns = dict(zip((spec.key for spec in data.CAMPAIGNS), _by_id(Campaign, rows, report), strict=True))
    deliveries = []
    for spec in data.CAMPAIGNS:
        campaign = campaigns[spec.key]
        for i, (email, status) in enumerate(spec.deliveries, start=1):
            sent = status == CampaignDelivery.Status.SENT
            deliveries.append(
                CampaignDelivery(
                    campaign=campaign,
                    customer=customers[email],
                    channel=spec.channel,
                    status=status,
                    sent_at=campaign.sent_at if sent else None,
                    provider_id=f"demo-{spec.key}-{i}" if sent else "",
                )
            )
    ensure_rows(CampaignDelivery, deliveries, key=("campaign_id", "customer_id"), report=report)


def _by_id(model, rows: list, report: SeedReport) -> list:
    """ensure_rows keyed by the (fixed demo) id, returned in the order of `rows`."""
    found = ensure_rows(model, rows, key=("id",), report=report)
    return [found[(row.id,)] for row in rows]


def _refresh_customer_counters(report: SeedReport, customers: Iterable[Customer]) -> None:
    """booking_count = completed bookings; total_spend_cents = succeeded payments minus refunds."""
    customers = list(customers)
    completed = dict(
        Booking.objects.filter(customer__in=customers, status=Booking.Status.COMPLETED)
        .values_list("customer_id")
        .annotate(Count("id"))
    )
    received = Q(kind__in=[Payment.Kind.DEPOSIT, Payment.Kind.BALANCE], status=Payment.Status.SUCCEEDED)
    refunded = Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)
    money = {
        row["booking__customer_id"]: (row["received"] or 0) - (row["refunded"] or 0)
        for row in Payment.objects.filter(booking__customer__in=customers)
        .values("booking__customer_id")
        .annotate(
            received=Sum("amount_cents", filter=received), refunded=Sum("amount_cents", filter=refunded)
        )
    }
    stale = []
    for customer in customers:
        booking_count, spend = completed.get(customer.pk, 0), money.get(customer.pk, 0)
        if (customer.booking_count, customer.total_spend_cents) != (booking_count, spend):
            customer.booking_count, customer.total_spend_cents = booking_count, spend
            customer.updated_at = timezone.now()  # bulk_update skips auto_now
            stale.append(customer)
    if stale:
        Customer.objects.bulk_update(stale, ["booking_count", "total_spend_cents", "updated_at"])
        report.updated[Customer._meta.label] += len(stale)
