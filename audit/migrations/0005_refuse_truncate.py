from django.db import migrations

# Row triggers (0002) refuse UPDATE and DELETE on the audit log; TRUNCATE fires no row
# trigger, so a statement trigger refuses it on both audit tables. Resetting a test database
# (flush) runs with session_replication_role = replica, which only a superuser may set
# (kernel/db/operations.py); the application's role can do neither.
SQL = """
CREATE OR REPLACE FUNCTION audit.refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit.% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_logs_no_truncate
    BEFORE TRUNCATE ON audit.audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_truncate();
CREATE TRIGGER security_events_no_truncate
    BEFORE TRUNCATE ON audit.security_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_truncate();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS audit_logs_no_truncate ON audit.audit_logs;
DROP TRIGGER IF EXISTS security_events_no_truncate ON audit.security_events;
DROP FUNCTION IF EXISTS audit.refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_security_event_count")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
