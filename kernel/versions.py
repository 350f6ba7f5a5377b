"""Shared version tokens: how a process knows, with one cache read, that rows it keeps changed.

A process that keeps a copy of rows that seldom change (the pricing catalogue) or an answer
built from rows (a station's availability) tags the copy with the version token it read
before reading the rows. Every write to those rows bumps the token in the shared cache (Redis
in production) twice: at once, so that the writing transaction's own later reads and any
process that looks meanwhile stop trusting their copies, and again after the commit, so that a
copy another process rebuilt from the not-yet-committed state is retired too. A copy is used
only while its token equals the cache's.

A missing token (the cache was cleared, or Redis is away) is replaced by a fresh one; when
the cache cannot keep it either, `version_read` returns None and callers rebuild every time:
slower, never stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import models, transaction

_KEY = "version:{name}"

# The rows the pricing catalogue (pricing/catalogue.py) is read from: stations, their travel
# fee configurations, pricing policies, menu and add-on items. Named here because stations
# live below pricing (identity) and bump it too.
CATALOGUE = "catalogue"


def _new_token() -> str:
    return uuid.uuid4().hex


def version_read(name: str) -> str | None:
    """The current token of `name` (one cache GET), or None when the cache cannot keep one."""
    key = _KEY.format(name=name)
    token = cache.get(key)
    if token is None:
        token = _new_token()
        if not cache.add(key, token, timeout=None):
            token = cache.get(key)
    return token


def versions_read(names: Iterable[str]) -> dict[str, str | None]:
    """The tokens of several names in one round trip (missing ones are created, as above)."""
    names = list(names)
    keys = {_KEY.format(name=name): name for name in names}
    found = cache.get_many(list(keys))
    tokens = {keys[key]: token for key, token in found.items()}
    for name in names:
        if tokens.get(name) is None:
            tokens[name] = version_read(name)
    return tokens


def _bump_now(names: tuple[str, ...]) -> None:
    cache.set_many({_KEY.format(name=name): _new_token() for name in names}, timeout=None)


def version_bump(*names: str) -> None:
    """Retire every copy tagged with the current tokens of `names`: now, and after the commit."""
    if not names:
        return
    _bump_now(names)
    transaction.on_commit(lambda: _bump_now(names))


class VersionBumpingQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes (update, bulk_create, bulk_update, delete) bump a version.

    Model signals cover save() and delete() of one row; these cover the writes that send no
    signal (a data migration's or the seed's bulk insert, an admin bulk update).
    A subclass names its version in `version_name`.
    """

    version_name = ""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        version_bump(self.version_name)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        version_bump(self.version_name)
        return created

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        version_bump(self.version_name)
        return rows

    def delete(self):
        deleted = super().delete()
        version_bump(self.version_name)
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]
