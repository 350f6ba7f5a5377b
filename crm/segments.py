"""A segment's rules as one query: `segment_customers(segment)` is a QuerySet of customers.

Each rule (field, operator, value) becomes one Q on Customer; the segment joins them with
AND (match "all") or OR (match "any"). Values are text in the database; `rule_value_parse`
turns one into its field's type and refuses, with the reason, a value that does not fit —
the same function checks a rule when staff save it and reads it when the segment runs, so a
rule that was accepted always evaluates.

Per-booking facts (last and first party date) are correlated subqueries, not aggregates:
the query stays free of GROUP BY, so the sender can lock its rows (FOR UPDATE SKIP LOCKED)
and the admin can count it in one statement. Facts about "a booking" (zone, station) and "a
lead" (source) are EXISTS tests: equals/in mean "has one such", not_equals/not_in mean "has
none". A customer with no booking has no last party date: a date comparison leaves them out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.models import ACTIVE_BOOKING_STATUSES, Booking, Customer
from crm.models import CustomerSegment, Lead, SegmentRule
from identity.models import Station
from kernel.errors import ServiceError

Field = SegmentRule.Field
Op = SegmentRule.Operator

# A party that took place or still holds its slot: what "a booking" means to a segment.
COUNTED_BOOKING_STATUSES = (*ACTIVE_BOOKING_STATUSES, Booking.Status.COMPLETED)
RELATIVE_DAYS = re.compile(r"^(\d{1,4})\s+days?\s+ago$")
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
LIST_SEPARATOR = ","
INTEGER_MAX = 2**63 - 1

ORDERED = (Op.EQUALS, Op.NOT_EQUALS, Op.GREATER_THAN, Op.LESS_THAN, Op.IN, Op.NOT_IN)
TEXT = (Op.EQUALS, Op.NOT_EQUALS, Op.CONTAINS, Op.IN, Op.NOT_IN)
CHOICE = (Op.EQUALS, Op.NOT_EQUALS, Op.IN, Op.NOT_IN)
BOOLEAN = (Op.EQUALS, Op.NOT_EQUALS)


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # integer, date, text, station, lead_source, boolean
    operators: tuple[str, ...]


FIELD_SPECS: dict[str, FieldSpec] = {
    Field.BOOKING_COUNT: FieldSpec("integer", ORDERED),
    Field.TOTAL_SPEND_CENTS: FieldSpec("integer", ORDERED),
    Field.LAST_BOOKING_DATE: FieldSpec("date", ORDERED),
    Field.FIRST_BOOKING_DATE: FieldSpec("date", ORDERED),
    Field.CREATED_AT: FieldSpec("date", ORDERED),
    Field.ZONE: FieldSpec("text", TEXT),
    Field.STATION: FieldSpec("station", CHOICE),
    Field.LEAD_SOURCE: FieldSpec("lead_source", CHOICE),
    Field.SMS_CONSENT: FieldSpec("boolean", BOOLEAN),
    Field.EMAIL_CONSENT: FieldSpec("boolean", BOOLEAN),
    Field.HAS_UPCOMING_BOOKING: FieldSpec("boolean", BOOLEAN),
}


def rule_value_parse(*, field: str, operator: str, value: str, today: datetime.date | None = None) -> Any:
    """The rule's value in its field's type (a list for in / not in); ServiceError saying why not."""
    spec = FIELD_SPECS.get(field)
    if spec is None:
        raise ServiceError(f"Unknown field {field!r}.", field="field")
    if operator not in spec.operators:
        allowed = ", ".join(Op(each).label for each in spec.operators)
        given = Op(operator).label if operator in Op.values else operator
        raise ServiceError(
            f"{Field(field).label} cannot be compared with “{given}”; use one of: {allowed}.",
            field="operator",
        )
    text = (value or "").strip()
    if operator in (Op.IN, Op.NOT_IN):
        items = [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
        if not items:
            raise ServiceError("Give at least one value, separated by commas.", field="value")
        return [_parse_one(spec.kind, item, today=today) for item in items]
    if not text:
        raise ServiceError("Give a value.", field="value")
    return _parse_one(spec.kind, text, today=today)


def _parse_one(kind: str, text: str, *, today: datetime.date | None) -> Any:
    if kind == "integer":
        try:
            number = int(text.replace("_", ""))
        except ValueError:
            raise ServiceError(f"“{text}” is not a whole number.", field="value") from None
        if not 0 <= number <= INTEGER_MAX:
            raise ServiceError(f"“{text}” is out of range.", field="value")
        return number
    if kind == "date":
        relative = RELATIVE_DAYS.match(text.lower())
        if relative:
            return (today or timezone.localdate()) - datetime.timedelta(days=int(relative.group(1)))
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ServiceError(
                f"“{text}” is not a date: write 2026-05-31, or “90 days ago”.", field="value"
            ) from None
    if kind == "boolean":
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise ServiceError(f"“{text}” is not true or false.", field="value")
    if kind == "station":
        code = text.upper()
        if not Station.objects.filter(code__iexact=code).exists():
            raise ServiceError(f"No station has the code “{text}”.", field="value")
        return code
    if kind == "lead_source":
        if text.lower() not in Lead.Source.values:
            raise ServiceError(
                f"“{text}” is not a lead source ({', '.join(Lead.Source.values)}).", field="value"
            )
        return text.lower()
    if len(text) > 255:
        raise ServiceError("At most 255 characters.", field="value")
    return text


# --- Evaluation -------------------------------------------------------------------------------


def segment_customers(segment: CustomerSegment, *, today: datetime.date | None = None) -> QuerySet[Customer]:
    """The customers the segment's rules select, as one query (rules read from the database)."""
    rules = list(segment.rules.order_by("created_at").values_list("field", "operator", "value"))
    return customers_matching(rules, match=segment.match, today=today)


