"""Customers' contact details: docs/business-rules.md "Customers and contact details".

An unverified public form never overwrites what is stored on an existing customer and never
grants consent for a number the customer has not confirmed; the contact given with a booking
is that booking's day-of contact; the customer changes their stored details through the link
emailed to them; staff can, audited.
"""

import pytest

from audit.models import AuditLog
from core.models import Booking, Customer, Notification
from core.notifications import render
from core.services.messaging import booking_sms_phone, notifications_claim_for_booking
from core.services.messaging.inbound_sms import sms_inbound_receive
from core.tokens import manage_token_for
from tests.core.conftest import event_date
from tests.core.factories import BookingFactory, CustomerFactory
from tests.core.test_api_bookings import body
from tests.ops.factories import ChefFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "bookings": "1000/min",
        "manage": "1000/min",
        "public": "1000/min",
    }


@pytest.fixture
def victim(db) -> Customer:
    return CustomerFactory(
        email="victim@example.com",
        first_name="Vera",
        last_name="Stored",
        phone="+14085550111",
        sms_consent=False,
    )


def _attacker_body():
    return body(
        customer={
            "email": "VICTIM@example.com",
            "first_name": "Someone",
            "last_name": "Else",
            "phone": "+14085550100",
            "sms_consent": True,
            "email_consent": True,
        }
    )


def test_an_unverified_booking_form_never_overwrites_a_stored_customer_or_grants_consent(
    station, chef, api_client, victim
):
    # Given a stored customer; when someone books anonymously with their email and other details
    response = api_client.post("/api/v1/bookings/", _attacker_body(), format="json")

    # Then the booking is made for that customer, whose stored record is untouched
    assert response.status_code == 201, response.content
    victim.refresh_from_db()
    assert (victim.first_name, victim.last_name, victim.phone) == ("Vera", "Stored", "+14085550111")
    assert not victim.sms_consent and victim.sms_consent_at is None
    assert not victim.email_consent
    assert not AuditLog.objects.filter(
        resource_id=str(victim.pk), action__startswith="customer.update"
    ).exists()
    # And what the form gave is the booking's day-of contact
    booking = Booking.objects.get(reference=response.json()["reference"])
    assert booking.customer_id == victim.pk
    assert (booking.contact_first_name, booking.contact_last_name) == ("Someone", "Else")
    assert booking.contact_phone == "+14085550100" and booking.contact_sms_consent


def test_texts_about_a_booking_go_to_its_day_of_contact_and_never_to_another_bookings_contact(
    station, chef, api_client, victim
):
    # Given the victim's own booking (they consented to texts at their stored number) and one
    # made by someone else with the victim's email and another phone
    Customer.objects.filter(pk=victim.pk).update(sms_consent=True)
    own = BookingFactory(station=station, customer=victim, date=event_date(20))
    response = api_client.post("/api/v1/bookings/", _attacker_body(), format="json")
    other = Booking.objects.get(reference=response.json()["reference"])

    # Then the victim's booking texts their stored phone, the other booking its day-of phone
    assert booking_sms_phone(Booking.objects.get(pk=own.pk)) == "+14085550111"
    assert booking_sms_phone(other) == "+14085550100"
    claimed = notifications_claim_for_booking(
        booking=Booking.objects.get(pk=own.pk), kind=Notification.Kind.EVENT_REMINDER_48H, occurrence="x"
    )
    assert {(n.channel, n.recipient) for n in claimed} == {("email", victim.email), ("sms", "+14085550111")}


def test_a_day_of_number_without_consent_gets_no_texts_even_when_the_customer_has_consented(station, victim):
    Customer.objects.filter(pk=victim.pk).update(sms_consent=True)
    booking = BookingFactory(station=station, customer=victim, contact_phone="+14085550100")

    assert booking_sms_phone(Booking.objects.select_related("customer").get(pk=booking.pk)) == ""


def test_stop_from_a_day_of_contact_number_stops_that_bookings_texts(station, victim):
    booking = BookingFactory(
        station=station, customer=victim, contact_phone="+14085550100", contact_sms_consent=True
    )

    sms_inbound_receive(from_phone="+14085550100", body="STOP", provider_id="SM1")

    booking.refresh_from_db()
    assert not booking.contact_sms_consent
    assert AuditLog.objects.filter(
        action="booking.contact_sms_consent_revoke", resource_id=str(booking.pk)
    ).exists()


def test_only_emails_to_the_customer_carry_the_link_that_may_change_their_contact(station, victim):
    booking = BookingFactory(station=station, customer=victim)
    email = Notification(kind=Notification.Kind.BOOKING_CONFIRMED, channel="email", booking=booking)
    text = Notification(kind=Notification.Kind.BOOKING_CONFIRMED, channel="sms", booking=booking)

    emailed_url = render.notification_context(email)["booking"]["manage_url"]
    texted_url = render.notification_context(text)["booking"]["manage_url"]

    assert emailed_url.endswith(manage_token_for(booking, emailed=True))
    assert texted_url.endswith(manage_token_for(booking))


