"""An availability answer for a person whose contact the assistant knows is a checked_availability step
on their lead (through leads' task, by name: ai never imports leads)."""

import pytest

from crm.models import Lead
from leads.models import LeadEvent

pytestmark = pytest.mark.django_db

CHECKED = LeadEvent.Type.CHECKED_AVAILABILITY


def test_an_availability_answer_in_a_chat_with_an_email_records_checked_availability_on_the_lead(chat):
    conversation = chat()
    conversation.say("I'm Dana, dana@example.com")

    reply = conversation.say("Is June 14 available?")

    assert reply["availability"]
    lead = Lead.objects.get()
    event = LeadEvent.objects.get(lead=lead, event_type=CHECKED)
    assert event.payload["via"] == "assistant"
    assert event.payload["date"] == "2027-06-14"
    assert event.payload["conversation"] == str(lead.conversations.get().pk)


def test_contact_and_availability_question_in_one_message_record_checked_availability(chat):
    chat().say("Is June 14 available? I'm Dana, dana@example.com")

    assert LeadEvent.objects.filter(lead=Lead.objects.get(), event_type=CHECKED).count() == 1


def test_an_availability_answer_without_an_email_or_phone_records_no_funnel_event(chat):
    reply = chat().say("Is June 14 available?")

    assert reply["availability"]
    assert not Lead.objects.exists()
    assert not LeadEvent.objects.filter(event_type=CHECKED).exists()


def test_a_chat_answer_that_checks_no_availability_records_no_checked_availability(chat):
    conversation = chat()
    conversation.say("I'm Dana, dana@example.com")

    reply = conversation.say("what's included in the meal?")

    assert reply["availability"] is None
    assert not LeadEvent.objects.filter(event_type=CHECKED).exists()
