"""A conversation belongs to its station: a customer who books at another station gets another
thread there, and each station's staff keep reading their own history and only theirs."""

import pytest

from core.models import Booking, Customer, Message, MessageThread
from core.services.messaging import sms_inbound_receive, thread_for_customer
from tests.core.factories import BookingFactory
from tests.identity.staff import MANAGER_FREMONT, MANAGER_SACRAMENTO, admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def fremont_conversation(demo):
    """A Fremont customer's SMS thread about their Fremont booking, with a message in it."""
    customer = (
        Customer.objects.filter(bookings__station=demo.fremont).exclude(phone="").order_by("email").first()
    )
    booking = Booking.objects.filter(customer=customer, station=demo.fremont).first()
    thread = thread_for_customer(customer=customer, channel=MessageThread.Channel.SMS, booking=booking)
    message = Message.objects.create(
        thread=thread, channel="sms", direction=Message.Direction.OUTBOUND, body="See you Saturday!"
    )
    return customer, thread, message


def test_a_booking_at_another_station_opens_a_thread_there_and_leaves_the_first_where_it_was(
    demo, fremont_conversation
):
    customer, fremont_thread, _message = fremont_conversation

    sacramento_booking = BookingFactory(customer=customer, station=demo.sacramento)
    sacramento_thread = thread_for_customer(
        customer=customer, channel=MessageThread.Channel.SMS, booking=sacramento_booking
    )

    fremont_thread.refresh_from_db()
    assert sacramento_thread.pk != fremont_thread.pk
    assert fremont_thread.station_id == demo.fremont.pk
    assert fremont_thread.booking.station_id == demo.fremont.pk
    assert sacramento_thread.station_id == demo.sacramento.pk


def test_each_station_reads_its_own_conversation_and_not_the_others(demo, login, fremont_conversation):
    customer, fremont_thread, message = fremont_conversation
    sacramento_booking = BookingFactory(customer=customer, station=demo.sacramento)
    thread_for_customer(customer=customer, channel=MessageThread.Channel.SMS, booking=sacramento_booking)

    fremont, sacramento = login(MANAGER_FREMONT), login(MANAGER_SACRAMENTO)

    assert fremont.get(admin_url(MessageThread, "change", fremont_thread.pk)).status_code == 200
    assert fremont.get(admin_url(Message, "change", message.pk)).status_code == 200
    assert sacramento.get(admin_url(MessageThread, "change", fremont_thread.pk)).status_code == 404
    assert sacramento.get(admin_url(Message, "change", message.pk)).status_code == 404


def test_a_text_from_the_customer_lands_in_the_thread_they_wrote_in_last(demo, fremont_conversation):
    customer, fremont_thread, _message = fremont_conversation

    sms_inbound_receive(
        from_phone=customer.phone, body="What time does the chef arrive?", provider_id="SM-T1"
    )

    assert Message.objects.filter(thread=fremont_thread, direction=Message.Direction.INBOUND).exists()
