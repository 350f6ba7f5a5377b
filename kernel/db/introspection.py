import re

from django.conf import settings
from django.db.backends.postgresql.introspection import DatabaseIntrospection, TableInfo

# Django's PostgreSQL introspection finds a table with
# "<alias>.relname = %s ... pg_catalog.pg_table_is_visible(<alias>.oid)". We swap that for
# "<alias>.oid = to_regclass(%s)" and pass the quoted qualified name, which resolves a
# schema-qualified name exactly and an unqualified one through search_path as before.
_VISIBLE_BY_NAME = re.compile(
    r"(?P<alias>\w+)\.relname = %s(?P<between>.*?)"
    r"pg_catalog\.pg_table_is_visible\((?P=alias)\.oid\)",
    re.DOTALL,
)


class _RegclassCursor:
    def __init__(self, cursor):
        self._cursor = cursor
        self.rewrites = 0

    def execute(self, sql, params=None):
        sql, count = _VISIBLE_BY_NAME.subn(r"\g<alias>.oid = to_regclass(%s)\g<between>TRUE", sql)
        self.rewrites += count
        return self._cursor.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def check(self) -> None:
        if not self.rewrites:
            # Fail loudly if a Django upgrade changes the SQL, instead of silently
            # introspecting only the public schema again.
            raise RuntimeError("Schema-aware introspection no longer matches Django's SQL.")


class SchemaAwareIntrospection(DatabaseIntrospection):
    def get_table_list(self, cursor):
        """Tables on search_path by their plain name, app-schema tables as 'schema"."table'."""
        cursor.execute(
            """
            SELECT
                CASE WHEN pg_catalog.pg_table_is_visible(c.oid) THEN c.relname
                     ELSE n.nspname || '"."' || c.relname END,
                CASE
                    WHEN c.relispartition THEN 'p'
                    WHEN c.relkind IN ('m', 'v') THEN 'v'
                    ELSE 't'
                END,
                obj_description(c.oid, 'pg_class')
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
                AND (pg_catalog.pg_table_is_visible(c.oid) OR n.nspname = ANY(%s))
            """,
            [sorted(set(settings.APP_SCHEMAS.values()))],
        )
        return [TableInfo(*row) for row in cursor.fetchall() if row[0] not in self.ignored_tables]

    def _qualified(self, table_name: str) -> str:
        return self.connection.ops.quote_name(table_name)

    def get_table_description(self, cursor, table_name):
        cursor = _RegclassCursor(cursor)
        description = super().get_table_description(cursor, self._qualified(table_name))
        cursor.check()
        return description

    def get_sequences(self, cursor, table_name, table_fields=()):
        cursor = _RegclassCursor(cursor)
        sequences = super().get_sequences(cursor, self._qualified(table_name))
        cursor.check()
        for sequence in sequences:
            sequence["table"] = table_name
        return sequences

    def get_constraints(self, cursor, table_name):
        cursor = _RegclassCursor(cursor)
        constraints = super().get_constraints(cursor, self._qualified(table_name))
        cursor.check()
        return constraints
