"""The manage link: /api/v1/bookings/manage/{token}/ and its cancel, reschedule and review actions."""

import datetime

import pytest
import time_machine

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Payment, Review
from core.tokens import manage_token_for
from ops.policy import booking_rules
from pricing.quote import quote_compute
from tests.core.conftest import LA, SIX_PM, event_date
from tests.core.factories import BookingFactory, PaymentFactory, ReviewFactory
from tests.ops.factories import ChefFactory

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "1000/min", "public": "1000/min"}


def url(booking_or_token, action=""):
    token = booking_or_token if isinstance(booking_or_token, str) else manage_token_for(booking_or_token)
    return f"/api/v1/bookings/manage/{token}/" + (f"{action}/" if action else "")


def starts_at(booking):
    return datetime.datetime.combine(booking.date, booking.slot, tzinfo=LA)


def make_booking(station, days=14, **kwargs):
    kwargs.setdefault("status", S.CONFIRMED)
    return BookingFactory(station=station, date=event_date(days), slot=SIX_PM, **kwargs)


def assert_error(response, status_code, code=None):
    assert response.status_code == status_code, response.content
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    if code:
        assert response.json()["error"]["code"] == code


# --- Reading ------------------------------------------------------------------------------------


def test_the_manage_link_shows_the_booking_to_its_customer(station, api_client):
    booking = make_booking(
        station,
        address="9 Elm St, Fremont, CA 94539",
        quote=quote_compute(zip_code="94539", party_adults=10, party_kids=2).as_dict(),
    )
    PaymentFactory(booking=booking, amount_cents=10000, method=Payment.Method.ZELLE)

    response = api_client.get(url(booking))

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["reference"] == booking.reference
    assert data["status"] == "confirmed"
    assert data["date"] == event_date(14).isoformat() and data["slot"] == "18:00"
    assert data["party"] == {"adults": 10, "kids": 2, "toddlers": 0}
    assert data["address"] == "9 Elm St, Fremont, CA 94539"
    assert data["quote"]["lines"][0]["code"] == "adult"
    assert data["quote"]["total_due_cents"] == 61000
    assert (data["amount_paid_cents"], data["balance_due_cents"]) == (10000, 61000 - 10000)
    assert data["station"]["timezone"] == "America/Los_Angeles"
    assert data["payments"] == [
        {
            "kind": "deposit",
            "method": "zelle",
            "amount_cents": 10000,
            "status": "succeeded",
            "created_at": data["payments"][0]["created_at"],
        }
    ]
    starts = starts_at(booking)
    assert data["actions"] == {
        "can_cancel": True,
        "cancel_becomes_request": False,
        "cancel_refund_cents": 10000,
        "can_reschedule": True,
        "can_review": False,
        "can_pay_deposit": False,
        "can_pay_balance": True,
        "can_change_party": True,
        "pay_deposit_by": None,
        "change_until": (starts - datetime.timedelta(hours=72)).isoformat(),
        "cancel_with_refund_until": (starts - datetime.timedelta(days=4)).isoformat(),
    }
    assert booking.customer.email not in str(data)


def test_inside_4_days_the_actions_say_a_cancel_becomes_a_request_without_refund(station, api_client):
    booking = make_booking(station)
    PaymentFactory(booking=booking)

    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=80), tick=False):
        actions = api_client.get(url(booking)).json()["actions"]

    assert actions["can_cancel"] and actions["cancel_becomes_request"]
    assert actions["cancel_refund_cents"] == 0
    assert actions["can_reschedule"]


def test_inside_72_hours_the_actions_do_not_offer_a_reschedule(station, api_client):
    booking = make_booking(station)

    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=71), tick=False):
        actions = api_client.get(url(booking)).json()["actions"]

    assert not actions["can_reschedule"]


def test_a_completed_booking_offers_a_review_once(station, api_client):
    booking = make_booking(station, days=-2, status=S.COMPLETED)
    assert api_client.get(url(booking)).json()["actions"]["can_review"]

    ReviewFactory(booking=booking)

    assert not api_client.get(url(booking)).json()["actions"]["can_review"]


