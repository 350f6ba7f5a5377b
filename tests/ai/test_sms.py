"""Texts to the assistant: on with ASSISTANT_SMS, through core's inbound SMS hook."""

import pytest

from ai.models import Conversation
from ai.services import conversation_staff_reply
from audit.actor import Actor
from core.models import Notification
from core.services.messaging import InboundOutcome, sms_inbound_receive
from crm.models import Lead
from tests.core.factories import CustomerFactory

pytestmark = pytest.mark.django_db
PHONE = "+15105550142"
STAFF = Actor.system(label="support@myhibachi.test")


@pytest.fixture
def text(fremont, django_capture_on_commit_callbacks):
    def send(body: str, *, phone: str = PHONE) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return sms_inbound_receive(from_phone=phone, body=body, provider_id="")

    return send


def test_with_assistant_sms_on_a_customers_text_is_answered_by_text(text, settings, sms_outbox):
    settings.ASSISTANT_SMS = True
    customer = CustomerFactory(phone=PHONE, sms_consent=True, sms_consent_text="I agree")

    outcome = text("How much for 10 adults in 94539?")

    assert outcome == InboundOutcome.FLAGGED  # core still flags the thread for staff
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.phone, conversation.customer) == ("sms", PHONE, customer)
    assert len(sms_outbox) == 1 and sms_outbox[0].to == PHONE
    assert "$550" in sms_outbox[0].body  # 10 adults at $55, from the quote engine
    assert Notification.objects.get(kind=Notification.Kind.ASSISTANT_REPLY).status == "sent"


def test_the_next_text_continues_the_same_conversation(text, settings):
    settings.ASSISTANT_SMS = True
    CustomerFactory(phone=PHONE, sms_consent=True, sms_consent_text="I agree")
    text("Quote for 10 adults")

    text("zip 94539")

    conversation = Conversation.objects.get()
    assert conversation.facts["party_adults"] == 10 and conversation.facts["zip_code"] == "94539"


def test_a_customer_without_sms_consent_gets_no_text(text, settings, sms_outbox):
    settings.ASSISTANT_SMS = True
    CustomerFactory(phone=PHONE, sms_consent=False)

    text("What's included?")

    assert Conversation.objects.get().messages.filter(role="assistant").count() == 2
    assert sms_outbox == []


def test_an_unknown_number_gets_a_conversation_and_an_sms_lead_but_no_text(text, settings, sms_outbox):
    settings.ASSISTANT_SMS = True

    text("Hi, do you cater in Fremont?")

    conversation = Conversation.objects.get()
    assert conversation.customer is None and conversation.lead == Lead.objects.get(source="sms")
    assert sms_outbox == []


def test_with_assistant_sms_off_texts_do_not_reach_the_assistant(text, settings):
    settings.ASSISTANT_SMS = False
    CustomerFactory(phone=PHONE, sms_consent=True, sms_consent_text="I agree")

    text("How much for 10 adults?")

    assert not Conversation.objects.exists()


def test_keywords_never_reach_the_assistant(text, settings):
    settings.ASSISTANT_SMS = True
    CustomerFactory(phone=PHONE, sms_consent=True, sms_consent_text="I agree")

    text("STOP")

    assert not Conversation.objects.exists()


def test_a_staff_reply_in_an_sms_conversation_is_texted_to_the_customer(
    text, settings, sms_outbox, django_capture_on_commit_callbacks
):
    settings.ASSISTANT_SMS = True
    CustomerFactory(phone=PHONE, sms_consent=True, sms_consent_text="I agree")
    text("Can I talk to a person?")
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        conversation_staff_reply(
            conversation=Conversation.objects.get(), content="Hi, this is Sam. Calling you now.", actor=STAFF
        )

    assert [sent.body for sent in sms_outbox] == [
        "My Hibachi: Hi, this is Sam. Calling you now. Reply STOP to opt out."
    ]
