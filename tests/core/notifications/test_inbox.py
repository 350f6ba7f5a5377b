"""The two-way inbox: a text that needs staff alerts the station's staff once and waits on the
dashboard; staff reply by email or SMS (with consent and the STOP text); replying clears the wait."""

import pytest

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Message, MessageThread, Notification
from core.selectors import waiting_threads
from core.services.messaging import thread_reply
from kernel.errors import ServiceError
from tests.core.factories import BookingFactory, CustomerFactory
from tests.core.notifications import test_inbound_sms as inbound
from tests.identity.factories import UserFactory, UserRoleFactory
from tests.staff_panel import change_url, client_for, messages_of, post_action

pytestmark = pytest.mark.django_db

PHONE = inbound.PHONE
# The inbound webhook's fixtures: a customer at PHONE, and texts(body) posting as Twilio does.
customer = inbound.customer
texts = inbound.texts


@pytest.fixture
def station_staff(station):
    """A station manager of the customer's station."""
    return UserRoleFactory(station=station, user=UserFactory(email="manager@myhibachi.test")).user


@pytest.fixture
def booked(customer, station):
    BookingFactory(customer=customer, station=station)
    return customer


def staff_alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind=Notification.Kind.STAFF_MESSAGE_WAITING))


def test_a_text_needing_staff_alerts_the_stations_staff_once(texts, booked, station_staff, mailoutbox):
    texts("Can we add two more guests?")
    texts("Also, is parking ok?")  # still waiting: no second alert

    [alert] = staff_alerts()
    assert alert.status == Notification.Status.SENT
    [email] = [m for m in mailoutbox if "waiting" in m.subject]
    assert "manager@myhibachi.test" in email.to and "ops@myhibachi.test" in email.to
    assert "Can we add two more guests?" in email.body
    assert waiting_threads().count() == 1


def test_staff_reply_by_sms_ends_with_stop_is_in_the_thread_audited_and_clears_the_wait(
    texts,
    booked,
    sms_outbox,
    django_capture_on_commit_callbacks,
):
    texts("Can we add two more guests?")
    thread = MessageThread.objects.get(customer=booked)
    staff = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        message = thread_reply(
            thread=thread, body="Yes, up to 14 is fine!", actor=Actor.staff(staff), channel="sms"
        )

    [text] = [sms for sms in sms_outbox if "14 is fine" in sms.body]
    assert text.to == PHONE and text.body.endswith("Reply STOP to opt out.")
    message.refresh_from_db()
    assert message.thread == thread and message.direction == Message.Direction.OUTBOUND
    assert message.status == Message.Status.SENT and message.provider_id
    thread.refresh_from_db()
    assert thread.status == MessageThread.Status.OPEN
    assert waiting_threads().count() == 0
    assert AuditLog.objects.filter(action="message_thread.reply", resource_id=str(thread.pk)).exists()


def test_the_next_text_after_a_reply_alerts_again(texts, booked, django_capture_on_commit_callbacks):
    texts("First question")
    thread = MessageThread.objects.get(customer=booked)
    with django_capture_on_commit_callbacks(execute=True):
        thread_reply(thread=thread, body="Answer", actor=Actor.system(), channel="email")
    texts("Second question")

    assert len(staff_alerts()) == 2


def test_an_sms_reply_needs_the_customers_consent(station):
    stopped = CustomerFactory(sms_consent=False)
    thread = MessageThread.objects.create(customer=stopped, channel=MessageThread.Channel.SMS)

    with pytest.raises(ServiceError) as refused:
        thread_reply(thread=thread, body="Hello", actor=Actor.system(), channel="sms")

    assert "reply by email" in refused.value.message
    assert not Message.objects.filter(thread=thread).exists()


def test_an_email_reply_goes_to_the_customer_with_their_name(
    station, mailoutbox, django_capture_on_commit_callbacks
):
    ada = CustomerFactory(first_name="Ada", email="ada@example.com")
    thread = MessageThread.objects.create(customer=ada, channel=MessageThread.Channel.EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        thread_reply(
            thread=thread, body="Your chef is confirmed.", subject="Your party", actor=Actor.system()
        )

    [email] = mailoutbox
    assert email.to == ["ada@example.com"] and email.subject == "Your party"
    assert "Hi Ada," in email.body and "Your chef is confirmed." in email.body


def test_staff_reply_from_the_admin_and_the_dashboard_counts_what_waits(
    texts,
    booked,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    from identity.models import User

    texts("Is 6pm ok?")
    admin = UserFactory(email="boss@myhibachi.test", is_staff=True, is_superuser=True)
    client = client_for(admin.email)
    assert "<strong>1</strong>" in client.get("/admin/").content.decode()
    thread = MessageThread.objects.get(customer=booked)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(
            client,
            MessageThread,
            "reply",
            [thread],
            {"channel": "email", "subject": "", "body": "6pm works."},
        )

    assert any("Replied to" in message for message in messages_of(response))
    assert any("6pm works." in m.body for m in mailoutbox)
    assert "<strong>0</strong>" in client.get("/admin/").content.decode()
    assert User.objects.filter(email=admin.email).exists()
    assert client.get(change_url(thread)).status_code == 200


def test_staff_of_another_station_cannot_reply(texts, booked, django_capture_on_commit_callbacks):
    from tests.identity.factories import SacramentoStationFactory

    texts("Is 6pm ok?")
    thread = MessageThread.objects.get(customer=booked)
    other = UserRoleFactory(
        station=SacramentoStationFactory(), user=UserFactory(email="sac@myhibachi.test")
    ).user

    with django_capture_on_commit_callbacks(execute=True):
        reply = {"channel": "email", "subject": "", "body": "Sure."}
        post_action(client_for(other.email), MessageThread, "reply", [thread], reply)

    assert not Message.objects.filter(thread=thread, direction=Message.Direction.OUTBOUND).exists()
    thread.refresh_from_db()
    assert thread.status == MessageThread.Status.NEEDS_ATTENTION
