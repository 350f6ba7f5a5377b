"""Trigram indexes for the staff panel's search box (identity/staff_panel/search.py).

Django writes `icontains`, `istartswith` and `iexact` as UPPER("column"::text) LIKE/=
UPPER(...). A GIN index with pg_trgm's `gin_trgm_ops` on that same expression answers all
three (a substring anywhere, not only a prefix) without reading the table; pg_trgm is created
with the schemas (kernel/db/schemas.py).
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Upper


def trigram_index(field: str, name: str) -> GinIndex:
    """The index a search field's case-insensitive lookups use (for a model's Meta.indexes)."""
    return GinIndex(OpClass(Upper(Cast(field, models.TextField())), name="gin_trgm_ops"), name=name)
