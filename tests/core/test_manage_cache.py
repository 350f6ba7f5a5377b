"""The manage view's kept answer (core/manage_cache.py) is never shown after what it shows changed."""

import datetime

import pytest
import time_machine

from audit.models import SecurityEvent
from core.models import Booking, Payment
from core.tokens import manage_token_for
from ops.models import BookingPolicy
from ops.policy import booking_rules_forget
from tests.core.conftest import LA, SIX_PM, event_date
from tests.core.factories import BookingFactory, PaymentFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "1000/min", "public": "1000/min"}


@pytest.fixture
def booking(station):
    return BookingFactory(station=station, date=event_date(14), slot=SIX_PM, status=Booking.Status.CONFIRMED)


def manage(api_client, token):
    return api_client.get(f"/api/v1/bookings/manage/{token}/")


def test_asked_again_while_nothing_changed_the_answer_is_kept(api_client, booking, django_assert_num_queries):
    token = manage_token_for(booking)
    first = manage(api_client, token)

    with django_assert_num_queries(0):
        again = manage(api_client, token)

    assert again.json() == first.json()


def test_a_payment_shows_in_the_next_answer(api_client, booking):
    token = manage_token_for(booking)
    assert manage(api_client, token).json()["amount_paid_cents"] == 0

    PaymentFactory(booking=booking, amount_cents=10000, method=Payment.Method.CASH)

    assert manage(api_client, token).json()["amount_paid_cents"] == 10000


def test_a_status_change_and_a_review_show_in_the_next_answer(api_client, station):
    booking = BookingFactory(
        station=station, date=event_date(-2), slot=SIX_PM, status=Booking.Status.CONFIRMED
    )
    token = manage_token_for(booking)
    assert manage(api_client, token).json()["status"] == "confirmed"

    booking.status = Booking.Status.COMPLETED
    booking.save()
    assert manage(api_client, token).json()["actions"]["can_review"] is True

    ReviewFactory(booking=booking)
    assert manage(api_client, token).json()["actions"]["can_review"] is False


def test_a_link_revoked_by_a_new_nonce_is_not_answered_from_the_kept_copy(api_client, booking):
    token = manage_token_for(booking)
    assert manage(api_client, token).status_code == 200

    booking.manage_nonce = "replaced-by-staff"
    booking.save()

    assert manage(api_client, token).status_code == 404


def test_a_kept_answer_ends_when_its_actions_change_at_the_change_cutoff(api_client, booking):
    token = manage_token_for(booking)
    cutoff = datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA) - datetime.timedelta(hours=72)

    with time_machine.travel(cutoff - datetime.timedelta(seconds=20), tick=False):
        assert manage(api_client, token).json()["actions"]["can_reschedule"] is True
    with time_machine.travel(cutoff + datetime.timedelta(seconds=1), tick=False):
        assert manage(api_client, token).json()["actions"]["can_reschedule"] is False


def test_a_new_booking_policy_shows_in_the_next_answer(api_client, booking):
    token = manage_token_for(booking)
    assert manage(api_client, token).json()["rules"]["refund_notice"] == "4 days"

    BookingPolicy.objects.update_or_create(station=booking.station, defaults={"refund_notice_days": 7})
    booking_rules_forget(booking.station_id)  # what saving the policy in the admin does

    assert manage(api_client, token).json()["rules"]["refund_notice"] == "7 days"


def test_an_invalid_token_is_still_a_404_and_a_security_event_once_a_valid_one_is_kept(api_client, booking):
    token = manage_token_for(booking)
    manage(api_client, token)

    assert manage(api_client, token[:-2] + "xx").status_code == 404
    assert SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID).count() == 1