def test_reading_a_booking_takes_a_fixed_number_of_queries(
    station, api_client, django_assert_max_num_queries
):
    booking = make_booking(station)
    PaymentFactory.create_batch(3, booking=booking)
    booking_rules(booking.station)  # the station's rules are read once, then served from the cache

    with django_assert_max_num_queries(2):  # the booking (with its station), its payments
        assert api_client.get(url(booking)).status_code == 200


# --- Invalid links --------------------------------------------------------------------------------


def tampered_tokens(booking):
    token = manage_token_for(booking)
    other = make_booking(booking.station, days=20, status=S.CONFIRMED)
    value, signature = token.rsplit(":", 1)
    other_value = manage_token_for(other).rsplit(":", 1)[0]
    return {
        "garbage": "not-a-token",
        "changed signature": f"{value}:{signature[:-2]}xx",
        "another booking's id with this signature": f"{other_value}:{signature}",
        "no signature": value,
    }


def test_a_tampered_or_invalid_token_is_a_404_and_a_security_event_with_the_ip(station, api_client):
    booking = make_booking(station)

    for name, token in tampered_tokens(booking).items():
        response = api_client.get(url(token), REMOTE_ADDR="198.51.100.9")
        assert_error(response, 404, code="not_found")
        assert booking.reference not in response.content.decode(), name

    events = SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID)
    assert events.count() == 4
    assert {event.ip_address for event in events} == {"198.51.100.9"}


def test_a_token_whose_nonce_was_replaced_no_longer_works(station, api_client):
    booking = make_booking(station)
    old_token = manage_token_for(booking)
    Booking.objects.filter(pk=booking.pk).update(manage_nonce="replaced-by-staff")

    assert_error(api_client.get(url(old_token)), 404)


def test_a_tampered_token_cannot_cancel(station, api_client):
    booking = make_booking(station)
    token = manage_token_for(booking)

    response = api_client.post(
        url(token[:-1] + ("A" if token[-1] != "A" else "B"), "cancel"), {}, format="json"
    )

    assert_error(response, 404)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID).count() == 1


# --- Cancel ---------------------------------------------------------------------------------------


