"""The changelist search box, read through indexes on every table it searches.

Django ORs one `icontains` per search field into the listed query. When the fields sit on
several tables (a booking's reference, its customer's name, its chef's name), that OR spans
a join, so no index can answer it and PostgreSQL reads and upper-cases every row of every
table (a search of 50,000 bookings took 500 ms). Here each term is instead:

    pk IN (rows matching the listed table's own fields, ORed: one bitmap scan of its indexes
           UNION ALL rows whose customer matches the customer's fields
           UNION ALL ...)                                  -- one branch per related table

Each branch reads one table through its trigram indexes (GIN on UPPER(column::text),
`gin_trgm_ops`: kernel.db.trigram.trigram_index in the models' Meta.indexes) and joins from the
few rows found. Matches are the same as Django's: the same lookups (`^` istartswith, `=`
iexact, `@` search, an explicit lookup, else icontains) on the same fields; every term must
match some field; a row is listed once (no DISTINCT needed).

A changelist reads its rows' set three times or more (the count, the page, the date
drill-down's first and last date), and each time PostgreSQL would join the branches again
(about 15 ms each for the 5,000 bookings of 2,000 customers named "Chen"). So when a term goes
through another table, the matches are read once, in the one query of the branches: their keys
and the values the list needs of them (SearchMatches: the date drill-down's field, the fields of
a split order). The changelist counts them, bounds its dates and orders its page from that
(pagination.py, identity/templatetags/staff_panel_list.py) and reads the page's rows by key; the
list's queryset is narrowed to the keys (`pk = ANY(array)`) for whatever else uses it (actions,
a column header's order). Past MATERIALIZED_CAP matches, the keys stay a subquery.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Lookup, Q
from django.utils.text import smart_split, unescape_string_literal

# At most this many matches are read into the request (past it the keys stay a subquery).
MATERIALIZED_CAP = 20_000


class _AnyOf(Lookup):
    """`lhs = ANY(%s)` with one array parameter: one placeholder, not one per key as IN has."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", (*lhs_params, list(self.rhs))


def _lookup(model: type[models.Model], field_name: str) -> str:
    """The ORM lookup Django's admin uses for a search field (ModelAdmin.get_search_results)."""
    for prefix, lookup in (("^", "istartswith"), ("=", "iexact"), ("@", "search")):
        if field_name.startswith(prefix):
            return f"{field_name.removeprefix(prefix)}__{lookup}"
    opts, previous = model._meta, None
    for part in field_name.split("__"):
        try:
            field = opts.get_field(opts.pk.name if part == "pk" else part)
        except FieldDoesNotExist:
            if previous is not None and previous.get_lookup(part):
                return field_name  # an explicit lookup ("stripe_payment_id__exact")
            raise
        previous = field
        if hasattr(field, "path_infos"):
            opts = field.path_infos[-1].to_opts
    return f"{field_name}__icontains"


def _relation_of(model: type[models.Model], lookup: str) -> str:
    """The relation path a lookup goes through ("customer" for customer__email__icontains)."""
    parts, relations, opts = lookup.split("__"), [], model._meta
    for part in parts:
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            break
        if not field.is_relation:
            break
        relations.append(part)
        opts = field.related_model._meta
    return "__".join(relations)


@dataclass(frozen=True)
class SearchMatches:
    """The rows a search found, read once: (key, *values of `fields`) each, in no order.

    `base` is the list's queryset before the search (scope and filters): the page's rows are
    read from it by key.
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    rows: list[tuple]
    base: models.QuerySet

    def values(self, field: str) -> list:
        index = self.fields.index(field) + 1
        return [row[index] for row in self.rows]


def indexed_search(queryset: models.QuerySet, search_fields, search_term: str) -> models.QuerySet:
    """`queryset` narrowed to the rows matching every term of `search_term` (see the module)."""
    return search_with_matches(queryset, search_fields, search_term)[0]


def search_with_matches(
    queryset: models.QuerySet, search_fields, search_term: str, fields: tuple[str, ...] = ()
) -> tuple[models.QuerySet, SearchMatches | None]:
    """indexed_search, and the matches read once when a term went through another table."""
    narrowed, joined = _narrowed(queryset, search_fields, search_term)
    if not joined:
        return narrowed, None
    rows = list(narrowed.order_by().values_list("pk", *fields)[: MATERIALIZED_CAP + 1])
    if len(rows) > MATERIALIZED_CAP:
        return narrowed, None
    matches = SearchMatches(queryset.model, fields, rows, queryset)
    if not rows:
        return queryset.none(), matches
    return queryset.filter(_AnyOf(F("pk"), [row[0] for row in rows])), matches


def _narrowed(queryset: models.QuerySet, search_fields, search_term: str) -> tuple[models.QuerySet, bool]:
    """The queryset with a condition per term; whether any went through another table."""
    model, joined = queryset.model, False
    lookups = [_lookup(model, str(field)) for field in search_fields]
    by_relation: dict[str, list[str]] = {}
    for lookup in lookups:
        by_relation.setdefault(_relation_of(model, lookup), []).append(lookup)
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        conditions = [
            Q.create([(lookup, bit) for lookup in group], connector=Q.OR) for group in by_relation.values()
        ]
        if len(conditions) == 1 and "" in by_relation:
            queryset = queryset.filter(conditions[0])  # the listed table only: its own bitmap OR
            continue
        branches = [model._base_manager.filter(condition).order_by().values("pk") for condition in conditions]
        matching = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
        queryset = queryset.filter(pk__in=matching)
        joined = True
    return queryset, joined


MATCHES_ATTRIBUTE = "staff_search_matches"  # on the request: the changelist's SearchMatches


def search_matches(request, model: type[models.Model]) -> SearchMatches | None:
    """The matches this request's search of `model`'s list read, if it read them."""
    matches = getattr(request, MATCHES_ATTRIBUTE, None)
    return matches if matches is not None and matches.model is model else None


class IndexedSearchMixin:
    """ModelAdmin.get_search_results through indexed_search (mixed into StationScopedAdmin).

    search_match_fields: values read with the matches' keys besides the date drill-down's field
    (the bookings list: its split order's date and slot).
    """

    search_match_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        setattr(request, MATCHES_ATTRIBUTE, None)  # no matches of an earlier search linger
        if not (search_fields and search_term):
            return queryset, False
        fields = tuple(
            dict.fromkeys(
                (*([self.date_hierarchy] if self.date_hierarchy else []), *self.search_match_fields)
            )
        )
        narrowed, matches = search_with_matches(queryset, search_fields, search_term, fields)
        setattr(request, MATCHES_ATTRIBUTE, matches)
        return narrowed, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The changelist makes its paginator right after its search: the count and a split
        # order's page come from the matches (pagination.py).
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        paginator.matches = search_matches(request, self.model)
        return paginator
