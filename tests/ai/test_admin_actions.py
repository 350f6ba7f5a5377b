"""The staff panel's conversation action: mark handled, through the admin."""

import pytest

from ai.models import Conversation
from audit.models import AuditLog
from tests.staff_panel import CHEF, SUPPORT, client_for, demo_database, messages_of, post_action

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


def escalated() -> Conversation:
    return Conversation.objects.get(escalation_reason__startswith="Refund request")


def test_support_marks_an_escalated_conversation_handled(demo_data, db):
    conversation = escalated()

    response = post_action(client_for(SUPPORT), Conversation, "mark_handled", [conversation])

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED and conversation.handled_at
    assert messages_of(response) == [f"Marked conversation {str(conversation.pk)[:8]} handled."]
    audit = AuditLog.objects.get(resource_id=str(conversation.pk), action="conversation.mark_handled")
    assert (audit.actor_label, audit.before["status"], audit.after["status"]) == (
        SUPPORT,
        "escalated",
        "closed",
    )


def test_marking_a_handled_conversation_again_changes_nothing(demo_data, db):
    conversation = escalated()
    client = client_for(SUPPORT)
    post_action(client, Conversation, "mark_handled", [conversation])
    conversation.refresh_from_db()
    handled_at = conversation.handled_at

    post_action(client, Conversation, "mark_handled", [conversation])

    conversation.refresh_from_db()
    assert conversation.handled_at == handled_at
    assert (
        AuditLog.objects.filter(resource_id=str(conversation.pk), action="conversation.mark_handled").count()
        == 1
    )


def test_a_chef_cannot_mark_conversations_handled(demo_data, db):
    conversation = escalated()

    post_action(client_for(CHEF), Conversation, "mark_handled", [conversation])

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.ESCALATED
