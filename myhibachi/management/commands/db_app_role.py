"""Print the SQL that gives the application's database role what it needs, and no more.

Production runs migrations as the role that owns the tables, and the web, worker and beat
processes as another role that only reads and writes rows: it cannot alter, drop or truncate
any table, and on the audit log it may only read and insert. Run the output once as the owner
(after the first `migrate`; the default privileges cover tables that later migrations add):

    manage.py db_app_role myhibachi_app | psql "$OWNER_DATABASE_URL"
"""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# What the application may not do to the audit trail (the database refuses TRUNCATE to anyone).
AUDIT_REVOKES = (
    ('REVOKE UPDATE, DELETE, TRUNCATE ON "audit"."audit_logs" FROM {role};'),
    ('REVOKE DELETE, TRUNCATE ON "audit"."security_events" FROM {role};'),
)


def app_role_sql(role: str) -> list[str]:
    """The statements, for a role that already exists (CREATE ROLE ... LOGIN PASSWORD ...)."""
    if not ROLE_NAME.match(role):
        raise ValueError("A role name is lower-case letters, digits and underscores.")
    quoted = f'"{role}"'
    schemas = ["public", *sorted(set(settings.APP_SCHEMAS.values()))]
    statements: list[str] = []
    rows = "SELECT, INSERT, UPDATE, DELETE"
    for schema in schemas:
        name = f'"{schema}"'
        statements += [
            f"GRANT USAGE ON SCHEMA {name} TO {quoted};",
            f"GRANT {rows} ON ALL TABLES IN SCHEMA {name} TO {quoted};",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {name} TO {quoted};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {name} GRANT {rows} ON TABLES TO {quoted};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {name} GRANT USAGE, SELECT ON SEQUENCES TO {quoted};",
        ]
    statements += [revoke.format(role=quoted) for revoke in AUDIT_REVOKES]
    return statements


class Command(BaseCommand):
    help = "Print the GRANTs of the application's database role (run them as the tables' owner)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The application's role, e.g. myhibachi_app.")

    def handle(self, *args, role: str, **options):
        try:
            statements = app_role_sql(role)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(statements))
