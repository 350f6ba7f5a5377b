"""The staff panel's front page: what needs doing this week and how the business is going.

A selector (reads only) that composes core's bookings and payments and crm's leads for one
user, through the one station-scoping policy (identity/scoping.py): every figure covers the
stations the user holds, a chef's only their own parties, and a section is shown only to a
user whose role grants its permission there (bookings: booking.read, leads: lead.read,
money: payment.report). A fixed number of queries whatever the data: one per section.

The revenue chart is an SVG drawn from numbers computed here, so that the page needs no
JavaScript library and nothing from a CDN.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from core.models import Booking, Payment
from core.selectors import MONEY_RECEIVED, MONEY_REFUNDED, waiting_threads
from crm.models import Lead
from identity import scoping
from kernel.money import format_cents

UPCOMING_DAYS = 7
# Rows a list of the front page shows; "see all" opens the bookings list for the rest. Without
# a cap a busy week (or a backlog of unpaid deposits) would render thousands of rows.
LIST_CAP = 50
NEW_LEADS_DAYS = 30
TREND_DAYS = 90
# Parties that took place (or are still to take place) in a week of the chart.
HELD_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)

# The chart's drawing, in SVG user units.
CHART_WIDTH = 900
CHART_HEIGHT = 260
CHART_TOP = 24  # room for the party counts above the bars
CHART_BOTTOM = 46  # room for the week labels under them, and the axis title
CHART_LEFT = 72  # room for the dollar axis
BAR_GAP = 6
Y_TICKS = 4  # about this many gridlines on the dollar axis


@dataclass(frozen=True)
class Bar:
    week: datetime.date
    revenue_cents: int
    parties: int
    x: float
    y: float
    width: float
    height: float

    @property
    def revenue(self) -> str:
        return format_cents(self.revenue_cents)

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def count_y(self) -> float:
        """Where the party count sits: just above the bar."""
        return round(self.y - 4, 1)

    @property
    def label(self) -> str:
        return f"{self.week:%b} {self.week.day}"


@dataclass(frozen=True)
class Tick:
    """A gridline of the dollar axis."""

    y: float
    cents: int

    @property
    def label(self) -> str:
        return f"${self.cents // 100:,}"


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    label_y: float
    revenue_cents: int
    parties: int
    left: int = CHART_LEFT  # where the plot starts: the dollar axis
    ticks: tuple[Tick, ...] = ()

    @property
    def axis_title_y(self) -> float:
        return self.height - 4

    @property
    def plot_center(self) -> float:
        return round(self.left + (self.width - self.left) / 2, 1)

    @property
    def y_title_y(self) -> float:
        return round(CHART_TOP + (self.baseline - CHART_TOP) / 2, 1)

    @property
    def revenue(self) -> str:
        return format_cents(self.revenue_cents)


@dataclass(frozen=True)
class Conversion:
    converted: int
    leads: int

    @property
    def percent(self) -> str:
        return f"{100 * self.converted / self.leads:.0f}%" if self.leads else "—"


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    station_names: tuple[str, ...] | None  # None: every station
    chef_only: bool
    # None: the user may not see the section.
    upcoming: tuple[Booking, ...] | None
    unassigned: tuple[Booking, ...] | None
    deposits_past_due: tuple[Booking, ...] | None
    # The list of that name holds the first LIST_CAP rows only; the template links to the rest.
    more: frozenset[str]
    messages_waiting: int | None  # threads whose customer waits for staff (conversation.read)
    leads_by_source: tuple[tuple[str, int], ...] | None
    conversion: Conversion | None
    chart: Chart | None


def dashboard_for(user, *, now: datetime.datetime | None = None) -> Dashboard:
    """Everything the front page shows this user, as of now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stations = scoping.stations_for(user)
    access = scoping.access_for(user)

    upcoming = unassigned = deposits = None
    more: set[str] = set()
    bookings = _bookings(user, "booking.read")
    if bookings is not None:
        this_week = (
            bookings.filter(
                status__in=Booking.ACTIVE_STATUSES,
                date__range=(today, today + datetime.timedelta(days=UPCOMING_DAYS)),
            )
            .select_related("customer", "station", "chef")
            .defer("address")  # never decrypted for a list that does not show it
            .order_by("date", "slot", "reference")
        )
        upcoming = _capped(this_week, "upcoming", more)
        unassigned = _capped(this_week.filter(chef__isnull=True), "unassigned", more)
        deposits = _capped(
            bookings.filter(status=Booking.Status.DEPOSIT_PENDING, deposit_due_at__lt=now)
            .select_related("customer", "station")
            .defer("address")
            .order_by("deposit_due_at"),
            "deposits_past_due",
            more,
        )

    messages_waiting = None
    if scoping.user_has_permission(user, "conversation.read"):
        # A thread belongs to one station (MessageThread.station).
        messages_waiting = scoping.scope_queryset(user, waiting_threads(), "station").count()

    leads_by_source = conversion = None
    leads = _scoped(user, Lead.objects.all(), "station", "lead.read")
    if leads is not None:
        leads_by_source = _leads_by_source(leads, since=now - datetime.timedelta(days=NEW_LEADS_DAYS))
        conversion = _conversion(leads, since=now - datetime.timedelta(days=TREND_DAYS))

    chart = None
    payments = _scoped(user, Payment.objects.all(), "booking__station", "payment.report")
    held = _bookings(user, "payment.report")
    if payments is not None and held is not None:
        chart = _chart(payments, held, today=today)

    return Dashboard(
        today=today,
        station_names=None
        if stations is None
        else tuple(stations.order_by("name").values_list("name", flat=True)),
        chef_only=access.chef_only,
        upcoming=upcoming,
        unassigned=unassigned,
        deposits_past_due=deposits,
        more=frozenset(more),
        messages_waiting=messages_waiting,
        leads_by_source=leads_by_source,
        conversion=conversion,
        chart=chart,
    )


