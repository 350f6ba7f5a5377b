"""The guard: every money amount, count, time and date in a reply must come from a recorded result.

The engines' results (quote, availability, policy figures, knowledge entries, the facts the
customer gave) are recorded on the message as tool calls. Before a reply is sent, each figure
in its text is read back and looked up among the figures of those results; one that is not
there was invented, and the reply is not sent (the conversation escalates, low_confidence).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
MONEY = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
NAMED_DATE = re.compile(
    r"\b("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?",
    re.IGNORECASE,
)
SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
TIME_12H = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)", re.IGNORECASE)
TIME_24H = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\w])")


@dataclass
class Figures:
    """The figures found in a text (or allowed by the recorded results)."""

    cents: set[int] = field(default_factory=set)
    dates: set[datetime.date] = field(default_factory=set)
    month_days: set[tuple[int, int]] = field(default_factory=set)  # a date written without its year
    times: set[tuple[int, int]] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)


def _number_text(value: str) -> str:
    """'1,200' and '1200.0' -> '1200'; '12.30' -> '12.3': one spelling per number."""
    value = value.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value


def read_figures(text: str) -> Figures:
    """Every figure in the text, each read once (a date's digits are not also counts)."""
    found = Figures()
    rest = text

    def take(pattern: re.Pattern, handle) -> None:
        nonlocal rest
        rest = pattern.sub(lambda m: (handle(m), " ")[1], rest)

    def money(match: re.Match) -> None:
        cents = match.group(2) or "0"
        found.cents.add(int(match.group(1).replace(",", "")) * 100 + int(cents.ljust(2, "0")))

    def iso(match: re.Match) -> None:
        try:
            found.dates.add(datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        except ValueError:
            found.numbers.update({match.group(1), match.group(2), match.group(3)})

    def named(match: re.Match) -> None:
        month, day = MONTHS[match.group(1).lower()], int(match.group(2))
        if match.group(3):
            try:
                found.dates.add(datetime.date(int(match.group(3)), month, day))
            except ValueError:
                found.numbers.add(match.group(2))
        else:
            found.month_days.add((month, day))

    def slash(match: re.Match) -> None:
        found.month_days.add((int(match.group(1)), int(match.group(2))))

    def twelve(match: re.Match) -> None:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower().startswith("p") else 0)
        found.times.add((hour, int(match.group(2) or 0)))

    def twenty_four(match: re.Match) -> None:
        found.times.add((int(match.group(1)), int(match.group(2))))

    take(MONEY, money)
    take(ISO_DATE, iso)
    take(NAMED_DATE, named)
    take(TIME_12H, twelve)
    take(TIME_24H, twenty_four)
    take(SLASH_DATE, slash)
    found.numbers.update(_number_text(m.group(1)) for m in NUMBER.finditer(rest))
    return found


def allowed_figures(tool_calls: list[dict[str, Any]]) -> Figures:
    """The figures the recorded tool calls' arguments and results hold."""
    allowed = Figures()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int):
            allowed.numbers.add(str(value))
            if key.endswith("_cents") or key == "cents":
                allowed.cents.add(value)
            return
        if isinstance(value, float):
            allowed.numbers.add(_number_text(str(value)))
            return
        if isinstance(value, str):
            # Money typed in a text (a knowledge body, an address) allows nothing: amounts come
            # only from the engines' *_cents figures.
            figures = read_figures(value)
            allowed.dates |= figures.dates
            allowed.month_days |= figures.month_days
            allowed.times |= figures.times
            allowed.numbers |= figures.numbers
            return
        if isinstance(value, dict):
            for child_key, child in value.items():
                if isinstance(child_key, str) and child_key.endswith("_cents") and isinstance(child, dict):
                    for inner_key, inner in child.items():  # {"lobster_tail": 1500} under item_prices_cents
                        walk(inner_key)
                        walk(inner, "cents")
                else:
                    walk(child, child_key)
            return
        if isinstance(value, list | tuple):
            for child in value:
                walk(child, key)

    for call in tool_calls:
        walk(call.get("args", {}))
        walk(call.get("result", {}))
    allowed.month_days |= {(d.month, d.day) for d in allowed.dates}
    return allowed


@dataclass(frozen=True)
class Verdict:
    passed: bool
    unsupported: tuple[str, ...]


def guard_check(text: str, tool_calls: list[dict[str, Any]]) -> Verdict:
    """Passed when every figure of the text is among those of the recorded tool calls."""
    said, allowed = read_figures(text), allowed_figures(tool_calls)
    unsupported: list[str] = []
    unsupported += [f"${cents / 100:,.2f}" for cents in sorted(said.cents - allowed.cents)]
    unsupported += [d.isoformat() for d in sorted(said.dates - allowed.dates)]
    unsupported += [f"{m}/{d}" for m, d in sorted(said.month_days - allowed.month_days)]
    unsupported += [f"{h:02d}:{m:02d}" for h, m in sorted(said.times - allowed.times)]
    unsupported += sorted(said.numbers - allowed.numbers)
    return Verdict(passed=not unsupported, unsupported=tuple(unsupported))
