"""A retried booking whose first answer was lost: the 409 duplicate_booking says the booking
exists and its manage link is emailed again to the booking's email — never put in the response."""

import pytest
from django.core import mail

from core.models import Booking, Notification
from core.tokens import manage_token_for
from tests.core.test_api_bookings import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "bookings": "1000/min",
        "public": "1000/min",
    }
    settings.CUSTOMER_SITE_URL = "https://myhibachi.test"


def _post(api_client, payload, capture):
    with capture(execute=True):
        return api_client.post("/api/v1/bookings/", payload, format="json")


def test_a_duplicate_booking_409_emails_the_manage_link_to_the_bookings_email_and_never_returns_it(
    station, chef, api_client, django_capture_on_commit_callbacks
):
    # Given a booking that committed, whose answer the client never saw
    first = _post(api_client, body(), django_capture_on_commit_callbacks)
    assert first.status_code == 201
    booking = Booking.objects.get(reference=first.json()["reference"])
    mail.outbox.clear()

    # When the client retries without an Idempotency-Key
    retry = _post(api_client, body(), django_capture_on_commit_callbacks)

    # Then: 409, saying the booking exists and where its link went, without the link
    assert retry.status_code == 409
    error = retry.json()["error"]
    assert error["code"] == "duplicate_booking"
    assert "emailed its link" in error["message"]
    for emailed in (True, False):
        assert manage_token_for(booking, emailed=emailed) not in retry.content.decode()
    # And the link went to the booking's email, and nowhere else
    (sent,) = [message for message in mail.outbox if booking.reference in message.subject]
    assert sent.to == [booking.customer.email]
    assert f"https://myhibachi.test/manage/{manage_token_for(booking, emailed=True)}" in sent.body
    assert Booking.objects.count() == 1


def test_resubmitting_again_and_again_sends_the_link_once_per_quarter_hour(
    station, chef, api_client, django_capture_on_commit_callbacks
):
    _post(api_client, body(), django_capture_on_commit_callbacks)

    for _ in range(3):
        assert _post(api_client, body(), django_capture_on_commit_callbacks).status_code == 409

    assert Notification.objects.filter(kind=Notification.Kind.MANAGE_LINK).count() == 1
