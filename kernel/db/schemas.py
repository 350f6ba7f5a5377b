"""Creating each app's schema (and the extensions the project needs) before any table."""

from django.conf import settings
from django.db import migrations

EXTENSIONS = ("pg_trgm",)


def _create_schema_sql(schema: str) -> str:
    return f'CREATE SCHEMA IF NOT EXISTS "{schema}"'


class CreateSchema(migrations.RunSQL):
    """First operation of an app's first migration: its schema, idempotently."""

    def __init__(self, schema: str):
        self.schema = schema
        super().__init__(sql=_create_schema_sql(schema), reverse_sql=migrations.RunSQL.noop)

    def deconstruct(self):
        return self.__class__.__name__, [self.schema], {}

    def describe(self) -> str:
        return f"Create schema {self.schema}"


def ensure_schemas_before_migrate(sender, using, **kwargs) -> None:
    """pre_migrate hook: test runs that skip migrations still need the schemas."""
    from django.db import connections

    statements = [_create_schema_sql(schema) for schema in sorted(set(settings.APP_SCHEMAS.values()))]
    statements += [f'CREATE EXTENSION IF NOT EXISTS "{name}"' for name in EXTENSIONS]
    with connections[using].cursor() as cursor:
        cursor.execute(";\n".join(statements))
