"""The customer website's page weights and server times, on the demo data.

For each page: the bytes a browser downloads for it — the HTML, our stylesheet and our scripts,
gzip-compressed as WhiteNoise serves them — against the 60 KB budget; and the server time of the
page (p50 and p95 of N requests, in-process through Django's test client, so no network and no
server overhead) next to the API endpoint it reads through the same services.

Run it on a database holding the demo (make seed, or `manage.py seed --demo`):

    DEBUG=false .venv/bin/python bench/site_bench.py [--requests 200]

It reads and, for the payment page, creates the demo booking's deposit PaymentIntent row (as the
page does for a customer); it writes nothing else.
"""

import argparse
import datetime
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_BYTES = 60 * 1024


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myhibachi.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.API_THROTTLE_RATES = {scope: "1000000/min" for scope in settings.API_THROTTLE_RATES}
    settings.ALLOWED_HOSTS = ["*"]
    if not settings.DEBUG:
        # As production serves them: hashed and compressed by collectstatic (into STATIC_ROOT).
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9))


def _static(path: str) -> bytes:
    from django.contrib.staticfiles import finders

    return Path(finders.find(path)).read_bytes()


def _timed(client, method: str, url: str, count: int, **kwargs) -> tuple[float, float, int]:
    samples = []
    status = 0
    for _ in range(count):
        started = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], status


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    _setup()

    from django.test import Client
    from django.utils import timezone

    from core.models import Booking
    from core.tokens import manage_token_for

    client = Client(HTTP_USER_AGENT="site-bench")
    upcoming = Booking.objects.filter(date__gte=timezone.localdate() + datetime.timedelta(days=5))
    confirmed = upcoming.filter(status=Booking.Status.CONFIRMED).order_by("date").first()
    pending = upcoming.filter(status=Booking.Status.DEPOSIT_PENDING).order_by("date").first()
    if confirmed is None or pending is None:
        sys.exit("No upcoming confirmed and pending demo bookings: run `manage.py seed --demo` first.")
    confirmed_token, pending_token = manage_token_for(confirmed), manage_token_for(pending)
    month = (timezone.localdate() + datetime.timedelta(days=7)).strftime("%Y-%m")
    start = timezone.localdate() + datetime.timedelta(days=3)
    end = start + datetime.timedelta(days=30)
    quote = "party_adults=10&party_kids=2&zip_code=94539&item_filet_mignon=2"

    # (page name, page URL, the API call it parallels or None)
    pages = [
        ("home", "/", ("get", "/api/v1/menu/", {})),
        (
            "quote",
            f"/quote/?{quote}",
            (
                "post",
                "/api/v1/quotes/",
                {
                    "data": {
                        "party_adults": 10,
                        "party_kids": 2,
                        "zip_code": "94539",
                        "items": [{"code": "filet_mignon", "quantity": 2}],
                    },
                    "content_type": "application/json",
                },
            ),
        ),
        (
            "book (calendar)",
            f"/book/?zip_code=94539&month={month}",
            (
                "get",
                f"/api/v1/availability/?zip_code=94539&start={start}&end={end}",
                {},
            ),
        ),
        (
            "pay (deposit)",
            f"/pay/{pending_token}/",
            ("post", f"/api/v1/bookings/manage/{pending_token}/deposit/", {}),
        ),
        ("manage", f"/manage/{confirmed_token}/", ("get", f"/api/v1/bookings/manage/{confirmed_token}/", {})),
        ("reviews", "/reviews/", ("get", "/api/v1/reviews/", {})),
        ("contact", "/contact/", None),
        ("lost link", "/manage/", None),
    ]

    css = _gzip_size(_static("website/site.css"))
    htmx = _gzip_size(_static("website/htmx-2.0.11.min.js"))
    # The assistant's chat widget (base template), on every page.
    widget = _gzip_size(_static("assistant/widget.css")) + _gzip_size(_static("assistant/widget.js"))
    print(f"Static, gzip: site.css {css} B, htmx {htmx} B, chat widget {widget} B (cached across pages)\n")
    htmx += widget
    header = (
        f"{'page':<16}{'HTML gz':>9}{'+CSS+JS gz':>12}{'budget':>8}   {'p50 ms':>7}{'p95 ms':>8}"
        "   API endpoint p50/p95 ms"
    )
    print(header)
    print("-" * len(header))
    for name, url, api in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = _gzip_size(response.content)
        total = html + css + htmx
        p50, p95, _status = _timed(client, "get", url, args.requests)
        api_text = ""
        if api is not None:
            method, api_url, kwargs = api
            a50, a95, a_status = _timed(client, method, api_url, args.requests, **kwargs)
            shown = (
                api_url.split("?")[0].replace(pending_token, "<token>").replace(confirmed_token, "<token>")
            )
            api_text = f"{a50:6.1f} / {a95:6.1f}  {method.upper()} {shown} ({a_status})"
        verdict = "ok" if total <= BUDGET_BYTES else "OVER"
        print(f"{name:<16}{html:>9}{total:>12}{verdict:>8}   {p50:7.1f}{p95:8.1f}   {api_text}")


if __name__ == "__main__":
    main()
