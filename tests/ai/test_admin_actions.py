"""The staff panel's conversation actions (ai/admin/actions.py), through the admin: each one with
its permission, from the changelist and from the conversation's own page."""

import pytest
from django.urls import reverse

from ai.models import Conversation, Message
from ai.services import conversation_start
from audit.actor import Actor
from audit.models import AuditLog
from identity.models import Station
from tests.staff_panel import (
    CHEF,
    MANAGER_SACRAMENTO,
    SUPPORT,
    change_url,
    client_for,
    demo_database,
    messages_of,
    post_action,
)

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


# --- Every declared action (ai/admin/actions.py), from the list and from the conversation's page


def web_conversation() -> Conversation:
    return conversation_start(
        channel="web", actor=Actor.customer(), station=Station.objects.get(code="CA-FREMONT-001")
    )


def test_support_takes_over_and_hands_back_from_the_list(demo_data, db):
    conversation = web_conversation()
    client = client_for(SUPPORT)
    label = f"conversation {str(conversation.pk)[:8]}"

    taken = post_action(client, Conversation, "take_over", [conversation])
    conversation.refresh_from_db()
    assert conversation.taken_over_at is not None
    assert messages_of(taken) == [f"Took over {label}: you answer now, the assistant is silent."]

    handed = post_action(client, Conversation, "hand_back", [conversation])
    conversation.refresh_from_db()
    assert conversation.taken_over_at is None and conversation.status == Conversation.Status.ACTIVE
    assert messages_of(handed) == [f"Handed {label} back to the assistant."]
    assert list(
        AuditLog.objects.filter(resource_id=str(conversation.pk), actor_label=SUPPORT)
        .order_by("created_at")
        .values_list("action", flat=True)
    ) == ["conversation.take_over", "conversation.hand_back"]


def test_a_reply_from_the_list_asks_for_its_text_then_sends_it(demo_data, db):
    conversation = web_conversation()
    client = client_for(SUPPORT)

    asked = post_action(client, Conversation, "reply", [conversation])
    sent = post_action(client, Conversation, "reply", [conversation], form={"content": "Hello from Sam."})

    assert asked.status_code == 200 and "content" in asked.context["form"].fields
    assert "The customer reads it in the chat." in asked.content.decode()
    assert Message.objects.filter(conversation=conversation, role="staff").get().content == "Hello from Sam."
    assert messages_of(sent) == [
        f"Reply sent in conversation {str(conversation.pk)[:8]}; "
        "the customer sees it where they wrote (the chat, or by text)."
    ]


def test_a_reply_goes_to_exactly_one_conversation(demo_data, db):
    first, second = web_conversation(), web_conversation()

    response = post_action(
        client_for(SUPPORT), Conversation, "reply", [first, second], form={"content": "To both?"}
    )

    assert messages_of(response) == ["Select exactly one conversation."]
    assert not Message.objects.filter(conversation__in=[first, second], role="staff").exists()


def test_a_closed_conversation_refuses_a_take_over_with_a_message(demo_data, db):
    conversation = escalated()
    client = client_for(SUPPORT)
    post_action(client, Conversation, "mark_handled", [conversation])

    response = post_action(client, Conversation, "take_over", [conversation])

    conversation.refresh_from_db()
    assert conversation.taken_over_at is None
    assert messages_of(response) == [f"conversation {str(conversation.pk)[:8]}: This conversation is closed."]


def test_a_chef_is_offered_no_conversation_action(demo_data, db):
    conversation = web_conversation()

    for action in ("take_over", "hand_back", "reply"):
        post_action(client_for(CHEF), Conversation, action, [conversation], form={"content": "hi"})

    conversation.refresh_from_db()
    assert conversation.taken_over_at is None
    assert not Message.objects.filter(conversation=conversation, role="staff").exists()


def test_the_pages_buttons_run_the_declared_actions_and_return_to_the_page(demo_data, db):
    conversation = web_conversation()
    client = client_for(SUPPORT)

    response = client.post(
        reverse("admin:ai_conversation_operate", args=[conversation.pk, "mark_handled"]), follow=True
    )

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED
    assert response.redirect_chain[-1][0] == change_url(conversation)
    assert messages_of(response) == [f"Marked conversation {str(conversation.pk)[:8]} handled."]


def test_an_empty_reply_from_the_page_shows_the_form_with_its_error_and_sends_nothing(demo_data, db):
    conversation = web_conversation()

    response = client_for(SUPPORT).post(
        reverse("admin:ai_conversation_reply", args=[conversation.pk]), {"content": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"content": ["This field is required."]}
    assert not Message.objects.filter(conversation=conversation, role="staff").exists()


def test_the_pages_actions_are_posted_never_fetched_and_unknown_ones_are_404(demo_data, db):
    conversation = web_conversation()
    client = client_for(SUPPORT)

    fetched = client.get(reverse("admin:ai_conversation_operate", args=[conversation.pk, "take_over"]))
    unknown = client.post(reverse("admin:ai_conversation_operate", args=[conversation.pk, "delete_all"]))

    assert (fetched.status_code, unknown.status_code) == (405, 404)
    conversation.refresh_from_db()
    assert conversation.taken_over_at is None


def test_staff_of_another_station_cannot_act_on_a_conversation_from_its_page(demo_data, db):
    conversation = web_conversation()  # at Fremont

    response = client_for(MANAGER_SACRAMENTO).post(
        reverse("admin:ai_conversation_operate", args=[conversation.pk, "take_over"])
    )

    # Outside their stations, as everywhere in the staff panel: a 404 that reveals nothing.
    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.taken_over_at is None
