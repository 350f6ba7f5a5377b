from django.db.backends.postgresql.schema import DatabaseSchemaEditor
from django.db.backends.utils import split_identifier


class SchemaAwareSchemaEditor(DatabaseSchemaEditor):
    """Index DDL that names the index by its schema.

    An index lives in its table's schema, but Django drops and renames it by its bare name
    ("DROP INDEX IF EXISTS name"), which PostgreSQL looks up on search_path: for a table in
    an app schema it finds nothing and, thanks to IF EXISTS, reports success.
    """

    def _qualified_index_name(self, model, name: str) -> str:
        schema, _ = split_identifier(model._meta.db_table)
        if not schema:
            return self.quote_name(name)
        return f"{self.quote_name(schema)}.{self.quote_name(name)}"

    def _delete_index_sql(self, model, name, sql=None, concurrently=False):
        statement = super()._delete_index_sql(model, name, sql, concurrently=concurrently)
        statement.parts["name"] = self._qualified_index_name(model, name)
        return statement

    def _rename_index_sql(self, model, old_name, new_name):
        statement = super()._rename_index_sql(model, old_name, new_name)
        statement.parts["old_name"] = self._qualified_index_name(model, old_name)
        return statement
