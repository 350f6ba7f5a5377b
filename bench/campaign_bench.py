"""Claims per second of a campaign to 20,000 recipients, and the sender's memory.

Creates its own database (`<DATABASE_URL's name>_campaign_bench`, or `myhibachi_campaign_bench`
on the embedded server; dropped and recreated each run), migrates it, inserts N customers
(most with email consent, some without, some withdrawn, some at the weekly cap), and runs the
sender once, in this process, as a worker would: batches of 500 with SKIP LOCKED, consent and
cap checks, one delivery row and one notification per customer. Delivery itself (the provider
send) is not measured: the enqueue after each batch's commit is counted, not sent to a broker,
so that what is timed is the claim. Prints the claim rate and the process's peak memory
before and after the send (constant memory: the peak does not grow with N).

    .venv/bin/python bench/campaign_bench.py [--customers 20000] [--batch 500]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND = 500


def _bench_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_campaign_bench"))


def _setup(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("MYHIBACHI_TESTING", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["EMBEDDED_DATABASE_NAME"] = "myhibachi_campaign_bench"
    import django

    django.setup()
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = {"host": db["HOST"], "user": db["USER"], "dbname": "postgres", "autocommit": True}
    if db.get("PORT"):
        admin["port"] = db["PORT"]
    if db.get("PASSWORD"):
        admin["password"] = db["PASSWORD"]
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{db["NAME"]}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _populate(customers: int) -> object:
    import datetime

    from django.utils import timezone

    from core.models import Customer
    from crm.models import Campaign, CampaignDelivery, CustomerSegment, SegmentRule

    now = timezone.now()
    rows = []
    for index in range(customers):
        kind = index % 20
        consent = kind != 0  # 1 in 20 never agreed
        withdrawn = kind == 1  # 1 in 20 unsubscribed
        rows.append(
            Customer(
                first_name=f"Guest{index}",
                last_name="Bench",
                email=f"guest{index}@bench.example.com",
                phone=f"+1510{index:07d}",
                email_consent=consent and not withdrawn,
                email_consent_at=now - datetime.timedelta(days=60) if consent else None,
                email_consent_text="I agree" if consent else "",
                booking_count=index % 4,
            )
        )
    Customer.objects.bulk_create(rows, batch_size=2000)
    segment = CustomerSegment.objects.create(name="Everyone")
    SegmentRule.objects.create(segment=segment, field="booking_count", operator="less_than", value="100")
    # 1 in 20 already got two marketing emails this week: skipped for the cap.
    earlier = Campaign.objects.create(
        name="Earlier", channel="email", segment=segment, subject="s", content="c"
    )
    earlier_too = Campaign.objects.create(
        name="Earlier too", channel="email", segment=segment, subject="s", content="c"
    )
    capped = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[::20])
    CampaignDelivery.objects.bulk_create(
        [
            CampaignDelivery(campaign=campaign, customer_id=pk, channel="email", status="sent")
            for pk in capped
            for campaign in (earlier, earlier_too)
        ],
        batch_size=2000,
    )
    return Campaign.objects.create(
        name="Bench",
        channel="email",
        segment=segment,
        subject="Hi {{ first_name }}",
        content="Spring parties at {{ station }}.",
        status="scheduled",
        scheduled_at=now - datetime.timedelta(minutes=1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    _setup(_bench_database_url())
    campaign = _populate(args.customers)

    from django.db import connection
    from django.db.models import Count

    from core.notifications import dispatch
    from crm.models import CampaignDelivery
    from crm.services import campaign_send

    enqueued: list[object] = []
    dispatch.bulk_delivery_enqueue = enqueued.append  # counted, not sent (see the docstring)
    connection.close()

    peak_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = campaign_send(campaign_id=campaign.pk, batch_size=args.batch)
    elapsed = time.perf_counter() - started
    peak_after_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    counts = dict(
        CampaignDelivery.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rate = report.claimed / elapsed if elapsed else 0.0
    print(f"customers in segment:  {args.customers}")
    print(f"deliveries claimed:    {report.claimed} in {elapsed:.2f} s (batches of {args.batch})")
    print(f"by status:             {dict(sorted(counts.items()))}")
    print(f"notifications handed to the delivery task: {len(enqueued)}")
    verdict = "met" if rate >= TARGET_PER_SECOND else "NOT met"
    print(f"claims per second:     {rate:,.0f}  (target >= {TARGET_PER_SECOND}: {verdict})")
    before_mb, after_mb = peak_before_kb / 1024, peak_after_kb / 1024
    print(f"peak RSS:              {before_mb:.0f} MB before the send, {after_mb:.0f} MB after")
    print(f"campaign finished:     {report.finished}")


if __name__ == "__main__":
    main()
