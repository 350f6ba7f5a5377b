"""Throughput and latency of the customer API on a production-style server.

Serves the app with gunicorn (2 sync workers) on the embedded PostgreSQL, in a database
of its own (`myhibachi_bench`, recreated each run, demo data seeded), and measures in one
run: quote, availability (31 days), booking create, a booking's manage view (GET by its
token), and a trivial DRF JSON view on the same server (the ceiling), behind the same throttle
class as the endpoints. Every scenario is run --runs times (3); the ratio to the ceiling is
taken within each run, and the medians are printed with the web workers' CPU per request.
A last phase asks quote and availability from --burst-concurrency clients (32) and prints
p50 and p95. With REDIS_URL set, caches and throttles are in Redis, as in production.
Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/api_bench.py \\
        [--requests 300] [--concurrency 4] [--runs 3] [--burst-concurrency 32]
"""

import argparse
import datetime
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "myhibachi_bench"


def _env() -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "MYHIBACHI_TESTING")
    }
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", EMBEDDED_DATABASE_NAME=DATABASE, PYTHONPATH=str(ROOT))
    return env


def _prepare_database() -> str:
    """A fresh benchmark database with the demo data; returns a demo booking's manage token."""
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()  # starts (or joins) the embedded server and holds it for the whole run
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], user=db["USER"], dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    for command in (["migrate", "--no-input", "-v", "0"], ["seed", "--demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=_env(), check=True, stdout=subprocess.DEVNULL
        )
    from core.models import Booking
    from core.tokens import manage_token_for

    return manage_token_for(Booking.objects.get(reference="MH-DEMO13"))  # a confirmed party


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "myhibachi.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/trivial/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not come up within 30 s")


