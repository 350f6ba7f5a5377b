"""What a report is made of: its scope (user, dates, station), its columns, its result, and the
helpers every report's table and chart share."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kernel.money import format_cents
from myhibachi.reports.chart import Chart, bar_chart


@dataclass(frozen=True)
class ReportScope:
    user: Any
    start: datetime.date
    end: datetime.date  # inclusive
    station_id: uuid.UUID | None = None  # None: every station the user may read it at

    def local_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
        )


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    money: bool = False


@dataclass(frozen=True)
class ReportResult:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    chart: Chart | None
    totals: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def money_chart(points: list[tuple[str, int]], caption: str) -> Chart:
    return bar_chart(points, caption=caption, value_text=lambda cents: format_cents(cents).split(".")[0])


def report_days(scope: ReportScope) -> list[datetime.date]:
    return [scope.start + datetime.timedelta(days=n) for n in range((scope.end - scope.start).days + 1)]


def sum_of(rows: list[dict[str, Any]], *keys: str) -> dict[str, int]:
    return {key: sum(row[key] for row in rows) for key in keys}
