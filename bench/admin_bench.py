"""Server time and queries of every staff page, as a super admin and as a station manager.

In-process (Django's test client, no HTTP server): the time printed is the server's work for
the page, template rendering included. Runs against the database of DATABASE_URL as it is, so
seed it first at the size to measure (nothing is written, every request is a GET):

    .venv/bin/python manage.py seed --demo          # demo size
    .venv/bin/python manage.py seed --scale 200     # 200 x the demo: 50,000 bookings
    .venv/bin/python bench/admin_bench.py [--repeat 3] [--only booking] [--path /admin/x/]

For each model registered in the staff panel: the list, a search on it (when it has search
fields), and the change page of the first row the user may see; then the dashboard (the panel's
front page), the schedule pages (calendar, run sheet, feeds), the reports (index and each
report) and any --path given. The planner's statistics and the tables' visibility maps are
refreshed first (VACUUM (ANALYZE), as autovacuum does after a bulk load: a freshly seeded
database has no statistics, and without a vacuum no index-only scan, so a manager's customer
list read the whole bookings table: 239 ms at N = 200 before, 114 ms after). Prints the median
milliseconds of --repeat runs (after one warm-up), the database's share of it (db) and the
queries of the page, per user. A page that does not answer 200 prints its status instead.
Templates render as in production (not instrumented for the test client's context capture).
Timings on a busy machine are noisy: compare runs made side by side.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPER_ADMIN = "super_admin@myhibachi.test"
STATION_MANAGER = "manager.fremont@myhibachi.test"
SEARCH_TERM = "chen"  # a name in the demo (and in the scale seed's surnames)
SCHEDULE_PAGES = ("staff-calendar", "staff-run-sheet", "staff-calendar-feeds")


@dataclass(frozen=True)
class Page:
    label: str
    url: str


@dataclass(frozen=True)
class Measure:
    status: int
    ms: float
    queries: int
    db_ms: float  # the database's share: the page's queries, as the connection timed them


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myhibachi.settings")
    import django

    django.setup()
    from django.template import Template
    from django.test.utils import setup_test_environment

    rendering = Template._render
    setup_test_environment()  # the test client's host is allowed; emails stay in memory
    # ... but templates render as in production: the test environment sends a signal for each
    # template rendered, and the test client copies the whole context on each one (a page of
    # forms renders hundreds of widget templates: 15 % of a role's page was this copying).
    Template._render = rendering
    # A refused page is printed as its status; its logged traceback would bury the table.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def _pages(only: str | None, extra: list[str]) -> list[Page]:
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    pages = [Page("dashboard", reverse("admin:index"))]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        label = model._meta.label
        if only and only.lower() not in label.lower():
            continue
        try:
            changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        pages.append(Page(f"{label} list", changelist))
        if model_admin.search_fields:
            pages.append(Page(f"{label} search", f"{changelist}?q={SEARCH_TERM}"))
        pages.append(Page(f"{label} change", f"change:{label}"))
    if not only:
        pages += [Page(name, reverse(name)) for name in SCHEDULE_PAGES]
        from myhibachi.reports.definitions import REPORTS

        pages.append(Page("staff-reports", reverse("staff-reports")))
        pages += [Page(f"report {spec.slug}", reverse("staff-report", args=[spec.slug])) for spec in REPORTS]
    pages.extend(Page(path, path) for path in extra)
    return pages


def _change_url(label: str, user) -> str | None:
    """The change page of the first row this user's list shows (None: the list is empty)."""
    from django.apps import apps
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    model = apps.get_model(label)
    request = RequestFactory().get("/admin/")
    request.user = user
    first = admin.site._registry[model].get_queryset(request).order_by().values_list("pk", flat=True).first()
    if first is None:
        return None
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first])


def _measure(client, url: str, repeat: int) -> Measure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: templates, caches, the connection
    times, db_times, queries, status = [], [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        db_times.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
        status, queries = response.status_code, len(captured)
    return Measure(
        status=status, ms=statistics.median(times), queries=queries, db_ms=statistics.median(db_times)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (median printed)")
    parser.add_argument("--only", help="only models whose label contains this (e.g. core.Booking)")
    parser.add_argument("--path", action="append", default=[], help="another page to time (repeatable)")
    args = parser.parse_args()
    _setup()

    from django.test import Client

    from core.models import Booking
    from identity.models import User

    users = {}
    for email in (SUPER_ADMIN, STATION_MANAGER):
        user = User.objects.filter(email=email).first()
        if user is None:
            sys.exit(f"No user {email}: run `manage.py seed --demo` (or --scale N) first.")
        client = Client(raise_request_exception=False)  # a failing page prints "HTTP 500"
        client.force_login(user)
        users[email] = (user, client)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"bookings in the database: {Booking.objects.count()}; median of {args.repeat} runs")
    print(f"{'page':<44} {'super_admin ms':>15} {'db':>7} {'q':>4}  {'manager ms':>15} {'db':>7} {'q':>4}")
    for page in _pages(args.only, args.path):
        cells = []
        for user, client in users.values():
            url = page.url
            if url.startswith("change:"):
                url = _change_url(url.removeprefix("change:"), user)
            if url is None:
                cells.append(f"{'(no rows)':>15} {'':>7} {'':>4}")
                continue
            measure = _measure(client, url, args.repeat)
            time_cell = f"{measure.ms:.1f}" if measure.status == 200 else f"HTTP {measure.status}"
            cells.append(f"{time_cell:>15} {measure.db_ms:>7.1f} {measure.queries:>4}")
        print(f"{page.label:<44} {'  '.join(cells)}")


if __name__ == "__main__":
    main()
