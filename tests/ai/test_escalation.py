"""Escalation (DOMAIN.md): a person takes over on each listed reason; staff are alerted once."""

import dataclasses

import pytest

from ai.models import Conversation
from audit.models import AuditLog
from core.models import Notification
from identity.models import Role
from tests.identity.factories import RoleFactory, UserFactory, UserRoleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Can I talk to a real person please?", "human_requested"),
        ("The chef showed up two hours late and the food was cold. Very disappointed.", "complaint"),
        ("This is ridiculous, nobody answered my emails", "complaint"),
        ("I want a refund for my deposit", "refund"),
        ("Can I get 10% off if I book two events?", "discount"),
        ("Do you have any discount or promo code?", "discount"),
        ("It's a company holiday party for our employees", "corporate"),
    ],
)
def test_each_listed_reason_escalates_with_that_reason(chat, message, reason):
    reply = chat().say(message)

    assert reply["status"] == "escalated" and reply["escalation"] == {"reason": reason}
    assert Conversation.objects.get().escalation_reason == reason


def test_thirty_guests_counting_kids_and_toddlers_is_a_large_party(chat):
    reply = chat().say("We'll be 20 adults, 6 kids and 4 toddlers")

    assert reply["escalation"] == {"reason": "large_party"}


def test_twenty_nine_guests_is_not_a_large_party(chat):
    reply = chat().say("We'll be 20 adults, 6 kids and 3 toddlers")

    assert reply["escalation"] is None and reply["status"] == "active"


def test_the_large_party_threshold_comes_from_the_booking_policy(chat, monkeypatch):
    from ai.engine import rules as rules_module
    from ops.policy import DEFAULT_BOOKING_RULES

    monkeypatch.setattr(
        rules_module,
        "booking_rules",
        lambda station: dataclasses.replace(DEFAULT_BOOKING_RULES, staff_party_size=12),
    )

    reply = chat().say("We're 12 adults")

    assert reply["escalation"] == {"reason": "large_party"}


def test_a_zip_code_beyond_the_stations_reach_is_outside_the_service_area(chat, fixed_distance):
    fixed_distance("180")  # the station travels up to 150 miles, by the distance engine

    reply = chat().say("How much for 10 adults in 96001?")

    assert reply["escalation"] == {"reason": "outside_service_area"}
    assert reply["quote"] is None


def test_a_question_nothing_answers_escalates_with_low_confidence(chat):
    reply = chat().say("xqzt blorf wibble?")

    assert reply["escalation"] == {"reason": "low_confidence"}


def test_escalating_says_so_kindly_and_alerts_the_stations_staff_once(chat, mailoutbox):
    conversation = chat()

    reply = conversation.say("I want to speak to a manager")
    conversation.say("hello? anyone?")

    assert "team" in reply["reply"]["content"] and "within the hour" in reply["reply"]["content"]
    alerts = Notification.objects.filter(kind=Notification.Kind.STAFF_ASSISTANT_ESCALATION)
    assert alerts.count() == 1 and alerts.get().status == Notification.Status.SENT
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ops@myhibachi.test"]
    assert "Asked for a person" in mailoutbox[0].subject
    assert AuditLog.objects.filter(action="conversation.escalate").count() == 1


def test_an_escalated_conversation_gets_no_automated_answers(chat):
    conversation = chat()
    conversation.say("Let me talk to a human")

    reply = conversation.say("How much for 10 adults in 94539?")

    assert reply["quote"] is None and reply["status"] == "escalated"
    assert "with our team" in reply["reply"]["content"]
    assert Conversation.objects.get().messages.filter(role="assistant").count() == 2  # greeting, escalation


def test_a_refund_policy_question_is_answered_not_escalated(chat):
    reply = chat().say("What's your refund policy if I cancel?")

    assert reply["escalation"] is None
    assert reply["reply"]["sources"] == ["Cancellation and refund policy"]


def test_the_alert_goes_to_the_stations_staff_but_not_its_chefs(chat, fremont, mailoutbox):
    UserRoleFactory(user=UserFactory(email="manager@myhibachi.test"), station=fremont)
    UserRoleFactory(
        user=UserFactory(email="chef.user@myhibachi.test"),
        role=RoleFactory(name=Role.Name.CHEF, tier=1),
        station=fremont,
    )

    chat().say("I want a refund")

    assert sorted(mailoutbox[0].to) == ["manager@myhibachi.test", "ops@myhibachi.test"]
