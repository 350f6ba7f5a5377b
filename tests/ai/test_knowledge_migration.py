"""The data migration that converts the first seed's knowledge (typed prices) to placeholders."""

import importlib

import pytest
from django.apps import apps

from ai.engine.knowledge import knowledge_body_errors
from ai.models import Knowledge

pytestmark = pytest.mark.django_db
migration = importlib.import_module("ai.migrations.0006_knowledge_placeholders")


def test_an_unedited_seeded_entry_becomes_its_placeholder_version():
    old_title, old_body, new_title, _category, new_body = next(
        row for row in migration.CONVERSIONS if row[0] == "Cancellation policy"
    )
    Knowledge.objects.create(title=old_title, body=old_body, category="policy")

    migration.convert(apps, None)

    entry = Knowledge.objects.get()
    assert (entry.title, entry.body) == (new_title, new_body)
    assert knowledge_body_errors(entry.body) == []


def test_an_entry_staff_edited_is_left_alone():
    Knowledge.objects.create(title="Gratuity", body="Tips are welcome.", category="pricing")

    migration.convert(apps, None)

    assert Knowledge.objects.get().body == "Tips are welcome."
