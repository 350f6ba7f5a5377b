"""The lost-link form /manage/: the same answer for anyone; the links go only to the stored address."""

import pytest
from django.core import mail

from core.models import Booking
from core.tokens import manage_token_for

pytestmark = pytest.mark.django_db


def test_a_customer_gets_every_active_bookings_link_by_email(client, make_booking):
    first = make_booking(days=14)
    second = make_booking(days=21)
    cancelled = make_booking(days=28)
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)

    response = client.post("/manage/", {"email": "ADA@example.com"})

    assert response.status_code == 302 and response["Location"] == "/manage/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert f"/manage/{manage_token_for(first)}" in message.body
    assert f"/manage/{manage_token_for(second)}" in message.body
    assert manage_token_for(cancelled) not in message.body


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, make_booking):
    make_booking()

    response = client.post("/manage/", {"email": "stranger@example.com"})

    assert response.status_code == 302 and response["Location"] == "/manage/sent/"
    assert mail.outbox == []
    assert "If we have bookings for this address" in client.get("/manage/sent/").content.decode()


def test_an_invalid_email_is_explained_at_the_field(client, db):
    response = client.post("/manage/", {"email": "nope"})

    assert response.status_code == 400
    assert 'id="id_email-error"' in response.content.decode()


def test_the_lost_link_form_is_throttled(client, db, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "2/min"}

    statuses = [client.post("/manage/", {"email": "a@example.com"}).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
