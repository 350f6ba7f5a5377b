"""ON DELETE rules enforced by PostgreSQL itself.

Django 5.2 emulates on_delete in Python and creates every foreign key with no database
action. docs/business-rules.md asks the database to enforce RESTRICT, SET NULL and CASCADE too (a raw
DELETE, another client, a data fix). This migration operation replaces the constraint Django
made with one carrying the rule. A later AlterField of the same column recreates Django's
plain constraint, so such a migration must repeat this operation (a test checks pg_constraint).
"""

from django.db import migrations


def _replace_fk_sql(table: str, column: str, references: str, rule: str | None) -> str:
    qualified = f'"{table}"'
    on_delete = f" ON DELETE {rule}" if rule else ""
    constraint = f"fk_{table.split('.')[-1].strip(chr(34))}_{column}"
    return f"""
DO $$
DECLARE existing text;
BEGIN
    FOR existing IN
        SELECT con.conname FROM pg_constraint con
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND con.conrelid = to_regclass('{qualified}') AND att.attname = '{column}'
    LOOP
        EXECUTE format('ALTER TABLE {qualified} DROP CONSTRAINT %I', existing);
    END LOOP;
END $$;
ALTER TABLE {qualified} ADD CONSTRAINT "{constraint}" FOREIGN KEY ("{column}")
    REFERENCES "{references}" ("id"){on_delete} DEFERRABLE INITIALLY DEFERRED;
"""


class SetOnDelete(migrations.RunSQL):
    """Give the foreign key `table.column -> references.id` the database rule `rule`."""

    def __init__(self, table: str, column: str, references: str, rule: str):
        self.table, self.column, self.references, self.rule = table, column, references, rule
        super().__init__(
            sql=_replace_fk_sql(table, column, references, rule),
            reverse_sql=_replace_fk_sql(table, column, references, None),
        )

    def deconstruct(self):
        return self.__class__.__name__, [self.table, self.column, self.references, self.rule], {}

    def describe(self) -> str:
        return f"ON DELETE {self.rule} for {self.table}.{self.column}"