def _cpu_seconds(pid: int) -> float:
    """CPU (user + system) used so far by a process and its children alive now (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError):
            continue
        pending.extend(int(child) for child in children)
    return total


class Scenario:
    def __init__(self, name: str, method: str, path, body=None):
        self.name, self.method, self._path, self._body = name, method, path, body

    def request(self, n: int) -> tuple[str, str, bytes | None]:
        path = self._path(n) if callable(self._path) else self._path
        body = self._body(n) if callable(self._body) else self._body
        return self.method, path, json.dumps(body).encode() if body is not None else None


def _run(
    port: int, scenario: Scenario, requests: int, concurrency: int, time_limit: float, first: int = 0
) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(first, first + requests))
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            method, path, body = scenario.request(n)
            headers = {"Content-Type": "application/json"} if body else {}
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "name": scenario.name,
        "requests": len(latencies),
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
        "statuses": statuses,
    }


def _scenarios(run_id: str, manage_token: str) -> list[Scenario]:
    today = datetime.date.today()
    start, end = today + datetime.timedelta(days=3), today + datetime.timedelta(days=33)
    slots = ("12:00", "15:00", "18:00", "21:00")

    def booking_body(n: int) -> dict:
        return {
            "customer": {
                "first_name": "Bench",
                "last_name": f"Customer{n}",
                "email": f"bench-{run_id}-{n}@example.com",
                "phone": "+15105550100",
                "sms_consent": False,
                "email_consent": False,
            },
            # Spread over the year so that capacity, not the benchmark, decides 201 vs 409.
            "date": (today + datetime.timedelta(days=5 + n // len(slots) % 300)).isoformat(),
            "slot": slots[n % len(slots)],
            "address": {
                "line1": "1 Bench Way",
                "line2": "",
                "city": "Fremont",
                "state": "CA",
                "zip_code": "94538",
            },
            "party_adults": 10,
            "party_kids": 2,
            "party_toddlers": 0,
            "items": [{"code": "lobster_tail", "quantity": 2}],
            "special_requests": "",
        }

    quote = {
        "party_adults": 10,
        "party_kids": 2,
        "zip_code": "94538",
        "items": [{"code": "lobster_tail", "quantity": 2}],
    }
    return [
        Scenario("trivial JSON view (ceiling)", "GET", "/bench/trivial/"),
        Scenario("quote", "POST", "/api/v1/quotes/", quote),
        Scenario(
            "availability (31 days)", "GET", f"/api/v1/availability/?zip_code=94538&start={start}&end={end}"
        ),
        Scenario("booking create", "POST", "/api/v1/bookings/", booking_body),
        Scenario("manage view (GET by token)", "GET", f"/api/v1/bookings/manage/{manage_token}/"),
    ]


def _measure(
    port: int,
    server_pid: int,
    scenario: Scenario,
    *,
    requests: int,
    concurrency: int,
    time_limit: float,
    first: int,
) -> dict:
    """A warm-up (request numbers of its own, a booking per number), then the measured run."""
    _run(port, scenario, requests=20, concurrency=concurrency, time_limit=10, first=first + requests)
    cpu_before = _cpu_seconds(server_pid)
    result = _run(port, scenario, requests, concurrency, time_limit, first=first)
    # The web workers' CPU per request (the database's own CPU is not in it).
    result["cpu_ms"] = (_cpu_seconds(server_pid) - cpu_before) * 1000 / max(result["requests"], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario and run")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads of the ratio runs")
    parser.add_argument("--runs", type=int, default=3, help="runs of every scenario; medians are printed")
    parser.add_argument(
        "--burst-concurrency",
        type=int,
        default=32,
        help="client threads of the latency phase (quote and availability; 0 to skip it)",
    )
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per scenario at most")
    args = parser.parse_args()

    print("preparing the benchmark database (migrate + seed --demo)...", flush=True)
    manage_token = _prepare_database()
    port = _free_port()
    server = _start_server(port)
    scenarios = _scenarios(run_id=str(int(time.time())), manage_token=manage_token)
    runs: list[list[dict]] = []
    burst: list[dict] = []
    try:
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs}...", flush=True)
            # Each run books under request numbers of its own: capacity, not a rerun, decides 201/409.
            first = run * (args.requests + 20)
            runs.append(
                [
                    _measure(
                        port,
                        server.pid,
                        scenario,
                        requests=args.requests,
                        concurrency=args.concurrency,
                        time_limit=args.time_limit,
                        first=first,
                    )
                    for scenario in scenarios
                ]
            )
        if args.burst_concurrency:
            print(f"latency at {args.burst_concurrency} concurrent clients...", flush=True)
            for scenario in scenarios[:3]:  # the ceiling, quote, availability
                burst.append(
                    _measure(
                        port,
                        server.pid,
                        scenario,
                        requests=max(args.requests, 20 * args.burst_concurrency),
                        concurrency=args.burst_concurrency,
                        time_limit=args.time_limit,
                        first=0,
                    )
                )
    finally:
        server.terminate()
        server.wait(timeout=30)

    cache = os.environ.get("REDIS_URL") or "local memory (no REDIS_URL: throttles and caches per process)"
    print(
        f"\ngunicorn 2 sync workers, {args.concurrency} client threads, {os.cpu_count()} cores, "
        f"embedded PostgreSQL, cache {cache}, load average {os.getloadavg()[0]:.2f} at the end"
    )
    print(
        f"ratio = req/s of the endpoint / req/s of the ceiling in the same run; medians of {args.runs} runs"
    )
    print(
        f"{'scenario':<30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'x ceiling':>9} {'(runs)':>16} "
        f"{'cpu ms/req':>10}  statuses"
    )
    for index, scenario in enumerate(scenarios):
        results = [run[index] for run in runs]
        ratios = [run[index]["rps"] / run[0]["rps"] if run[0]["rps"] else 0.0 for run in runs]
        statuses: dict[int, int] = {}
        for result in results:
            for code, count in result["statuses"].items():
                statuses[code] = statuses.get(code, 0) + count
        print(
            f"{scenario.name:<30} {statistics.median(r['rps'] for r in results):>8.1f} "
            f"{statistics.median(r['p50_ms'] for r in results):>8.1f} "
            f"{statistics.median(r['p95_ms'] for r in results):>8.1f} "
            f"{statistics.median(ratios):>9.2f} {' '.join(f'{ratio:.2f}' for ratio in ratios):>16} "
            f"{statistics.median(r['cpu_ms'] for r in results):>10.2f}  {statuses}"
        )
    if burst:
        print(f"\nlatency at {args.burst_concurrency} concurrent clients (target: p95 <= 3 x p50)")
        print(
            f"{'scenario':<30} {'req':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p95/p50':>8}  statuses"
        )
        for result in burst:
            spread = result["p95_ms"] / result["p50_ms"]
            print(
                f"{result['name']:<30} {result['requests']:>5} {result['rps']:>8.1f} "
                f"{result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} {spread:>8.2f}  {result['statuses']}"
            )


if __name__ == "__main__":
    main()
