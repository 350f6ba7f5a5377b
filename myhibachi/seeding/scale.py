"""`manage.py seed --scale N`: N x the demo's volume on top of the demo, to measure staff pages.

One unit is the volume the scale targets of issue 15 are stated in (N = 200: 50,000 bookings,
20,000 customers, 20,000 leads, 240,000 audit rows): 250 bookings, 100 customers, 100 leads
(each with an email contact) and 1,200 audit rows. Rows go in through COPY (and bulk inserts
for the leads, whose re-runs lean on ON CONFLICT), never the services: a service call costs
tens of queries, 50,000 of them would take most of an hour.
Nor a BookingRequest per booking as the demo builds (bookings.py): the rows are built in
memory from one quote per party shape, which is what keeps a unit to a few bulk statements.

Deterministic and additive: row i is always the same row (its key holds i), and a run inserts
only the rows it does not find, so `--scale 5` after `--scale 2` adds three units and a second
`--scale 5` writes nothing. Scale rows are recognisable (references MH-S…, emails
scale-…@example.com) and leave the demo's rows alone.

The invariants the services keep are kept by construction: a chef holds at most one active
booking per date and slot (each station's chefs are packed into consecutive slots), a customer
never holds two active bookings in one slot, future active bookings start after the demo's
(which end 45 days ahead), quotes come from the pricing engine (one per party shape), addresses
go through the encrypted field, and customer counters are recomputed from bookings and payments.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone

from audit.models import AuditLog
from core.availability import slot_starts_at
from core.models import Booking, Customer, Payment
from crm.models import Lead
from identity.models import Station
from leads.models import LeadContact
from leads.scoring import lead_quality
from myhibachi.seeding.demo.bookings import EVENT_HOURS
from myhibachi.seeding.rows import demo_id
from ops.models import Chef
from ops.slots import DEFAULT_SLOT_TIMES as SLOTS
from pricing.quote import quote_compute

BOOKINGS_PER_UNIT = 250
CUSTOMERS_PER_UNIT = 100
LEADS_PER_UNIT = 100
AUDIT_ROWS_PER_UNIT = 1200
BATCH = 2000
FUTURE_START_DAY = 60  # after the demo's active bookings (days 2-45): no chef or slot shared
PAST_SPAN_DAYS = 1460  # past bookings scattered over four years, future ones over one
FUTURE_SPAN_DAYS = 365

FIRST_NAMES = ("Ava", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jamal")
LAST_NAMES = ("Nguyen", "Garcia", "Smith", "Patel", "Kim", "Lopez", "Chen", "Brown", "Singh", "Wong")
STREETS = ("Mission Blvd", "Paseo Padre Pkwy", "J St", "Fremont Blvd", "K St", "Stevenson Blvd")
PARTIES = ((10, 0, 0), (12, 2, 0), (8, 3, 1), (15, 4, 0), (20, 5, 2), (11, 0, 0))
PAST_STATUSES = (("completed", 16), ("cancelled", 3), ("no_show", 1))
FUTURE_STATUSES = (("confirmed", 14), ("deposit_pending", 4), ("cancelled", 1), ("cancellation_requested", 1))
AUDIT_MARKER = "manage.py seed --scale"  # in user_agent: which audit rows this seed wrote
AUDIT_ACTIONS = ("booking.create", "booking.confirm", "payment.succeeded", "booking.update")


@dataclass(frozen=True)
class ScaleCounts:
    bookings: int
    customers: int
    leads: int
    audit_rows: int

    @classmethod
    def for_units(cls, units: int) -> ScaleCounts:
        return cls(
            bookings=units * BOOKINGS_PER_UNIT,
            customers=units * CUSTOMERS_PER_UNIT,
            leads=units * LEADS_PER_UNIT,
            audit_rows=units * AUDIT_ROWS_PER_UNIT,
        )


def scale_email(i: int) -> str:
    return f"scale-{i:07d}@example.com"


def scale_reference(i: int) -> str:
    return f"MH-S{i:07d}"


def _phone(i: int) -> str:
    # Fictional 555-01xx numbers, spread over area codes 200-999 so that few repeat.
    return f"+1{200 + (i // 100) % 800}55501{i % 100:02d}"


def _weighted(choices: tuple[tuple[str, int], ...], i: int) -> str:
    total = sum(weight for _, weight in choices)
    position = (i * 7) % total  # 7 is prime to every total here: each status comes round
    for value, weight in choices:
        if position < weight:
            return value
        position -= weight
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _keep_given_created_at(*models_: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the created_at each row was given (spread over the past).

    auto_now_add would stamp every row with this instant, and the audit log refuses UPDATE, so
    the date is set at insert; only while this seed runs.
    """
    fields = [model._meta.get_field("created_at") for model in models_]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _copy_rows(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert the rows with COPY, each value prepared by its field as an INSERT would prepare it.

    A run takes about a fifth less time than with bulk_create, whose INSERTs quote every
    parameter into the SQL text in Python (client-side binding). Only for rows a run knows to be
    new (it skips the keys it found), since COPY has no ON CONFLICT.
    """
    if not objs:
        return
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )


def _existing(queryset: models.QuerySet, field: str) -> set[str]:
    return set(queryset.values_list(field, flat=True))


def seed_scale(units: int) -> dict[str, int]:
    """Top the database up to `units` x the unit volume; returns how many rows of each kind it added."""
    counts = ScaleCounts.for_units(units)
    now = timezone.now()
    today = timezone.localdate()
    with _keep_given_created_at(Customer, Booking, Payment, Lead, LeadContact, AuditLog):
        customers = _seed_customers(counts, now)
        bookings, payments = _seed_bookings(counts, now, today)
        leads = _seed_leads(counts, now)
        audit = _seed_audit(counts, now)
    _refresh_counters()
    _analyze(Customer, Booking, Payment, Lead, LeadContact, AuditLog)
    return {
        "customers": customers,
        "bookings": bookings,
        "payments": payments,
        "leads": leads,
        "audit rows": audit,
    }


def _analyze(*models) -> None:
    """Refresh the planner's statistics of the tables just filled, as autovacuum does after a
    bulk load: without them the planner guesses, and a fresh database's plans are not those of a
    real one. Runs inside the caller's transaction too (it then sees the rows not yet committed)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _seed_customers(counts: ScaleCounts, now: datetime.datetime) -> int:
    have = _existing(Customer.objects.filter(email__startswith="scale-"), "email")
    rows = []
    for i in range(counts.customers):
        email = scale_email(i)
        if email in have:
            continue
        created = now - datetime.timedelta(days=(i * 13) % 900, minutes=i % 1440)
        rows.append(
            Customer(
                first_name=FIRST_NAMES[i % 10],
                last_name=f"{LAST_NAMES[(i // 10) % 10]}-{i}",
                email=email,
                phone=_phone(i),
                sms_consent=i % 3 == 0,
                email_consent=i % 2 == 0,
                created_at=created,
                updated_at=created,
            )
        )
    _copy_rows(Customer, rows)
    return len(rows)


@dataclass(frozen=True)
class _StationPlan:
    station: Station
    zip_code: str
    chefs: list[Chef]
    quotes: list[dict]  # one per PARTIES shape
    deposits: list[int]
    totals: list[int]


def _plans(today: datetime.date) -> list[_StationPlan]:
    """Each active station with chefs, and a ZIP it serves (from its bookings)."""
    plans = []
    for station in Station.objects.filter(is_active=True).order_by("code"):
        chefs = list(Chef.objects.filter(station=station, is_active=True).order_by("id"))
        zip_code = (
            Booking.objects.filter(station=station)
            .exclude(reference__startswith="MH-S")
            .values_list("zone", flat=True)
            .first()
        )
        if not chefs or not zip_code:
            continue
        quotes = [
            quote_compute(
                zip_code=zip_code, party_adults=a, party_kids=k, party_toddlers=t, items=[], on_date=today
            )
            for a, k, t in PARTIES
        ]
        plans.append(
            _StationPlan(
                station=station,
                zip_code=zip_code,
                chefs=chefs,
                quotes=[quote.as_dict() for quote in quotes],
                deposits=[quote.deposit_cents for quote in quotes],
                totals=[quote.total_cents for quote in quotes],
            )
        )
    if not plans:
        raise RuntimeError(
            "No active station with chefs and a demo booking: run `manage.py seed --demo` first."
        )
    return plans


def _seed_bookings(counts: ScaleCounts, now: datetime.datetime, today: datetime.date) -> tuple[int, int]:
    have = _existing(Booking.objects.filter(reference__startswith="MH-S"), "reference")
    plans = _plans(today)
    customer_ids = [
        customer_id
        for _, customer_id in sorted(
            Customer.objects.filter(email__startswith="scale-").values_list("email", "id")
        )
    ]
    # (customer, date, slot) of every active booking: a customer never holds two in one slot.
    taken = set(
        Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES).values_list("customer_id", "date", "slot")
    )
    # (chef, date, slot) of every active booking: a chef is never given two parties in one slot,
    # whoever made the first (the site, staff, a bench on this database).
    chef_busy = set(
        Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES, chef__isnull=False).values_list(
            "chef_id", "date", "slot"
        )
    )
    # The calendar is laid out from the day of the first scale run, so that a later run (another
    # day, a larger N) puts its rows where the first run's layout left room for them.
    first = Booking.objects.filter(reference=scale_reference(0)).values_list("date", flat=True).first()
    anchor = today if first is None else first - (_calendar_place(0, today)[0] - today)
    added = paid = 0
    bookings: list[Booking] = []
    payments: list[Payment] = []
    for i in range(counts.bookings):
        if scale_reference(i) in have:
            continue
        booking = _booking(i, plans, now, anchor)
        customer = i % len(customer_ids)
        while booking.status in Booking.ACTIVE_STATUSES and (
            (customer_ids[customer], booking.date, booking.slot) in taken
        ):
            customer = (customer + 1) % len(customer_ids)
        booking.customer_id = customer_ids[customer]
        if booking.status in Booking.ACTIVE_STATUSES:
            taken.add((booking.customer_id, booking.date, booking.slot))
            if (booking.chef_id, booking.date, booking.slot) in chef_busy:
                booking.chef = None  # the planned chef has another party then: left unassigned
            chef_busy.add((booking.chef_id, booking.date, booking.slot))
        bookings.append(booking)
        payments.extend(_payments(booking, i))
        if len(bookings) >= BATCH:
            added, paid = added + len(bookings), paid + len(payments)
            _insert(bookings, payments)
            bookings, payments = [], []
    _insert(bookings, payments)
    return added + len(bookings), paid + len(payments)


