"""Contact details in a conversation create or update a lead (source chat), linked to the conversation."""

import pytest

from ai.models import Conversation
from audit.actor import Actor
from audit.models import AuditLog
from core.hooks import BookingCreated, booking_created
from core.models import Customer
from core.services.bookings import booking_create
from crm.models import Lead
from leads.models import LeadContact, LeadContext, LeadEvent
from tests.core.conftest import booking_request
from tests.core.factories import BookingFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_an_email_in_the_chat_creates_a_chat_lead_with_the_party_context(chat):
    conversation = chat()
    conversation.say("Quote for 10 adults and 2 kids in 94539 on June 14 please")

    reply = conversation.say("I'm Dana, dana@example.com")

    assert reply["lead"] == {"created": True}
    lead = Lead.objects.get()
    assert (lead.source, lead.first_name) == ("chat", "Dana")
    assert LeadContact.objects.get(lead=lead).handle_or_address == "dana@example.com"
    context = LeadContext.objects.get(lead=lead)
    assert (context.party_adults, context.party_kids, context.zip_code) == (10, 2, "94539")
    assert str(context.event_date) == "2027-06-14"
    assert LeadEvent.objects.filter(lead=lead, event_type=LeadEvent.Type.INQUIRY).exists()
    assert Conversation.objects.get().lead == lead


def test_the_same_person_in_a_second_chat_updates_their_open_lead(chat):
    chat().say("my email is dana@example.com")

    reply = chat().say("Dana again: dana@example.com, now for 15 adults")

    assert reply["lead"] == {"created": False}
    assert Lead.objects.count() == 1
    assert LeadContext.objects.get().party_adults == 15
    assert set(Conversation.objects.values_list("lead", flat=True)) == {Lead.objects.get().pk}


def test_messages_without_new_contacts_leave_the_lead_alone(chat):
    conversation = chat()
    conversation.say("dana@example.com")

    reply = conversation.say("what's included in the meal?")

    assert reply["lead"] is None
    assert LeadEvent.objects.filter(event_type=LeadEvent.Type.INQUIRY).count() == 1


def test_a_chat_never_overwrites_a_customers_stored_details(chat):
    customer = CustomerFactory(first_name="Ada", email="ada@example.com", phone="+15105550142")

    chat().say("I'm Eve, ada@example.com, call me on 408 555 0000")

    customer.refresh_from_db()
    assert (customer.first_name, customer.phone) == ("Ada", "+15105550142")
    assert Customer.objects.count() == 1


def test_the_conversation_is_linked_to_the_customer_once_its_lead_converted(chat):
    conversation = chat()
    conversation.say("ann@example.com")
    customer = CustomerFactory(email="ann@example.com")
    Lead.objects.update(customer=customer, status=Lead.Status.CONVERTED)

    conversation.say("thanks!")

    assert Conversation.objects.get().customer == customer


def test_a_booking_links_the_customers_chats_to_them(chat):
    chat().say("I'm Ann, ann@example.com")
    customer = CustomerFactory(email="ann@example.com")

    booking_created.send(BookingCreated(booking=BookingFactory(customer=customer), customer=customer))

    assert Conversation.objects.get().customer == customer
    assert AuditLog.objects.filter(action="conversation.link_customer").count() == 1


def test_a_booking_from_the_chats_email_converts_its_lead_then_links_the_chat_after_commit(
    chat, django_capture_on_commit_callbacks
):
    # Given a chat that gave an email (a chat lead) from someone not yet a customer
    chat().say("I'm Ann, ann@example.com")
    lead = Lead.objects.get()

    # When Ann books with that email
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            request=booking_request(customer={"first_name": "Ann", "email": "ann@example.com"}),
            actor=Actor.customer(label="website"),
        )
        # (nothing of it inside the booking's transaction)
        assert Conversation.objects.get().customer is None

    # Then, once it committed, core's follow-up task converted the lead and linked the chat
    lead.refresh_from_db()
    assert (lead.status, lead.customer_id) == (Lead.Status.CONVERTED, booking.customer_id)
    assert Conversation.objects.get().customer_id == booking.customer_id
    assert AuditLog.objects.filter(action="conversation.link_customer").count() == 1
