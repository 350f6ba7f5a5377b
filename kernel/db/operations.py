from django.db.backends.postgresql.operations import DatabaseOperations


class SchemaAwareOperations(DatabaseOperations):
    def for_update_sql(self, nowait=False, skip_locked=False, of=(), no_key=False):
        """FOR UPDATE OF names a table as FROM does, unqualified: `"ops"."chefs"` → `"chefs"`.

        PostgreSQL refuses a schema-qualified name there, so select_for_update(of=...) on a
        table in an app schema would fail without this.
        """
        unqualified = [name.rsplit(".", 1)[-1] if name.startswith('"') else name for name in of]
        return super().for_update_sql(nowait=nowait, skip_locked=skip_locked, of=unqualified, no_key=no_key)
