"""The audit trail cannot be emptied: the database refuses TRUNCATE on both audit tables (the
owner included), the application's restricted role may only read and insert the audit log, and
only the flush of a test database (a superuser's) empties them."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from audit.actor import Actor
from audit.models import AuditLog, SecurityEvent
from audit.services import audit_log_write, security_event_record

pytestmark = pytest.mark.django_db


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError:
        return True
    return False


def _write_rows() -> None:
    audit_log_write(actor=Actor.system(), action="test.write", resource_type="test", resource_id="1")
    security_event_record(type=SecurityEvent.Type.TOKEN_INVALID)


@pytest.mark.parametrize("table", ['"audit"."audit_logs"', '"audit"."security_events"'])
def test_the_database_refuses_truncate_on_the_audit_tables_even_to_their_owner(table):
    _write_rows()

    assert _refused(f"TRUNCATE {table}")
    assert AuditLog.objects.exists() and SecurityEvent.objects.exists()


def test_the_flush_of_a_test_database_still_empties_the_audit_tables():
    _write_rows()
    tables = ['audit"."audit_logs', 'audit"."security_events']

    with transaction.atomic():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        assert not AuditLog.objects.exists() and not SecurityEvent.objects.exists()


def test_the_application_role_reads_and_inserts_the_audit_log_and_can_neither_change_nor_drop_it():
    # Given the application's role, granted what `manage.py db_app_role` prints
    role = f"mh_app_{uuid.uuid4().hex[:8]}"
    out = io.StringIO()
    call_command("db_app_role", role, stdout=out)
    _write_rows()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(out.getvalue())
        cursor.execute(f'SET ROLE "{role}"')
    try:
        # Then it writes the audit trail as the services do, and reads it
        audit_log_write(actor=Actor.system(), action="test.as_app", resource_type="test", resource_id="2")
        assert AuditLog.objects.filter(action="test.as_app").exists()
        security_event_record(type=SecurityEvent.Type.TOKEN_INVALID)
        # And it can change no audit row, nor empty, alter or drop the tables
        for sql in (
            'UPDATE "audit"."audit_logs" SET reason = \'x\'',
            'DELETE FROM "audit"."audit_logs"',
            'TRUNCATE "audit"."audit_logs"',
            'DELETE FROM "audit"."security_events"',
            'ALTER TABLE "audit"."audit_logs" DISABLE TRIGGER USER',
            'DROP TABLE "audit"."audit_logs"',
            "SET session_replication_role = replica",
        ):
            assert _refused(sql), sql
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
