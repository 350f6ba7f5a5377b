"""The assistant, measured: its labelled set (bench/assistant_cases.py) through the API.

Creates a throwaway database (Django's test database machinery, on DATABASE_URL's server or
the embedded one), seeds the reference data (prices, menu, the Fremont station, the knowledge
base) and two chefs, freezes the clock at Monday 2027-03-01 09:00 in Fremont, and sends every
message through POST /api/v1/assistant/conversations/{token}/messages/ in-process. Prints:
intent accuracy, escalation recall per reason and precision, fact extraction accuracy, replies
whose figures disagree with the engines (re-checked against the recorded tool results, and
each quote against POST /api/v1/quotes/), and p50/p95 time per message.

    .venv/bin/python bench/assistant_eval.py [--show-misses]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
REASONS = (
    "human_requested", "complaint", "refund", "discount", "large_party", "corporate",
    "outside_service_area", "low_confidence",
)  # fmt: skip


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


class Evaluation:
    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()
        self.intents = Counter()  # correct / total
        self.reason_hits: dict[str, Counter] = defaultdict(Counter)
        self.escalated = Counter()  # predicted escalations: correct / total
        self.facts = Counter()
        self.disagreements: list[str] = []
        self.timings: list[float] = []
        self.misses: list[str] = []
        self.slowest: list[tuple[float, str]] = []
        self.engine_timings: list[float] = []

    def start(self) -> str:
        response = self.client.post(
            "/api/v1/assistant/conversations/", {"channel": "web"}, "application/json"
        )
        assert response.status_code == 201, response.content
        return response.json()["token"]

    def send(self, token: str, text: str) -> dict:
        started = time.perf_counter()
        response = self.client.post(
            f"/api/v1/assistant/conversations/{token}/messages/", {"content": text}, "application/json"
        )
        self.timings.append((time.perf_counter() - started) * 1000)
        self.slowest.append((self.timings[-1], text))
        assert response.status_code == 200, (text, response.content)
        return response.json()

    def warm_up(self) -> None:
        """A few unmeasured messages: imports, dateparser's language data, the first queries."""
        token = self.start()
        for text in ("hello", "how much for 10 adults in 94539 on June 14 at 6pm?", "what if it rains?"):
            self.client.post(
                f"/api/v1/assistant/conversations/{token}/messages/", {"content": text}, "application/json"
            )

    def score(self, text: str, intent: str, facts: dict, reply: dict) -> None:
        from ai.models import Message

        stored = Message.objects.filter(role="assistant").exclude(metadata={}).order_by("-created_at").first()
        predicted = stored.metadata.get("intent", "") if stored else ""
        if stored is not None and "engine_ms" in stored.metadata:
            self.engine_timings.append(stored.metadata["engine_ms"])
        expected_reason = intent.split(":", 1)[1] if intent.startswith("escalate:") else None
        got_reason = (reply["escalation"] or {}).get("reason")
        self.intents["total"] += 1
        if predicted == intent:
            self.intents["correct"] += 1
        else:
            self.misses.append(f"intent   {intent:28} got {predicted:28} | {text}")
        if expected_reason:
            self.reason_hits[expected_reason]["total"] += 1
            self.reason_hits[expected_reason]["correct"] += got_reason == expected_reason
        if got_reason:
            self.escalated["total"] += 1
            self.escalated["correct"] += got_reason == expected_reason
            if got_reason != expected_reason:
                self.misses.append(f"escalate expected {expected_reason} got {got_reason} | {text}")
        for key, value in facts.items():
            self.facts["total"] += 1
            if reply["facts"].get(key) == value:
                self.facts["correct"] += 1
            else:
                self.misses.append(f"fact     {key}={value!r} got {reply['facts'].get(key)!r} | {text}")
        self._check_numbers(text, reply, stored)

    def _check_numbers(self, text: str, reply: dict, stored) -> None:
        from ai.engine.guard import guard_check

        if stored is not None and stored.content == reply["reply"]["content"]:
            verdict = guard_check(stored.content, stored.metadata.get("tool_calls", []))
            if not verdict.passed:
                self.disagreements.append(f"{text}: {verdict.unsupported}")
        if reply["quote"] is not None:
            facts = reply["facts"]
            body = {
                "party_adults": facts["party_adults"],
                "party_kids": facts["party_kids"] or 0,
                "party_toddlers": facts["party_toddlers"] or 0,
                "zip_code": facts["zip_code"],
                "items": facts["items"],
            }
            if facts["date"]:
                body["date"] = facts["date"]
            expected = self.client.post("/api/v1/quotes/", body, "application/json").json()
            if expected != reply["quote"]:
                self.disagreements.append(f"{text}: quote differs from POST /api/v1/quotes/")

    def report_short(self, *, show_misses: bool) -> None:
        def pct(counter: Counter) -> str:
            correct, total = counter["correct"], counter["total"]
            return f"{100 * correct / total:.1f} % ({correct}/{total})"

        recall = Counter()
        for counter in self.reason_hits.values():
            recall.update(counter)
        print(f"  intent accuracy {pct(self.intents)}, escalation recall {pct(recall)}, ", end="")
        print(f"precision {pct(self.escalated)}, facts {pct(self.facts)}, ", end="")
        print(f"number disagreements {len(self.disagreements)}")
        if show_misses:
            for line in self.misses:
                print(f"  {line}")

    def report(self, *, singles: int, conversations: int, turns: int, show_misses: bool) -> None:
        def pct(counter: Counter) -> str:
            correct, total = counter["correct"], counter["total"]
            return f"{100 * correct / total:.1f} % ({correct}/{total})"

        timings = sorted(self.timings)
        print(f"Load average before the run: {os.getloadavg()[0]:.1f} (2 cores)")
        print(f"Labelled set: {singles} single messages, {conversations} conversations ({turns} turns)")
        print(f"Intent accuracy:            {pct(self.intents)}")
        print("Escalation recall:")
        for reason in REASONS:
            if self.reason_hits[reason]["total"]:
                print(f"  {reason:24}  {pct(self.reason_hits[reason])}")
        print(f"Escalation precision:       {pct(self.escalated)}")
        print(f"Fact extraction accuracy:   {pct(self.facts)}")
        print(f"Number disagreements:       {len(self.disagreements)}")
        for line in self.disagreements:
            print(f"  {line}")
        print(
            f"Time per message (rules):   p50 {statistics.median(timings):.1f} ms, "
            f"p95 {timings[int(0.95 * (len(timings) - 1))]:.1f} ms, max {timings[-1]:.1f} ms"
        )
        engine = sorted(self.engine_timings)
        print(
            f"  of which the engine:      p50 {statistics.median(engine):.1f} ms, "
            f"p95 {engine[int(0.95 * (len(engine) - 1))]:.1f} ms (its tools' queries and the guard included)"
        )
        if show_misses:
            print("\nSlowest:")
            for elapsed, text in sorted(self.slowest, reverse=True)[:8]:
                print(f"  {elapsed:7.1f} ms  {text}")
            print("\nMisses:")
            for line in self.misses:
                print(f"  {line}")