def test_a_customer_changes_their_stored_contact_through_the_emailed_link_audited_with_consent_text(
    station, api_client, victim
):
    booking = BookingFactory(station=station, customer=victim)
    token = manage_token_for(booking, emailed=True)

    response = api_client.patch(
        f"/api/v1/bookings/manage/{token}/contact/",
        {"first_name": "Vera", "last_name": "Newname", "phone": "(408) 555-0199", "sms_consent": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "+14085550199" and response.json()["sms_consent"] is True
    victim.refresh_from_db()
    assert (victim.last_name, victim.phone, victim.sms_consent) == ("Newname", "+14085550199", True)
    assert victim.sms_consent_at is not None and "text messages" in victim.sms_consent_text
    audit = AuditLog.objects.get(action="customer.update_contact", resource_id=str(victim.pk))
    assert audit.before["last_name"] == "Stored" and audit.after["last_name"] == "Newname"
    assert audit.actor_type == "customer"


def test_the_token_the_booking_form_answers_with_cannot_change_the_customers_contact(
    station, chef, api_client, victim
):
    # Given the manage token handed to whoever filled in the form with the victim's email
    token = api_client.post("/api/v1/bookings/", _attacker_body(), format="json").json()["manage_token"]

    # When they try to change the stored phone with it
    response = api_client.patch(
        f"/api/v1/bookings/manage/{token}/contact/",
        {"phone": "+14085550100", "sms_consent": True},
        format="json",
    )

    # Then it is refused, and the customer is unchanged
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "emailed_link_required"
    victim.refresh_from_db()
    assert victim.phone == "+14085550111" and not victim.sms_consent


def test_a_new_phone_number_needs_sms_consent_again(station, api_client, victim):
    Customer.objects.filter(pk=victim.pk).update(sms_consent=True)
    booking = BookingFactory(station=station, customer=victim)
    token = manage_token_for(booking, emailed=True)

    response = api_client.patch(
        f"/api/v1/bookings/manage/{token}/contact/", {"phone": "4085550199"}, format="json"
    )

    assert response.status_code == 200, response.content
    victim.refresh_from_db()
    assert victim.phone == "+14085550199" and not victim.sms_consent


def test_consent_to_texts_without_a_phone_is_refused_with_the_field(station, api_client):
    customer = CustomerFactory(phone="")
    token = manage_token_for(BookingFactory(station=station, customer=customer), emailed=True)

    response = api_client.patch(
        f"/api/v1/bookings/manage/{token}/contact/", {"sms_consent": True}, format="json"
    )

    assert response.status_code == 400
    assert "customer.phone" in response.json()["error"]["fields"]


def test_a_second_booking_from_the_same_form_data_keeps_the_customer_as_first_created(station, api_client):
    ChefFactory.create_batch(2, station=station)
    first = api_client.post("/api/v1/bookings/", body(), format="json")
    again = api_client.post(
        "/api/v1/bookings/",
        body(slot="12:00", customer={"last_name": "Changed", "phone": "+14085550100"}),
        format="json",
    )

    assert first.status_code == again.status_code == 201
    customer = Customer.objects.get()
    assert (customer.last_name, customer.phone) == ("Lovelace", "+15105550142")


def test_staff_change_a_customers_stored_phone_in_the_staff_panel_audited(demo, login):
    from tests.identity.staff import MANAGER_FREMONT, admin_url, form_data

    customer = demo.row(Customer, "fremont")
    client = login(MANAGER_FREMONT)
    data = form_data(client.get(admin_url(Customer, "change", customer.pk)))
    data["phone"] = "+14085550177"

    response = client.post(admin_url(Customer, "change", customer.pk), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.phone == "+14085550177"
    audit = AuditLog.objects.get(action="admin.change", resource_id=str(customer.pk))
    assert audit.after["phone"] == "+14085550177" and audit.before["phone"] != "+14085550177"


def test_the_booking_page_shows_the_day_of_contact_beside_the_stored_customer(demo, login):
    from tests.identity.staff import MANAGER_FREMONT, admin_url

    booking = demo.row(Booking, "fremont")
    Booking.objects.filter(pk=booking.pk).update(
        contact_first_name="Sam", contact_last_name="Dayof", contact_phone="+14085550188"
    )

    response = login(MANAGER_FREMONT).get(admin_url(Booking, "change", booking.pk))

    page = response.content.decode()
    assert "Day-of contact:" in page and "Sam Dayof" in page and "+14085550188" in page
    assert booking.customer.email in page


def test_a_text_from_a_bookings_day_of_contact_lands_in_that_bookings_conversation_for_staff(station, victim):
    from core.models import Message, MessageThread

    booking = BookingFactory(station=station, customer=victim, contact_phone="+14085550100")

    outcome = sms_inbound_receive(
        from_phone="+14085550100", body="Running 10 minutes late", provider_id="SM2"
    )

    assert outcome == "flagged"
    thread = MessageThread.objects.get(customer=victim, channel="sms")
    assert thread.station_id == booking.station_id and thread.status == MessageThread.Status.NEEDS_ATTENTION
    assert Message.objects.get(thread=thread).body == "Running 10 minutes late"


def test_opting_in_with_a_new_phone_records_a_fresh_consent_for_the_new_number(station, api_client, victim):
    Customer.objects.filter(pk=victim.pk).update(sms_consent=True, sms_consent_at="2020-01-01T00:00:00Z")
    token = manage_token_for(BookingFactory(station=station, customer=victim), emailed=True)

    response = api_client.patch(
        f"/api/v1/bookings/manage/{token}/contact/",
        {"phone": "4085550199", "sms_consent": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    victim.refresh_from_db()
    assert victim.phone == "+14085550199" and victim.sms_consent
    assert victim.sms_consent_at.year > 2020