def _capped(queryset: QuerySet[Booking], name: str, more: set[str]) -> tuple[Booking, ...]:
    """The first LIST_CAP rows (one query: one row more says whether there are more)."""
    rows = tuple(queryset[: LIST_CAP + 1])
    if len(rows) > LIST_CAP:
        more.add(name)
    return rows[:LIST_CAP]


# --- Scoping ----------------------------------------------------------------------------------


def _scoped(user, queryset: QuerySet, station_path: str, code: str) -> QuerySet | None:
    """The rows of the user's stations (a chef: their own) where they hold `code`; None: nowhere."""
    if not scoping.user_has_permission(user, code):
        return None
    queryset = scoping.scope_queryset(user, queryset, station_path)
    access = scoping.access_for(user)
    if user.is_superuser or code in access.global_codes:
        return queryset
    # A user may hold different roles at different stations: only where this one is granted.
    granting = {station_id for station_id, codes in access.codes_by_station.items() if code in codes}
    if granting == access.station_ids:
        return queryset  # scoped to those stations already
    return queryset.filter(**{f"{station_path}__in": granting})


def _bookings(user, code: str) -> QuerySet[Booking] | None:
    return _scoped(user, Booking.objects.all(), "station", code)


# --- Sections -------------------------------------------------------------------------------


def _leads_by_source(leads: QuerySet[Lead], *, since: datetime.datetime) -> tuple[tuple[str, int], ...]:
    counts = (
        leads.filter(created_at__gte=since)
        .order_by()
        .values("source")
        .annotate(count=Count("pk"))
        .order_by("-count", "source")
    )
    return tuple((Lead.Source(row["source"]).label, row["count"]) for row in counts)


def _conversion(leads: QuerySet[Lead], *, since: datetime.datetime) -> Conversion:
    totals = leads.filter(created_at__gte=since).aggregate(
        leads=Count("pk"), converted=Count("pk", filter=Q(status=Lead.Status.CONVERTED))
    )
    return Conversion(converted=totals["converted"], leads=totals["leads"])


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _chart(payments: QuerySet[Payment], bookings: QuerySet[Booking], *, today: datetime.date) -> Chart:
    """Money received (deposits and balances, less refunds) and parties held, week by week."""
    first_week = _week_start(today - datetime.timedelta(days=TREND_DAYS - 1))
    weeks = []
    week = first_week
    while week <= today:
        weeks.append(week)
        week += datetime.timedelta(days=7)

    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(first_week, datetime.time.min, tzinfo=zone)
    revenue: dict[datetime.date, int] = {}
    for row in (
        payments.filter(succeeded_at__gte=since)
        .annotate(week=TruncWeek("succeeded_at", tzinfo=zone))
        .order_by()
        .values("week")
        .annotate(
            received=Sum("amount_cents", filter=MONEY_RECEIVED, default=0),
            refunded=Sum("amount_cents", filter=MONEY_REFUNDED, default=0),
        )
    ):
        revenue[row["week"].date()] = row["received"] - row["refunded"]

    parties = {
        row["week"]: row["count"]
        for row in bookings.filter(status__in=HELD_STATUSES, date__range=(first_week, today))
        .annotate(week=TruncWeek("date"))
        .order_by()
        .values("week")
        .annotate(count=Count("pk"))
    }

    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot_height
    slot_width = (CHART_WIDTH - CHART_LEFT) / len(weeks)
    highest = max([cents for cents in revenue.values() if cents > 0], default=0)
    step = _tick_step(highest)
    top = step * -(-highest // step) if highest else 0  # the axis ends on a gridline
    ticks = (
        tuple(
            Tick(y=round(baseline - plot_height * cents / top, 1), cents=cents)
            for cents in range(0, top + 1, step)
        )
        if top
        else (Tick(y=baseline, cents=0),)
    )
    bars = []
    for index, week in enumerate(weeks):
        cents = revenue.get(week, 0)
        height = plot_height * max(cents, 0) / top if top else 0
        bars.append(
            Bar(
                week=week,
                revenue_cents=cents,
                parties=parties.get(week, 0),
                x=round(CHART_LEFT + index * slot_width + BAR_GAP / 2, 1),
                y=round(baseline - height, 1),
                width=round(slot_width - BAR_GAP, 1),
                height=round(height, 1),
            )
        )
    return Chart(
        bars=tuple(bars),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline=baseline,
        label_y=baseline + 16,
        revenue_cents=sum(revenue.values()),
        parties=sum(parties.values()),
        ticks=ticks,
    )


def _tick_step(highest_cents: int) -> int:
    """A round step (1, 2 or 5 times a power of ten dollars) giving about Y_TICKS gridlines."""
    if highest_cents <= 0:
        return 100
    rough = highest_cents / Y_TICKS
    step = 100  # $1
    while True:
        for multiple in (1, 2, 5):
            if step * multiple >= rough:
                return step * multiple
        step *= 10
