"""The knowledge base: search (PostgreSQL full text + pg_trgm), placeholders, and what a body may say.

Search ranks active entries with a weighted SearchVector (title A, body B; the GIN index
ix_knowledge_search is on the same expression) against websearch_to_tsquery of the message's
words, plus pg_trgm word similarity of the title for misspellings. Confidence comes from that
ranking. Bodies never type a price or a policy figure: they use placeholders ({adult_price},
{refund_notice_days}, ...) filled from the catalogue and the booking policy when answered.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Greatest

from ai.models import Knowledge

SEARCH_VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "body", weight="B", config="english"
)
# Placeholder names a body may use; the values come from ai.engine.policy.placeholder_values.
KNOWN_PLACEHOLDERS = frozenset(
    {
        "adult_price", "kid_price", "toddler_price", "party_minimum", "deposit",
        "gratuity_min_percent", "gratuity_max_percent", "refund_notice_days", "change_cutoff_hours",
        "booking_min_lead_hours", "booking_max_ahead_days", "deposit_deadline_hours",
        "staff_party_size", "slots", "station_name", "station_city", "station_address",
        "free_miles", "price_per_mile", "max_distance_miles",
    }
)  # fmt: skip
ITEM_PLACEHOLDER = re.compile(r"^price_[a-z0-9_]+$")
RAW_MONEY = re.compile(
    r"\$\s?\d|\d\s?(?:dollars?|usd|bucks|cents?)\b|\bUSD\s?\d|\d+(?:\.\d+)?\s?%", re.IGNORECASE
)
_STOPWORDS_TEXT = (
    "a an the and or but if of to in on at for with by from is are was were be been do does did "
    "i me my we our us you your it its this that these those what which who how can could would "
    "should will shall may might have has had please hi hello hey there any some about just "
    "much many get got so than then too very also need needs want wants like know tell let guys "
    "doing done yes yeah ok okay thanks thank wondering question questions option options "
    "possible whats"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
# The score of an entry that clearly answers (a title word matched); lower scores are less sure.
SCORE_FOR_FULL_CONFIDENCE = 0.25
CATEGORY_LIFT = 0.08


@dataclass(frozen=True)
class Hit:
    title: str
    body: str
    category: str
    score: float
    confidence: float


def search_terms(text: str) -> str:
    """The message as a websearch_to_tsquery OR-query of its content words ('deposit or refund')."""
    words = [w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in STOPWORDS]
    return " or ".join(dict.fromkeys(words))[:400]


def knowledge_search(text: str, *, limit: int = 3, prefer: tuple[str, ...] = ()) -> list[Hit]:
    """Active entries that answer the text, best first, with a confidence from 0 to 1. One query.

    `prefer`: the categories of the topic the rules recognised (a policy question): their
    entries get a small lift, so a body-only match in the right category beats a stray one.
    """
    terms = search_terms(text)
    if not terms:
        return []
    query = SearchQuery(terms, search_type="websearch", config="english")
    rows = (
        Knowledge.objects.filter(is_active=True)
        .annotate(
            rank=SearchRank(SEARCH_VECTOR, query, normalization=Value(1)),
            similarity=Greatest(
                TrigramWordSimilarity(Value(terms.replace(" or ", " ")), "title"),
                Value(0.0),
                output_field=FloatField(),
            ),
        )
        .annotate(
            lift=Case(When(category__in=prefer, then=Value(CATEGORY_LIFT)), default=Value(0.0)),
            score=F("rank") + F("similarity") * Value(0.2) + F("lift"),
        )
        .filter(score__gt=0.05 + F("lift"))
        .order_by("-score", "title")
        .values("title", "body", "category", "score")[:limit]
    )
    rows = list(rows)
    hits = []
    for index, row in enumerate(rows):
        runner_up = rows[index + 1]["score"] if index + 1 < len(rows) else 0.0
        hits.append(
            Hit(
                title=row["title"],
                body=row["body"],
                category=row["category"],
                score=round(row["score"], 4),
                confidence=confidence_of(row["score"], runner_up),
            )
        )
    return hits


def confidence_of(score: float, runner_up: float) -> float:
    """From the ranking: how strong the best entry is, discounted when another one is as strong."""
    strength = min(1.0, score / SCORE_FOR_FULL_CONFIDENCE)
    margin = (score - runner_up) / score if score > 0 else 0.0
    return round(strength * (0.5 + 0.5 * margin), 3)


def placeholders_in(body: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(body) if name]


def knowledge_body_errors(body: str) -> list[str]:
    """Why a body may not be saved: a raw money amount or percentage, or an unknown placeholder."""
    errors = []
    if RAW_MONEY.search(body):
        errors.append(
            "Do not type prices or percentages: use a placeholder such as {adult_price}, {deposit}, "
            "{price_lobster_tail} or {gratuity_min_percent}, filled from the catalogue and the policy."
        )
    try:
        names = placeholders_in(body)
    except ValueError:
        return [*errors, "A brace is not closed: placeholders are written {like_this}."]
    unknown = sorted({n for n in names if n not in KNOWN_PLACEHOLDERS and not ITEM_PLACEHOLDER.match(n)})
    if unknown:
        errors.append(f"Unknown placeholder(s): {', '.join(unknown)}.")
    return errors


def fill(body: str, values: dict[str, Any]) -> str:
    """The body with its placeholders filled; an unknown one is left as written (never a guess)."""

    class Missing(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    try:
        return string.Formatter().vformat(body, (), Missing(values))
    except (ValueError, IndexError):
        return body
