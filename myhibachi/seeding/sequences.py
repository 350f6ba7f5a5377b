"""Numbers from a PostgreSQL sequence, for seed rows that are numbered like real ones (receipts)."""

from django.db import connection


def next_values(sequence: str, count: int) -> list[int]:
    """`count` fresh numbers of the sequence (schema-qualified name, e.g. "core.receipt_numbers")."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]
