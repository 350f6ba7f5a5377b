"""Each report: who may read it, its one query, and what its table and chart show.

A report is built for a ReportScope (the user, the date range, an optional station) and
returns a ReportResult: columns, rows (plain values: cents as integers), totals and a chart.
Dates are the business's local dates (settings.TIME_ZONE); money is integer cents until shown.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from core.models import Booking, Payment
from core.selectors import RECEIVED_STATUSES
from crm.models import Lead
from identity.scoping import scope_queryset_for_permission
from myhibachi.reports.chart import bar_chart
from myhibachi.reports.payouts import chef_payouts
from myhibachi.reports.result import Column, ReportResult, ReportScope, money_chart, report_days, sum_of

PAID_KINDS = (Payment.Kind.DEPOSIT, Payment.Kind.BALANCE)
REFUND_SUCCEEDED = Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)


@dataclass(frozen=True)
class ReportSpec:
    slug: str
    title: str
    description: str
    permission: str
    station_path: str
    model: type
    build: Callable[[QuerySet, ReportScope], ReportResult]


def report_rows(spec: ReportSpec, scope: ReportScope) -> ReportResult | None:
    """The report for the scope; None when the user may not read it anywhere."""
    queryset = scope_queryset_for_permission(
        scope.user, spec.model.objects.all(), spec.station_path, spec.permission
    )
    if queryset is None:
        return None
    if scope.station_id is not None:
        queryset = queryset.filter(**{f"{spec.station_path}_id": scope.station_id})
    return spec.build(queryset, scope)


# --- Payments and refunds by day and method ---------------------------------------------------


def _payments(payments: QuerySet[Payment], scope: ReportScope) -> ReportResult:
    since, until = scope.local_bounds()
    rows = list(
        payments.filter(succeeded_at__gte=since, succeeded_at__lt=until)
        .annotate(day=TruncDate("succeeded_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day", "method")
        .annotate(
            received_cents=Sum(
                "amount_cents", filter=Q(kind__in=PAID_KINDS, status__in=RECEIVED_STATUSES), default=0
            ),
            refunded_cents=Sum("amount_cents", filter=REFUND_SUCCEEDED, default=0),
            # Part of what was received, paid on to the chef (never the business's revenue).
            tips_cents=Sum(
                "tip_cents", filter=Q(kind__in=PAID_KINDS, status__in=RECEIVED_STATUSES), default=0
            ),
            payments=Count("pk", filter=Q(kind__in=PAID_KINDS, status__in=RECEIVED_STATUSES)),
        )
        .order_by("day", "method")
    )
    net_by_day: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        row["method"] = Payment.Method(row["method"]).label
        row["net_cents"] = row["received_cents"] - row["refunded_cents"]
        net_by_day[row["day"]] += row["net_cents"]
    return ReportResult(
        columns=(
            Column("day", "Day"),
            Column("method", "Method"),
            Column("payments", "Payments"),
            Column("received_cents", "Received", money=True),
            Column("refunded_cents", "Refunded", money=True),
            Column("net_cents", "Net", money=True),
            Column("tips_cents", "Of which tips (to the chef)", money=True),
        ),
        rows=rows,
        chart=money_chart(
            [(f"{day:%b %d}", net_by_day.get(day, 0)) for day in report_days(scope)], "Net received by day"
        ),
        totals=sum_of(rows, "payments", "received_cents", "refunded_cents", "net_cents", "tips_cents"),
    )


# --- Tax collected ----------------------------------------------------------------------------


def _tax(bookings: QuerySet[Booking], scope: ReportScope) -> ReportResult:
    rows = list(
        bookings.filter(status=Booking.Status.COMPLETED, date__range=(scope.start, scope.end))
        .order_by()
        .values("date", "station__name")
        .annotate(
            parties=Count("pk"),
            tax_cents=Sum(Cast(KT("quote__tax_cents"), BigIntegerField()), default=0),
            total_cents=Sum("total_due_cents", default=0),
        )
        .order_by("date", "station__name")
    )
    by_day: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        row["station"] = row.pop("station__name")
        by_day[row["date"]] += row["tax_cents"]
    return ReportResult(
        columns=(
            Column("date", "Party date"),
            Column("station", "Station"),
            Column("parties", "Parties held"),
            Column("total_cents", "Billed", money=True),
            Column("tax_cents", "Tax", money=True),
        ),
        rows=rows,
        chart=money_chart(
            [(f"{day:%b %d}", by_day.get(day, 0)) for day in report_days(scope)], "Tax by party date"
        ),
        totals=sum_of(rows, "parties", "total_cents", "tax_cents"),
        note="Tax of the parties held (completed) in the range, as quoted at booking time.",
    )


# --- Deposits outstanding ---------------------------------------------------------------------


def _deposits_outstanding(bookings: QuerySet[Booking], scope: ReportScope) -> ReportResult:
    rows = list(
        bookings.filter(status=Booking.Status.DEPOSIT_PENDING, date__range=(scope.start, scope.end))
        .order_by("date", "slot", "reference")
        .values("reference", "date", "station__name", "deposit_due_cents", "deposit_due_at", "payment_hold")
    )
    now = timezone.now()
    by_day: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        row["station"] = row.pop("station__name")
        row["overdue"] = "yes" if row["deposit_due_at"] and row["deposit_due_at"] < now else ""
        row["payment_hold"] = "held" if row["payment_hold"] else ""
        row["deposit_due_at"] = (
            timezone.localtime(row["deposit_due_at"]).strftime("%Y-%m-%d %H:%M")
            if row["deposit_due_at"]
            else ""
        )
        by_day[row["date"]] += row["deposit_due_cents"]
    return ReportResult(
        columns=(
            Column("reference", "Booking"),
            Column("date", "Party date"),
            Column("station", "Station"),
            Column("deposit_due_cents", "Deposit due", money=True),
            Column("deposit_due_at", "Due by"),
            Column("overdue", "Overdue"),
            Column("payment_hold", "Hold"),
        ),
        rows=rows,
        chart=money_chart(
            [(f"{day:%b %d}", by_day.get(day, 0)) for day in report_days(scope)],
            "Deposits awaited by party date",
        ),
        totals=sum_of(rows, "deposit_due_cents"),
        note="Unpaid deposits of the parties in the range, as of now.",
    )


# --- Bookings by source -----------------------------------------------------------------------


def _bookings_by_source(bookings: QuerySet[Booking], scope: ReportScope) -> ReportResult:
    since, until = scope.local_bounds()
    rows = list(
        bookings.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .values("source")
        .annotate(
            bookings=Count("pk"),
            cancelled=Count("pk", filter=Q(status=Booking.Status.CANCELLED)),
            guests=Sum(F("party_adults") + F("party_kids") + F("party_toddlers"), default=0),
        )
        .order_by("-bookings", "source")
    )
    for row in rows:
        row["source"] = Booking.Source(row["source"]).label
    return ReportResult(
        columns=(
            Column("source", "Source"),
            Column("bookings", "Bookings made"),
            Column("cancelled", "Since cancelled"),
            Column("guests", "Guests"),
        ),
        rows=rows,
        chart=bar_chart(
            [(row["source"], row["bookings"]) for row in rows], caption="Bookings made by source"
        ),
        totals=sum_of(rows, "bookings", "cancelled", "guests"),
    )


# --- Lead sources -> bookings -----------------------------------------------------------------


def _lead_conversion(leads: QuerySet[Lead], scope: ReportScope) -> ReportResult:
    since, until = scope.local_bounds()
    rows = list(
        leads.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .values("source")
        .annotate(leads=Count("pk"), converted=Count("pk", filter=Q(status=Lead.Status.CONVERTED)))
        .order_by("-leads", "source")
    )
    for row in rows:
        row["source"] = Lead.Source(row["source"]).label
        row["conversion"] = f"{100 * row['converted'] / row['leads']:.0f}%" if row["leads"] else "—"
    return ReportResult(
        columns=(
            Column("source", "Lead source"),
            Column("leads", "Leads"),
            Column("converted", "Booked"),
            Column("conversion", "Conversion"),
        ),
        rows=rows,
        chart=bar_chart(
            [(row["source"], row["converted"]) for row in rows], caption="Leads that booked, by source"
        ),
        totals=sum_of(rows, "leads", "converted"),
        note="Leads created in the range, and how many of them have booked since.",
    )


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "payments",
        "Payments and refunds",
        "By day and method.",
        "payment.report",
        "booking__station",
        Payment,
        _payments,
    ),
    ReportSpec("tax", "Tax collected", "On the parties held.", "payment.report", "station", Booking, _tax),
    ReportSpec(
        "deposits-outstanding",
        "Deposits outstanding",
        "Unpaid deposits, as of now.",
        "payment.report",
        "station",
        Booking,
        _deposits_outstanding,
    ),
    ReportSpec(
        "chef-payouts",
        "Chef payouts by pay tier",
        "Parties, guests, pay and tips per chef.",
        "payment.report",
        "station",
        Booking,
        chef_payouts,
    ),
    ReportSpec(
        "bookings-by-source",
        "Bookings by source",
        "Where bookings come from.",
        "booking.read",
        "station",
        Booking,
        _bookings_by_source,
    ),
    ReportSpec(
        "lead-conversion",
        "Lead sources to bookings",
        "Conversion by lead source.",
        "lead.read",
        "station",
        Lead,
        _lead_conversion,
    ),
)
REPORTS_BY_SLUG = {spec.slug: spec for spec in REPORTS}
