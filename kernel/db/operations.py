from django.db.backends.postgresql.operations import DatabaseOperations


class SchemaAwareOperations(DatabaseOperations):
    def for_update_sql(self, nowait=False, skip_locked=False, of=(), no_key=False):
        """FOR UPDATE OF names a table as FROM does, unqualified: `"ops"."chefs"` → `"chefs"`.

        PostgreSQL refuses a schema-qualified name there, so select_for_update(of=...) on a
        table in an app schema would fail without this.
        """
        unqualified = [name.rsplit(".", 1)[-1] if name.startswith('"') else name for name in of]
        return super().for_update_sql(nowait=nowait, skip_locked=skip_locked, of=unqualified, no_key=no_key)

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """Empty the tables with their triggers off: append-only tables refuse TRUNCATE.

        `flush` (between transactional tests, or `manage.py flush`) is the one reset that may
        empty them. session_replication_role = replica keeps ordinary triggers from firing; only
        a superuser may set it (the test database's owner is one; the application's role is
        not). One string per statement, so that the setting holds for that statement alone,
        in autocommit (an implicit transaction) as inside a transaction.
        """
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return [
            f"SET LOCAL session_replication_role = replica; {statement.rstrip(';')}; "
            "SET LOCAL session_replication_role = DEFAULT;"
            for statement in statements
        ]