def _seed() -> None:
    from django.core.management import call_command

    from identity.models import Station
    from ops.models import Chef

    call_command("seed", stdout=open(os.devnull, "w"))  # noqa: SIM115 - the reference data only
    station = Station.objects.get(code="CA-FREMONT-001")
    for n in (1, 2):
        Chef.objects.get_or_create(
            station=station,
            email=f"eval-chef{n}@myhibachi.test",
            defaults={"name": f"Chef {n}", "phone": f"+1510555900{n}"},
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-misses", action="store_true")
    options = parser.parse_args()
    _setup()
    import time_machine
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from bench.assistant_cases import HELDOUT, MULTI, SINGLE

    settings.ASSISTANT_PROVIDER = "rules"
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _seed()
        evaluation = Evaluation()
        with time_machine.travel(NOW, tick=True):
            evaluation.warm_up()
            for text, intent, facts in SINGLE:
                evaluation.score(text, intent, facts, evaluation.send(evaluation.start(), text))
            for conversation in MULTI:
                token = evaluation.start()
                for text, intent, facts in conversation:
                    evaluation.score(text, intent, facts, evaluation.send(token, text))
            heldout = Evaluation()
            for text, intent, facts in HELDOUT:
                heldout.score(text, intent, facts, heldout.send(heldout.start(), text))
        evaluation.report(
            singles=len(SINGLE),
            conversations=len(MULTI),
            turns=sum(len(c) for c in MULTI),
            show_misses=options.show_misses,
        )
        print(f"\nHeld-out set ({len(HELDOUT)} messages never tuned on):")
        heldout.report_short(show_misses=options.show_misses)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
