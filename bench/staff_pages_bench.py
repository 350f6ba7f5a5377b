"""Time and query count of the staff panel's calendar and reports, with N times the demo's bookings.

Runs in-process (Django's test client) against the configured database, which must hold the
demo (`manage.py seed --demo`). The extra bookings and payments are added inside a transaction
that is rolled back at the end: the database is left as it was.

    DATABASE_URL=postgres://... .venv/bin/python bench/staff_pages_bench.py [--times 10] [--repeat 5]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myhibachi.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Booking, Customer, Payment  # noqa: E402
from identity.models import Station, User  # noqa: E402

PAGES = (
    "/admin/schedule/calendar/?period=month",
    "/admin/reports/payments/",
    "/admin/reports/tax/",
    "/admin/reports/deposits-outstanding/",
    "/admin/reports/chef-payouts/",
    "/admin/reports/bookings-by-source/",
    "/admin/reports/lead-conversion/",
)


def _add_bookings(times: int) -> int:
    """(times - 1) x the demo's bookings again at Fremont, this month, unassigned, with a payment each."""
    station = Station.objects.get(code="CA-FREMONT-001")
    demo = Booking.objects.count()
    today = timezone.localdate()
    customers = Customer.objects.bulk_create(
        Customer(first_name="Bench", last_name=str(n), email=f"bench{n}@example.com")
        for n in range(demo * (times - 1))
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            reference=f"MH-B{n:06d}",
            customer=customer,
            station=station,
            date=today.replace(day=1) + datetime.timedelta(days=n % 28),
            slot=datetime.time(12),
            address="1 Bench St, Fremont, CA 94539",
            zone="94539",
            party_adults=10,
            deposit_due_cents=10000,
            total_due_cents=61000,
            status=Booking.Status.CONFIRMED,
            quote={"tax_cents": 0, "food_cents": 55000, "lines": []},
        )
        for n, customer in enumerate(customers)
    )
    Payment.objects.bulk_create(
        Payment(
            booking=booking,
            kind="deposit",
            method="cash",
            amount_cents=10000,
            status="succeeded",
            succeeded_at=timezone.now(),
        )
        for booking in bookings
    )
    return Booking.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, default=10, help="bookings as a multiple of the demo's")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.get(email="super_admin@myhibachi.test"))
    with transaction.atomic():
        total = _add_bookings(args.times)
        print(f"{total} bookings")
        for page in PAGES:
            client.get(page)  # warm: templates, the booking rules' cache
            timings, queries = [], 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(page)
                    timings.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
            median = statistics.median(timings)
            print(f"{page:45} {response.status_code}  median {median:7.1f} ms  {queries} queries")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