def _insert(bookings: list[Booking], payments: list[Payment]) -> None:
    _copy_rows(Booking, bookings)
    _copy_rows(Payment, payments)


def _booking(i: int, plans: list[_StationPlan], now: datetime.datetime, anchor: datetime.date) -> Booking:
    plan = plans[i % len(plans)]
    j = i // len(plans)
    chefs = len(plan.chefs)
    date, slot, past = _calendar_place(j // chefs, anchor)
    status = _weighted(PAST_STATUSES if past else FUTURE_STATUSES, i)
    shape = i % len(PARTIES)
    adults, kids, toddlers = PARTIES[shape]
    street_number = 100 + (i * 37) % 9800
    created = min(
        now,
        datetime.datetime.combine(date, datetime.time(12), tzinfo=datetime.UTC) - datetime.timedelta(days=21),
    )
    booking = Booking(
        reference=scale_reference(i),
        chef=plan.chefs[j % chefs],
        station=plan.station,
        date=date,
        slot=slot,
        address=f"{street_number} {STREETS[i % len(STREETS)]}, Scale City, CA {plan.zip_code}",
        zone=plan.zip_code,
        party_adults=adults,
        party_kids=kids,
        party_toddlers=toddlers,
        items=[],
        quote=plan.quotes[shape],
        deposit_due_cents=plan.deposits[shape],
        total_due_cents=plan.totals[shape],
        status=status,
        source=Booking.Source.values[i % len(Booking.Source.values)],
        created_at=created,
        updated_at=created,
    )
    if status == Booking.Status.DEPOSIT_PENDING:
        booking.deposit_due_at = now + datetime.timedelta(hours=1 + i % 23)
    elif status == Booking.Status.CANCELLATION_REQUESTED:
        booking.previous_status = Booking.Status.CONFIRMED
        booking.cancellation_reason = "Plans changed."
        booking.flagged_for_staff = True
        booking.flag_reason = "Cancellation requested: approve or reject."
    elif status == Booking.Status.CANCELLED:
        booking.previous_status = Booking.Status.CONFIRMED
        booking.cancellation_reason = "Cancelled by the customer."
        booking.cancelled_at = created + datetime.timedelta(days=3)
    elif status == Booking.Status.COMPLETED:
        start = slot_starts_at(station=plan.station, date=date, slot=slot)
        booking.completed_at = start + datetime.timedelta(hours=EVENT_HOURS)
    elif status == Booking.Status.CONFIRMED and i % 20 == 0:
        booking.chef = None
        booking.flagged_for_staff = True
        booking.flag_reason = "No chef assigned yet."
    return booking


def _calendar_place(position: int, anchor: datetime.date) -> tuple[datetime.date, datetime.time, bool]:
    """The date and slot of a station's position-th chef-slot, and whether it is in the past.

    The j-th booking of a station goes to chef j % chefs in the station's (j // chefs)-th
    chef-slot, so no chef is ever booked twice in one slot. Four in five slots are in the past;
    the k-th past (future) day is scattered over four years back (one year ahead, from
    FUTURE_START_DAY) by a bijection, so that a small N spreads as widely as a large one and the
    place of a booking depends on its index only, never on N.
    """
    block, rest = divmod(position, 5)
    past = rest < 4
    index = block * 4 + rest if past else block
    day, slot = divmod(index, len(SLOTS))
    if past:
        offset = (day * 389) % PAST_SPAN_DAYS if day < PAST_SPAN_DAYS else day  # 389 is prime to 1460
        return anchor - datetime.timedelta(days=1 + offset), SLOTS[slot], True
    offset = (day * 131) % FUTURE_SPAN_DAYS if day < FUTURE_SPAN_DAYS else day  # 131 is prime to 365
    return anchor + datetime.timedelta(days=FUTURE_START_DAY + offset), SLOTS[slot], False


def _payments(booking: Booking, i: int) -> list[Payment]:
    """A succeeded deposit for every booking that got past it; the balance of completed ones."""
    if booking.status in (Booking.Status.DEPOSIT_PENDING, Booking.Status.CANCELLED):
        return []
    method = Payment.Method.values[i % len(Payment.Method.values)]
    paid_at = booking.created_at + datetime.timedelta(hours=2)
    rows = [
        Payment(
            booking=booking,
            kind=Payment.Kind.DEPOSIT,
            method=method,
            amount_cents=booking.deposit_due_cents,
            status=Payment.Status.SUCCEEDED,
            stripe_payment_id=f"pi_scale_{i:07d}_d" if method == Payment.Method.STRIPE else "",
            succeeded_at=paid_at,
            created_at=paid_at,
            updated_at=paid_at,
        )
    ]
    balance = booking.total_due_cents - booking.deposit_due_cents
    if booking.status == Booking.Status.COMPLETED and balance > 0:
        rows.append(
            Payment(
                booking=booking,
                kind=Payment.Kind.BALANCE,
                method=method,
                amount_cents=balance,
                status=Payment.Status.SUCCEEDED,
                stripe_payment_id=f"pi_scale_{i:07d}_b" if method == Payment.Method.STRIPE else "",
                succeeded_at=booking.completed_at,
                created_at=booking.completed_at,
                updated_at=booking.completed_at,
            )
        )
    return rows


def _seed_leads(counts: ScaleCounts, now: datetime.datetime) -> int:
    # Leads have no natural key: a fixed id per index; a second run's inserts conflict and are skipped.
    before = Lead.objects.count()
    stations = list(Station.objects.filter(is_active=True).order_by("code"))
    customers = list(
        Customer.objects.filter(email__startswith="scale-").order_by("email").values_list("id", flat=True)
    )
    statuses = Lead.Status.values
    sources = [source for source in Lead.Source.values if source != Lead.Source.BOOKING_FAILED]
    leads, contacts = [], []
    for i in range(counts.leads):
        lead_id = demo_id("scale-lead", str(i))
        status = statuses[i % len(statuses)]
        score = (i * 37) % 101
        created = now - datetime.timedelta(days=(i * 11) % 700, minutes=i % 1440)
        leads.append(
            Lead(
                id=lead_id,
                source=sources[i % len(sources)],
                status=status,
                score=score,
                quality=lead_quality(score),
                first_name=FIRST_NAMES[(i + 3) % 10],
                last_name=f"{LAST_NAMES[(i // 7) % 10]}-L{i}",
                customer_id=customers[i % len(customers)]
                if status == Lead.Status.CONVERTED and customers
                else None,
                station=stations[i % len(stations)] if stations else None,
                conversion_date=created + datetime.timedelta(days=5)
                if status == Lead.Status.CONVERTED
                else None,
                created_at=created,
                updated_at=created,
            )
        )
        contacts.append(
            LeadContact(
                id=demo_id("scale-lead-contact", str(i)),
                lead_id=lead_id,
                channel=LeadContact.Channel.EMAIL,
                handle_or_address=f"lead-{i:07d}@example.com",
                created_at=created,
                updated_at=created,
            )
        )
    Lead.objects.bulk_create(leads, batch_size=BATCH, ignore_conflicts=True)
    LeadContact.objects.bulk_create(contacts, batch_size=BATCH, ignore_conflicts=True)
    return Lead.objects.count() - before


def _seed_audit(counts: ScaleCounts, now: datetime.datetime) -> int:
    """What the services would have written about the scale bookings: created, confirmed, paid, edited.

    The trail is append-only, so rows are only ever added: a fixed id per index, and the
    indexes below the rows already there are not generated again.
    """
    marker = AuditLog.objects.filter(user_agent=AUDIT_MARKER)
    existing = marker.count()
    if existing >= counts.audit_rows:
        return 0
    bookings = list(
        Booking.objects.filter(reference__startswith="MH-S")
        .order_by("reference")
        .values_list("id", "station_id", "created_at")
    )
    if not bookings:
        return 0
    rows = []
    for i in range(existing, counts.audit_rows):
        booking_id, station_id, booked_at = bookings[i % len(bookings)]
        action = AUDIT_ACTIONS[(i // len(bookings)) % len(AUDIT_ACTIONS)]
        by_staff = action == "booking.update"
        rows.append(
            AuditLog(
                id=demo_id("scale-audit", str(i)),
                created_at=min(now, booked_at + datetime.timedelta(hours=i % 400)),
                actor_type=AuditLog.ActorType.USER if by_staff else AuditLog.ActorType.SYSTEM,
                actor_label="manager@myhibachi.test" if by_staff else "system",
                role="station_manager" if by_staff else "",
                action=action,
                resource_type="core.booking",
                resource_id=str(booking_id),
                station_id=station_id,
                user_agent=AUDIT_MARKER,
                after={"status": "confirmed"} if action == "booking.confirm" else None,
            )
        )
        if len(rows) >= BATCH:
            _copy_rows(AuditLog, rows)
            rows = []
    _copy_rows(AuditLog, rows)
    return marker.count() - existing


def _refresh_counters() -> None:
    """booking_count = completed bookings; total_spend_cents = received minus refunded (as payments.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE core.customers AS c
            SET booking_count = COALESCE(b.completed, 0), total_spend_cents = COALESCE(p.spend, 0)
            FROM core.customers AS c2
            LEFT JOIN (
                SELECT customer_id, COUNT(*) AS completed FROM core.bookings
                WHERE status = 'completed' GROUP BY customer_id
            ) AS b ON b.customer_id = c2.id
            LEFT JOIN (
                SELECT bk.customer_id,
                       SUM(CASE WHEN p.kind IN ('deposit', 'balance') AND p.succeeded_at IS NOT NULL
                                THEN p.amount_cents ELSE 0 END)
                     - SUM(CASE WHEN p.kind = 'refund' AND p.status = 'succeeded'
                                THEN p.amount_cents ELSE 0 END) AS spend
                FROM core.payments AS p JOIN core.bookings AS bk ON bk.id = p.booking_id
                GROUP BY bk.customer_id
            ) AS p ON p.customer_id = c2.id
            WHERE c.id = c2.id AND c.email LIKE 'scale-%%'
            """
        )
