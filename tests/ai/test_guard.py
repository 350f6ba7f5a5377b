"""The guard: a reply whose figures are not in the recorded tool results is never sent."""

import pytest

from ai.engine.base import Draft, Turn
from ai.engine.guard import guard_check
from ai.engine.rules import RulesEngine
from ai.models import Conversation, Message
from ai.services import conversation_message_receive, conversation_start
from audit.actor import Actor

pytestmark = pytest.mark.django_db

QUOTE_CALL = {
    "tool": "quote",
    "args": {"party_adults": 10, "zip_code": "94539"},
    "result": {"total_cents": 61000, "deposit_cents": 10000, "lines": [{"quantity": 10, "unit_cents": 5500}]},
}


class LyingEngine(RulesEngine):
    """The rules engine, but it writes the total as $599 (the engines say $610)."""

    name = "liar"

    def respond(self, turn: Turn) -> Draft:
        draft = super().respond(turn)
        draft.content = draft.content.replace("$610", "$599")
        return draft


class DateInventingEngine(RulesEngine):
    name = "date-inventor"

    def respond(self, turn: Turn) -> Draft:
        draft = super().respond(turn)
        draft.content += " We also have a chef on July 9, 2027 at 3:00 PM."
        return draft


def test_figures_from_the_recorded_results_pass():
    verdict = guard_check("For 10 adults the total is $610; the deposit is $100.", [QUOTE_CALL])

    assert verdict.passed


@pytest.mark.parametrize(
    ("text", "unsupported"),
    [
        ("The total is $510.", "$510.00"),
        ("For 11 adults the total is $610.", "11"),
        ("See you on June 14, 2027.", "2027-06-14"),
        ("Your chef arrives at 4:00 PM.", "16:00"),
    ],
)
def test_a_figure_no_tool_returned_fails(text, unsupported):
    verdict = guard_check(text, [QUOTE_CALL])

    assert not verdict.passed and unsupported in verdict.unsupported


def test_money_typed_in_a_text_result_does_not_allow_an_amount():
    knowledge = {"tool": "knowledge_search", "args": {}, "result": [{"answer": "Adults are $60."}]}

    assert not guard_check("Adults are $60.", [knowledge]).passed


def _conversation() -> Conversation:
    return conversation_start(channel="web", actor=Actor.customer())


def test_a_lying_engines_reply_is_not_sent_and_the_conversation_escalates(fremont):
    conversation = _conversation()

    exchange = conversation_message_receive(
        conversation=conversation,
        content="How much for 10 adults and 2 kids in 94539?",
        actor=Actor.customer(),
        engine=LyingEngine(),
    )

    assert "$599" not in exchange.reply_content and "$610" not in exchange.reply_content
    assert exchange.escalation == "low_confidence"
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.ESCALATED
    stored = Message.objects.filter(conversation=conversation, role="assistant").exclude(metadata={}).get()
    assert stored.metadata["guard"]["passed"] is False
    assert "$599.00" in stored.metadata["guard"]["unsupported"]
    assert "$599" in stored.metadata["guard"]["withheld"]  # kept for staff, never shown


def test_an_invented_date_is_caught_too(fremont):
    exchange = conversation_message_receive(
        conversation=_conversation(),
        content="Are you available March 20?",
        actor=Actor.customer(),
        engine=DateInventingEngine(),
    )

    assert exchange.escalation == "low_confidence" and "July" not in exchange.reply_content


def test_every_reply_of_the_rules_engine_records_the_tool_calls_it_was_checked_against(chat):
    chat().say("How much for 10 adults in 94539 on March 20?")

    stored = Message.objects.filter(role="assistant").exclude(metadata={}).get()
    assert stored.metadata["guard"] == {"passed": True, "unsupported": []}
    assert {call["tool"] for call in stored.metadata["tool_calls"]} >= {"facts", "quote"}


class BrokenEngine(RulesEngine):
    def respond(self, turn: Turn) -> Draft:
        raise ZeroDivisionError("a defect")


def test_an_engine_defect_hands_the_conversation_to_a_person_rather_than_failing(fremont):
    exchange = conversation_message_receive(
        conversation=_conversation(), content="hello", actor=Actor.customer(), engine=BrokenEngine()
    )

    assert exchange.escalation == "low_confidence" and "team" in exchange.reply_content