def customers_matching(
    rules: list[tuple[str, str, str]],
    *,
    match: str = CustomerSegment.Match.ALL,
    today: datetime.date | None = None,
) -> QuerySet[Customer]:
    """Customers matching (field, operator, value) rules; no rules: every customer."""
    today = today or timezone.localdate()
    queryset = Customer.objects.all()
    conditions: list[Q] = []
    for field, operator, value in rules:
        parsed = rule_value_parse(field=field, operator=operator, value=value, today=today)
        queryset, condition = _RULE_BUILDERS[FIELD_SPECS[field].kind](
            queryset, field, operator, parsed, today
        )
        conditions.append(condition)
    if not conditions:
        return queryset
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined | condition if match == CustomerSegment.Match.ANY else combined & condition
    return queryset.filter(combined)


def _compare(name: str, operator: str, value: Any) -> Q:
    if operator == Op.EQUALS:
        return Q(**{name: value})
    if operator == Op.NOT_EQUALS:
        return ~Q(**{name: value})
    if operator == Op.GREATER_THAN:
        return Q(**{f"{name}__gt": value})
    if operator == Op.LESS_THAN:
        return Q(**{f"{name}__lt": value})
    if operator == Op.CONTAINS:
        return Q(**{f"{name}__icontains": value})
    if operator == Op.IN:
        return Q(**{f"{name}__in": value})
    return ~Q(**{f"{name}__in": value})  # not_in


def _plain(queryset, field, operator, value, today):
    column = {Field.BOOKING_COUNT: "booking_count", Field.TOTAL_SPEND_CENTS: "total_spend_cents"}.get(
        field, field
    )
    return queryset, _compare(column, operator, value)


def _date(queryset, field, operator, value, today):
    if field == Field.CREATED_AT:
        return queryset, _compare("created_at__date", operator, value)
    counted = Booking.objects.filter(customer=OuterRef("pk"), status__in=COUNTED_BOOKING_STATUSES)
    aggregate = Max("date") if field == Field.LAST_BOOKING_DATE else Min("date")
    alias = f"_segment_{field}"
    # A correlated subquery (no GROUP BY on customers): see the module's docstring.
    queryset = queryset.alias(
        **{alias: Subquery(counted.values("customer").annotate(value=aggregate).values("value")[:1])}
    )
    condition = _compare(alias, operator, value)
    if operator in (Op.NOT_EQUALS, Op.NOT_IN):
        condition &= Q(**{f"{alias}__isnull": False})
    return queryset, condition


def _booking_exists(field: str, operator: str, value: Any) -> Q:
    bookings = Booking.objects.filter(customer=OuterRef("pk"), status__in=COUNTED_BOOKING_STATUSES)
    column = "zone" if field == Field.ZONE else "station__code__iexact"
    positive = {Op.NOT_EQUALS: Op.EQUALS, Op.NOT_IN: Op.IN}.get(operator, operator)
    if positive == Op.EQUALS:
        bookings = bookings.filter(**{column: value})
    elif positive == Op.CONTAINS:
        bookings = bookings.filter(zone__icontains=value)
    elif field == Field.ZONE:
        bookings = bookings.filter(zone__in=value)
    else:
        bookings = bookings.filter(station__code__in=[code.upper() for code in value])
    exists = Q(Exists(bookings))
    return ~exists if operator in (Op.NOT_EQUALS, Op.NOT_IN) else exists


def _text(queryset, field, operator, value, today):
    return queryset, _booking_exists(field, operator, value)


def _station(queryset, field, operator, value, today):
    return queryset, _booking_exists(field, operator, value)


def _lead_source(queryset, field, operator, value, today):
    sources = [value] if isinstance(value, str) else value
    exists = Q(Exists(Lead.objects.filter(customer=OuterRef("pk"), source__in=sources)))
    return queryset, (~exists if operator in (Op.NOT_EQUALS, Op.NOT_IN) else exists)


def _boolean(queryset, field, operator, value, today):
    wanted = value if operator == Op.EQUALS else not value
    if field == Field.HAS_UPCOMING_BOOKING:
        upcoming = Q(
            Exists(
                Booking.objects.filter(
                    customer=OuterRef("pk"), status__in=ACTIVE_BOOKING_STATUSES, date__gte=today
                )
            )
        )
        return queryset, upcoming if wanted else ~upcoming
    return queryset, Q(**{field: wanted})


_RULE_BUILDERS: dict[str, Callable[..., tuple[QuerySet[Customer], Q]]] = {
    "integer": _plain,
    "date": _date,
    "text": _text,
    "station": _station,
    "lead_source": _lead_source,
    "boolean": _boolean,
}
