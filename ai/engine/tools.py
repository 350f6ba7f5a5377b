"""The tools an engine answers with, each call and its result recorded for the guard.

Prices come only from pricing.quote.quote_compute (in the exact shape POST /api/v1/quotes/
returns, through the same output serializer), dates and capacity only from the availability
engine, policy figures from ai.engine.policy, answers from the knowledge base.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from ai.engine import knowledge
from ai.engine.policy import placeholder_values, policy_figures
from core.availability import station_availability
from identity.models import Station
from kernel.errors import ServiceError
from pricing.distance import serving_station_for_zip
from pricing.quote import quote_compute
from pricing.serializers import QuoteOutputSerializer


class Toolbox:
    """One reply's tools: the station it answers for, and the record of every call."""

    def __init__(self, *, station: Station | None, today: datetime.date):
        self.station = station
        self.today = today
        self.calls: list[dict[str, Any]] = []
        self._figures: dict[str, Any] | None = None
        self._quotes: dict[str, dict[str, Any]] = {}

    def record(self, tool: str, args: dict[str, Any], result: Any) -> Any:
        self.calls.append({"tool": tool, "args": args, "result": result})
        return result

    def facts(self, facts: dict[str, Any]) -> dict[str, Any]:
        """What the customer told us, recorded so their own figures may be repeated back."""
        return self.record("facts", {}, facts)

    def policy(self) -> dict[str, Any]:
        if self._figures is None:
            self._figures = policy_figures(station=self.station)
            self.record("policy", {"station": self.station.code if self.station else None}, self._figures)
        return self._figures

    def serving_station(self, zip_code: str) -> dict[str, Any]:
        """Which station serves the ZIP code (the distance engine), or why none does."""
        try:
            serving = serving_station_for_zip(zip_code)
        except ServiceError as error:
            result = {"served": False, "code": error.code, "message": error.message}
        else:
            self.station = serving.station
            result = {
                "served": True,
                "station": serving.station.code,
                "distance_miles": str(serving.distance_miles),
            }
        return self.record("serving_station", {"zip_code": zip_code}, result)

    def quote(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The body POST /api/v1/quotes/ returns for these facts, or {"error": {code, message}}."""
        args = {
            "zip_code": facts["zip_code"],
            "party_adults": facts["party_adults"],
            "party_kids": facts.get("party_kids") or 0,
            "party_toddlers": facts.get("party_toddlers") or 0,
            "items": facts.get("items") or [],
            "event_date": facts.get("date"),
        }
        key = repr(sorted(args.items()))
        if key in self._quotes:  # asked twice in one reply (the service-area check, then the answer)
            return self._quotes[key]
        try:
            quote = quote_compute(
                zip_code=args["zip_code"],
                party_adults=args["party_adults"],
                party_kids=args["party_kids"],
                party_toddlers=args["party_toddlers"],
                items=args["items"],
                on_date=datetime.date.fromisoformat(args["event_date"]) if args["event_date"] else None,
            )
        except ServiceError as error:
            result = {"error": {"code": error.code, "message": error.message}}
        else:
            self.station = quote.station
            result = dict(QuoteOutputSerializer(quote.as_dict()).data)
        self._quotes[key] = self.record("quote", args, result)
        return result

    def availability(self, date: datetime.date) -> list[dict[str, Any]]:
        """[{date, slot, remaining}] of the date's slots at the station, from the availability engine."""
        if self.station is None:
            return self.record("availability", {"date": date.isoformat()}, [])
        days = station_availability(station=self.station, start=date, end=date)
        result = [
            {"date": day.date.isoformat(), "slot": slot.label, "remaining": slot.remaining}
            for day in days
            for slot in day.slots
        ]
        return self.record("availability", {"date": date.isoformat(), "station": self.station.code}, result)

    def knowledge_search(self, text: str, *, prefer: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The best entries for the text, their placeholders filled from the policy figures."""
        hits = knowledge.knowledge_search(text, prefer=prefer)
        values = placeholder_values(self.policy()) if hits else {}
        result = [
            {
                "title": hit.title,
                "category": hit.category,
                "answer": knowledge.fill(hit.body, values),
                "confidence": hit.confidence,
            }
            for hit in hits
        ]
        return self.record("knowledge_search", {"query": text[:200]}, result)

    def booking_link(self, facts: dict[str, Any]) -> str:
        """The booking page with what we know prefilled."""
        params = {
            key: facts[field]
            for key, field in (
                ("adults", "party_adults"),
                ("kids", "party_kids"),
                ("toddlers", "party_toddlers"),
                ("date", "date"),
                ("slot", "slot"),
                ("zip", "zip_code"),
            )
            if facts.get(field) not in (None, "")
        }
        url = settings.ASSISTANT_BOOKING_URL + (f"?{urlencode(params)}" if params else "")
        self.record("booking_link", params, {"url": url})
        return url
