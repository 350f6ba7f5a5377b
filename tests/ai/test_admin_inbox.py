"""The staff panel: the conversations inbox, answering, taking over, and the knowledge base."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from ai.models import Conversation, Knowledge, Message
from ai.services import conversation_start
from ai.tokens import conversation_token
from audit.actor import Actor
from audit.models import AuditLog
from identity.models import Station
from tests.staff_panel import CHEF, SUPPORT, change_url, changelist_url, client_for, demo_database

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


def web_conversation() -> Conversation:
    return conversation_start(
        channel="web", actor=Actor.customer(), station=Station.objects.get(code="CA-FREMONT-001")
    )


def test_the_inbox_lists_escalated_conversations_first(demo_data, db):
    response = client_for(SUPPORT).get(changelist_url(Conversation))

    statuses = [row.status for row in response.context["cl"].result_list]
    assert statuses == sorted(statuses, key=["escalated", "active", "closed"].index)
    assert statuses[0] == "escalated"


def test_a_conversations_page_shows_the_transcript_facts_and_reply_box(demo_data, db):
    conversation = Conversation.objects.filter(status="escalated").first()

    response = client_for(SUPPORT).get(change_url(conversation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Transcript" in page and "What the assistant understood" in page
    assert 'id="staff-reply-form"' in page
    assert escape(conversation.messages.order_by("created_at").first().content[:30]) in page


def test_a_staff_reply_reaches_the_widgets_transcript_and_is_audited(demo_data, db, api_client):
    conversation = web_conversation()

    response = client_for(SUPPORT).post(
        reverse("admin:ai_conversation_reply", args=[conversation.pk]),
        {"content": "Hi, Sam from My Hibachi here."},
    )

    assert response.status_code == 302
    transcript = api_client.get(f"/api/v1/assistant/conversations/{conversation_token(conversation)}/").json()
    assert transcript["messages"][-1] == {
        **transcript["messages"][-1],
        "role": "staff",
        "content": "Hi, Sam from My Hibachi here.",
    }
    assert (
        AuditLog.objects.get(action="conversation.staff_reply", resource_id=str(conversation.pk)).actor_label
        == SUPPORT
    )


def test_taking_over_silences_the_assistant_and_handing_back_resumes_it(demo_data, db, api_client):
    conversation = web_conversation()
    client = client_for(SUPPORT)
    url = f"/api/v1/assistant/conversations/{conversation_token(conversation)}/messages/"

    client.post(reverse("admin:ai_conversation_operate", args=[conversation.pk, "take_over"]))
    silent = api_client.post(url, {"content": "what's included?"}, format="json").json()
    client.post(reverse("admin:ai_conversation_operate", args=[conversation.pk, "hand_back"]))
    answered = api_client.post(url, {"content": "what's included?"}, format="json").json()

    assert silent["reply"]["sources"] == [] and "with our team" in silent["reply"]["content"]
    assert answered["reply"]["sources"] == ["Menu: proteins and what every meal includes"]
    actions = list(
        AuditLog.objects.filter(resource_id=str(conversation.pk))
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["conversation.take_over", "conversation.hand_back"]


def test_a_chef_cannot_answer_customers(demo_data, db):
    conversation = web_conversation()

    response = client_for(CHEF).post(
        reverse("admin:ai_conversation_reply", args=[conversation.pk]), {"content": "hello"}
    )

    assert response.status_code == 403
    assert not Message.objects.filter(conversation=conversation, role="staff").exists()


def test_the_knowledge_admin_refuses_a_typed_price(demo_data, db, admin_client):
    entry = Knowledge.objects.get(title="Gratuity and tips")
    client = client_for("super_admin@myhibachi.test")

    response = client.post(
        change_url(entry),
        {"title": entry.title, "category": entry.category, "body": "Adults are $55 each.", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Do not type prices" in response.content.decode()
    entry.refresh_from_db()
    assert "$55" not in entry.body


def test_trying_a_question_shows_which_entry_answers_and_how_sure(demo_data, db):
    response = client_for(SUPPORT).get(reverse("admin:ai_knowledge_try"), {"question": "what if it rains?"})

    assert response.status_code == 200
    first = response.context["hits"][0]
    assert first["hit"].title == "Rain, weather and indoor events" and first["hit"].confidence > 0.5
    assert "{" not in first["answer"]
