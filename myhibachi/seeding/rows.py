"""Creating seed rows that are missing, found by a natural key, in two queries per table."""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

# Demo rows that have no natural key get a fixed id derived from a name, so that a second
# run finds them (uuid5 is deterministic).
DEMO_NAMESPACE = uuid.UUID("6d1f7c2e-4b8a-5e39-9a57-2f0c3b8e4d61")


def demo_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{name}")


@dataclass
class SeedReport:
    """What a seed run wrote, per model label: rows created, updated and deleted."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)

    def lines(self) -> list[str]:
        out = []
        for label in sorted(set(self.created) | set(self.updated) | set(self.deleted)):
            parts = [
                f"{count} {verb}"
                for verb, count in (
                    ("created", self.created[label]),
                    ("updated", self.updated[label]),
                    ("deleted", self.deleted[label]),
                )
                if count
            ]
            if parts:
                out.append(f"  {label}: {', '.join(parts)}")
        return out


def _key_of(instance: models.Model, key: Sequence[str]) -> tuple:
    return tuple(getattr(instance, attname) for attname in key)


def ensure_log_rows(model: type[M], rows: Sequence[M], *, report: SeedReport) -> None:
    """Insert the append-only log rows (audit, security events) whose fixed id is missing, with
    the `created_at` they carry: the time the demo's step happened.

    `created_at` is auto_now_add, which a normal insert stamps with now; these rows are inserted
    raw, as `loaddata` inserts fixtures, so that the history keeps its dates.
    """
    existing = set(
        model._default_manager.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True)
    )
    missing = [row for row in rows if row.pk not in existing]
    if missing:
        model._base_manager._insert(missing, fields=model._meta.concrete_fields, raw=True)
        report.created[model._meta.label] += len(missing)


def ensure_rows(
    model: type[M], rows: Iterable[M], *, key: Sequence[str], report: SeedReport
) -> dict[tuple, M]:
    """Insert the unsaved `rows` whose key is not in the table yet; leave existing rows untouched.

    `key` names the natural key by attribute names (`role_id`, not `role`). Returns every
    row, existing or new, by its key tuple. A key of None matches NULL.
    """
    wanted = {_key_of(row, key): row for row in rows}
    if not wanted:
        return {}
    if len(key) == 1:
        (attname,) = key
        values = {values[0] for values in wanted}
        query = models.Q(**{f"{attname}__in": values - {None}})
        if None in values:
            query |= models.Q(**{f"{attname}__isnull": True})
    else:
        query = reduce(or_, (models.Q(**dict(zip(key, values, strict=True))) for values in wanted))
    found = {_key_of(row, key): row for row in model._default_manager.filter(query)}
    missing = [row for values, row in wanted.items() if values not in found]
    if missing:
        model._default_manager.bulk_create(missing)
        report.created[model._meta.label] += len(missing)
    return {values: found.get(values, row) for values, row in wanted.items()}


def ensure_row(model: type[M], row: M, *, key: Sequence[str], report: SeedReport) -> M:
    return ensure_rows(model, [row], key=key, report=report)[_key_of(row, key)]


def by_id(model: type[M], rows: list[M], report: SeedReport) -> list[M]:
    """ensure_rows keyed by the rows' (fixed demo) ids; the rows in the order given."""
    found = ensure_rows(model, rows, key=("id",), report=report)
    return [found[(row.id,)] for row in rows]
