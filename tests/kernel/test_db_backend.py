"""Regression tests for the schema-aware backend (CONVENTIONS.md "PostgreSQL schemas")."""

import pytest
from django.apps import apps
from django.apps.registry import Apps
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.db import connection, models

from ai.models import Conversation
from ai.models import Message as AiMessage
from core.models import Booking
from core.models import Message as CoreMessage
from tests.core.factories import BookingFactory, CustomerFactory, MessageFactory

pytestmark = pytest.mark.django_db


def _project_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)}


def test_introspection_sees_every_schema_table():
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))

    missing = _project_tables() - existing
    assert not missing, f"introspection does not see: {sorted(missing)}"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_every_schema_table():
    # Given rows in tables of several schemas, two of them named "messages"
    MessageFactory()
    AiMessage.objects.create(conversation=Conversation.objects.create(), role="user", content="hi")

    # When the database is flushed the way transactional tests reset it
    statements = sql_flush(no_style(), connection, allow_cascade=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

    # Then every project table is empty
    flushed = " ".join(statements)
    for table in ('"core"."messages"', '"ai"."messages"', '"core"."customers"', '"audit"."audit_logs"'):
        assert table in flushed
    for model in apps.get_models():
        assert not model.objects.exists(), f"{model._meta.db_table} still has rows"


def test_constraint_introspection_reads_schema_tables():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, 'core"."bookings')

    assert "check_party_adults_positive" in constraints
    assert "ix_core_bookings_chef_slot_unique" in constraints
    assert "idx_booking_date_slot_active" in constraints


def test_tables_with_the_same_name_in_two_schemas_are_kept_apart():
    core_message = MessageFactory(body="from core")
    ai_message = AiMessage.objects.create(
        conversation=Conversation.objects.create(), role="user", content="from ai"
    )

    assert list(CoreMessage.objects.values_list("body", flat=True)) == ["from core"]
    assert list(AiMessage.objects.values_list("content", flat=True)) == ["from ai"]
    with connection.cursor() as cursor:
        core_columns = {
            c.name for c in connection.introspection.get_table_description(cursor, 'core"."messages')
        }
        ai_columns = {c.name for c in connection.introspection.get_table_description(cursor, 'ai"."messages')}
    assert "body" in core_columns and "body" not in ai_columns
    assert "content" in ai_columns and "content" not in core_columns
    assert core_message.pk != ai_message.pk


def _index_names(table: str) -> set[str]:
    schema, name = table.split('"."')
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s", [schema, name]
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_migration_that_drops_a_unique_constraint_or_an_index_really_drops_them():
    # Given a table in an app schema with a unique column and an indexed column
    class Probe(models.Model):
        code = models.CharField(max_length=10, unique=True)
        label = models.CharField(max_length=10, db_index=True)

        class Meta:
            apps = Apps()  # a private registry: the probe never joins the project's models
            app_label = "core"
            db_table = 'core"."zz_probe'

    with connection.schema_editor() as editor:
        editor.create_model(Probe)
    before = _index_names('core"."zz_probe')
    assert any("code" in name for name in before)
    assert any("label" in name for name in before)

    # When migrations drop the unique constraint and the index
    old_code, old_label = Probe._meta.get_field("code"), Probe._meta.get_field("label")
    new_code = models.CharField(max_length=10)
    new_code.set_attributes_from_name("code")
    new_label = models.CharField(max_length=10)
    new_label.set_attributes_from_name("label")
    with connection.schema_editor() as editor:
        editor.alter_field(Probe, old_code, new_code, strict=True)
        editor.alter_field(Probe, old_label, new_label, strict=True)

    # Then the database really lost them (stock introspection would silently keep them)
    after = _index_names('core"."zz_probe')
    assert not any("code" in name or "label" in name for name in after), after
    with connection.schema_editor() as editor:
        editor.delete_model(Probe)


def test_customers_and_schema_tables_live_in_their_schemas():
    CustomerFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core.customers")
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename IN ('customers', 'bookings')"
        )
        assert cursor.fetchone()[0] == 0


def test_select_for_update_of_a_table_in_an_app_schema_works():
    booking = BookingFactory()

    locked = list(
        Booking.objects.select_related("station")
        .select_for_update(of=("self", "station"))
        .filter(pk=booking.pk)
    )

    assert locked == [booking]
