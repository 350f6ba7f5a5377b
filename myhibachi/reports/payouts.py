"""The chef payouts report: per chef, the parties they completed in the range, the guests
served, the pay their tier's rate gives (ops/pay.py), the tips paid on to them, and the total.

One query, whatever the data: the bookings grouped by chef, with the tier's rate and each
booking's tips read by subqueries (a join to payments would count a party once per payment).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BigIntegerField, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core.models import Booking, Payment
from core.selectors import MONEY_RECEIVED
from myhibachi.reports.result import Column, ReportResult, ReportScope, money_chart, sum_of
from ops.models import Chef, PayRate
from ops.pay import TierRate, chef_pay_cents


def chef_payouts(bookings: QuerySet[Booking], scope: ReportScope) -> ReportResult:
    rate = PayRate.objects.filter(pay_tier=OuterRef("chef__pay_tier"))
    tips = (
        Payment.objects.filter(MONEY_RECEIVED, booking=OuterRef("pk"))
        .order_by()
        .values("booking")
        .annotate(cents=Sum("tip_cents"))
        .values("cents")
    )
    rows = list(
        bookings.filter(
            status=Booking.Status.COMPLETED, date__range=(scope.start, scope.end), chef__isnull=False
        )
        .order_by()
        .values("chef", "chef__pay_tier", "chef__name", "station__name")
        .annotate(
            parties=Count("pk"),
            guests=Sum(F("party_adults") + F("party_kids") + F("party_toddlers"), default=0),
            tips_cents=Sum(Coalesce(Subquery(tips, output_field=BigIntegerField()), 0), default=0),
            per_party_cents=Subquery(rate.values("per_party_cents")[:1], output_field=IntegerField()),
            per_guest_cents=Subquery(rate.values("per_guest_cents")[:1], output_field=IntegerField()),
        )
    )
    tier_order = {tier: index for index, tier in enumerate(Chef.PayTier.values)}
    rows.sort(
        key=lambda row: (tier_order.get(row["chef__pay_tier"], 99), row["chef__name"], str(row["chef"]))
    )
    total_by_tier: dict[str, int] = defaultdict(int)
    for row in rows:
        has_rate = row["per_party_cents"] is not None
        rate_of_tier = TierRate(row.pop("per_party_cents"), row.pop("per_guest_cents")) if has_rate else None
        row.pop("chef")
        row["tier"] = Chef.PayTier(row.pop("chef__pay_tier")).label
        row["chef"] = row.pop("chef__name")
        row["station"] = row.pop("station__name")
        row["pay_cents"] = chef_pay_cents(parties=row["parties"], guests=row["guests"], rate=rate_of_tier)
        row["total_cents"] = row["pay_cents"] + row["tips_cents"]
        total_by_tier[row["tier"]] += row["total_cents"]
    return ReportResult(
        columns=(
            Column("tier", "Pay tier"),
            Column("chef", "Chef"),
            Column("station", "Station"),
            Column("parties", "Parties"),
            Column("guests", "Guests served"),
            Column("pay_cents", "Pay", money=True),
            Column("tips_cents", "Tips", money=True),
            Column("total_cents", "Total", money=True),
        ),
        rows=rows,
        chart=money_chart(
            [(label, total_by_tier.get(label, 0)) for label in Chef.PayTier.labels], "Paid out by pay tier"
        ),
        totals=sum_of(rows, "parties", "guests", "pay_cents", "tips_cents", "total_cents"),
        note="Completed parties in the range, per chef: pay at the tier's rate (the Pay rates page: "
        "per party and per guest served) plus the tips customers paid, passed on to the chef.",
    )
