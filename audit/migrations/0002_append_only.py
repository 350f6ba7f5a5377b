from django.db import migrations

# The audit trail is append-only: the database itself refuses UPDATE and DELETE on it.
# (TRUNCATE, used to reset test databases, fires no row triggers.)
SQL = """
CREATE OR REPLACE FUNCTION audit.refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit.audit_logs is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_logs_append_only
    BEFORE UPDATE OR DELETE ON audit.audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_audit_change();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS audit_logs_append_only ON audit.audit_logs;
DROP FUNCTION IF EXISTS audit.refuse_audit_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
