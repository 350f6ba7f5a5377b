"""The reports pages of the staff panel: an index, each report as table + chart, and its CSV."""

from __future__ import annotations

import csv
import datetime
import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.services import audit_log_write
from identity import scoping
from identity.models import Station
from identity.staff_panel.audit_trail import admin_actor
from kernel.spreadsheet import safe_cell
from myhibachi.reports.definitions import (
    REPORTS,
    REPORTS_BY_SLUG,
    ReportResult,
    ReportScope,
    ReportSpec,
    report_rows,
)

DEFAULT_DAYS = 30
MAX_DAYS = 366


def _scope(request: HttpRequest, spec: ReportSpec) -> tuple[ReportScope, list[Station]]:
    today = timezone.localdate()
    end = _date(request.GET.get("end"), today)
    start = _date(request.GET.get("start"), end - datetime.timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        start, end = end, start
    start = max(start, end - datetime.timedelta(days=MAX_DAYS - 1))
    stations = list(_stations(request.user, spec.permission))
    chosen = request.GET.get("station") or ""
    station_id = next((station.pk for station in stations if str(station.pk) == chosen), None)
    return ReportScope(user=request.user, start=start, end=end, station_id=station_id), stations


def _date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _stations(user, code: str):
    stations = scoping.scope_queryset_for_permission(user, Station.objects.all(), "pk", code)
    return stations.order_by("name") if stations is not None else Station.objects.none()


def reports_index(request: HttpRequest) -> HttpResponse:
    """The reports the user may read."""
    available = [spec for spec in REPORTS if scoping.user_has_permission(request.user, spec.permission)]
    if not available:
        raise PermissionDenied
    return render(
        request,
        "admin/reports/index.html",
        {**admin.site.each_context(request), "title": "Reports", "reports": available},
    )


def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One report for a date range (and a station): the table and chart, or `?format=csv`."""
    spec = REPORTS_BY_SLUG.get(slug)
    if spec is None:
        raise Http404("No such report.")
    scope, stations = _scope(request, spec)
    result = report_rows(spec, scope)
    if result is None:
        raise PermissionDenied
    if request.GET.get("format") == "csv":
        return _csv(request, spec, scope, result)
    return render(
        request,
        "admin/reports/report.html",
        {
            **admin.site.each_context(request),
            "title": spec.title,
            "spec": spec,
            "scope": scope,
            "stations": stations,
            "result": result,
            "table": _table(result),
            "totals": [(result.totals.get(column.key, ""), column.money) for column in result.columns],
        },
    )


def _table(result: ReportResult) -> list[list[tuple[object, bool]]]:
    return [[(row.get(column.key, ""), column.money) for column in result.columns] for row in result.rows]


def _csv(request: HttpRequest, spec: ReportSpec, scope: ReportScope, result: ReportResult) -> HttpResponse:
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow([column.label for column in result.columns])
    for row in result.rows:
        writer.writerow(
            [safe_cell(_csv_value(row.get(column.key), column.money)) for column in result.columns]
        )
    audit_log_write(
        actor=admin_actor(request),
        action="report.export",
        resource_type="report",
        resource_id=spec.slug,
        station_id=scope.station_id,
        after={
            "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
            "station": str(scope.station_id) if scope.station_id else "all of the user's",
            "rows": len(result.rows),
        },
        reason="CSV download from the staff panel",
    )
    response = HttpResponse(content.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{spec.slug}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.csv"'
    )
    return response


def _csv_value(value: object, money: bool) -> object:
    if money and isinstance(value, int):
        return f"{value / 100:.2f}"
    return value.isoformat() if isinstance(value, datetime.date) else value