def test_cancelling_4_or_more_days_ahead_cancels_with_the_deposit_refunded(station, api_client):
    booking = make_booking(station, days=10)
    PaymentFactory(booking=booking, amount_cents=10000)

    response = api_client.post(url(booking, "cancel"), {"reason": "Moving house"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["refund_due_cents"] == 10000
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and booking.refund_due_cents == 10000
    audit = AuditLog.objects.get(action="booking.cancel")
    assert audit.actor_type == "customer" and audit.reason == "Moving house"


def test_cancelling_inside_4_days_becomes_a_cancellation_request(station, api_client):
    booking = make_booking(station, days=10)
    PaymentFactory(booking=booking, amount_cents=10000)

    with time_machine.travel(starts_at(booking) - datetime.timedelta(days=3), tick=False):
        response = api_client.post(url(booking, "cancel"), {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancellation_requested"
    assert response.json()["refund_due_cents"] == 0
    assert response.json()["actions"]["can_cancel"] is False


def test_a_cancelled_booking_cannot_be_rescheduled(station, api_client):
    booking = make_booking(station, status=S.CANCELLED)

    response = api_client.post(
        url(booking, "reschedule"), {"date": event_date(20).isoformat(), "slot": "18:00"}, format="json"
    )

    assert_error(response, 409, code="invalid_transition")


def test_a_cancel_reason_over_500_characters_is_a_400(station, api_client):
    booking = make_booking(station)

    assert_error(api_client.post(url(booking, "cancel"), {"reason": "x" * 501}, format="json"), 400)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


# --- Reschedule -----------------------------------------------------------------------------------


def test_rescheduling_moves_the_booking_to_a_free_slot(station, api_client):
    booking = make_booking(station, days=10)

    response = api_client.post(
        url(booking, "reschedule"), {"date": event_date(21).isoformat(), "slot": "12:00"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["date"] == event_date(21).isoformat()
    assert response.json()["slot"] == "12:00"


def test_rescheduling_to_a_full_slot_is_a_409(station, api_client):
    booking = make_booking(station, days=10)
    BookingFactory(station=station, chef=booking.chef, date=event_date(21), slot=SIX_PM)

    response = api_client.post(
        url(booking, "reschedule"), {"date": event_date(21).isoformat(), "slot": "18:00"}, format="json"
    )

    assert_error(response, 409, code="slot_unavailable")


def test_rescheduling_inside_72_hours_is_a_409_for_the_customer(station, api_client):
    booking = make_booking(station, days=10)
    ChefFactory(station=station)
    new_date = event_date(21).isoformat()

    with time_machine.travel(starts_at(booking) - datetime.timedelta(hours=48), tick=False):
        response = api_client.post(
            url(booking, "reschedule"), {"date": new_date, "slot": "18:00"}, format="json"
        )

    assert_error(response, 409, code="reschedule_window_closed")


@pytest.mark.parametrize(
    "payload",
    [
        {"date": "2020-01-01", "slot": "18:00"},
        {"date": "soon", "slot": "18:00"},
        {"slot": "18:00"},
        {"date": "2030-01-01", "slot": "19:00"},
    ],
)
def test_a_bad_reschedule_is_a_400(station, api_client, payload):
    booking = make_booking(station)

    assert_error(api_client.post(url(booking, "reschedule"), payload, format="json"), 400)
    assert not AuditLog.objects.exists()


def test_rescheduling_more_than_365_days_ahead_is_a_400_on_the_date(station, api_client):
    booking = make_booking(station)

    response = api_client.post(
        url(booking, "reschedule"), {"date": event_date(400).isoformat(), "slot": "18:00"}, format="json"
    )

    assert_error(response, 400)
    assert "date" in response.json()["error"]["fields"]


# --- Review ---------------------------------------------------------------------------------------


def test_a_completed_booking_can_be_reviewed_once_and_the_review_waits_for_moderation(station, api_client):
    booking = make_booking(station, days=-3, status=S.COMPLETED)

    first = api_client.post(url(booking, "review"), {"rating": 5, "content": "Wonderful!"}, format="json")
    second = api_client.post(
        url(booking, "review"), {"rating": 1, "content": "Changed my mind"}, format="json"
    )

    assert first.status_code == 201, first.content
    assert first.json()["status"] == "pending" and first.json()["rating"] == 5
    assert_error(second, 409, code="review_exists")
    review = Review.objects.get()
    assert review.customer == booking.customer and review.content == "Wonderful!"


def test_a_booking_that_is_not_completed_cannot_be_reviewed(station, api_client):
    booking = make_booking(station)

    assert_error(
        api_client.post(url(booking, "review"), {"rating": 5}, format="json"), 409, "review_not_allowed"
    )
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": "5"},
        {"rating": 4.5},
        {},
        {"rating": 5, "content": "x" * 2001},
    ],
)
def test_a_bad_review_is_a_400(station, api_client, payload):
    booking = make_booking(station, days=-3, status=S.COMPLETED)

    assert_error(api_client.post(url(booking, "review"), payload, format="json"), 400)
    assert not Review.objects.exists()


# --- Public reviews ---------------------------------------------------------------------------------


def test_the_public_reviews_are_the_approved_ones_newest_first_with_first_name_and_initial(
    station, api_client
):
    older = ReviewFactory(
        status=Review.Status.APPROVED,
        booking__station=station,
        booking__customer__first_name="Ada",
        booking__customer__last_name="Lovelace",
        content="Great",
    )
    newer = ReviewFactory(status=Review.Status.APPROVED, booking__station=station, content="Even better")
    ReviewFactory(status=Review.Status.PENDING, booking__station=station, content="Not yet")
    ReviewFactory(status=Review.Status.REJECTED, booking__station=station, content="Spam")
    Review.objects.filter(pk=older.pk).update(created_at=newer.created_at - datetime.timedelta(days=1))

    response = api_client.get("/api/v1/reviews/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["content"] for r in results] == ["Even better", "Great"]
    assert results[1]["author"] == "Ada L."
    assert set(results[0]) == {"rating", "content", "author", "created_at"}
    assert "@" not in response.content.decode()


def test_the_public_reviews_are_paged(station, api_client):
    ReviewFactory.create_batch(3, status=Review.Status.APPROVED, booking__station=station)

    response = api_client.get("/api/v1/reviews/", {"limit": 2})

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2
    assert response.json()["next"]
