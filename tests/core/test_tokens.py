"""Manage tokens (docs/business-rules.md "Audit and security": tokens are signed)."""

import uuid

import pytest
from django.core import signing

from audit.models import SecurityEvent
from core.tokens import MANAGE_TOKEN_SALT, booking_from_manage_token, manage_token_for
from kernel.errors import NotFoundError
from tests.core.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_a_manage_token_leads_back_to_its_booking_only():
    booking, other = BookingFactory(), BookingFactory()

    assert booking_from_manage_token(manage_token_for(booking)) == booking
    assert booking_from_manage_token(manage_token_for(other)) == other
    assert manage_token_for(booking) != manage_token_for(other)


def test_a_manage_token_does_not_reveal_the_customer():
    booking = BookingFactory()

    token = manage_token_for(booking)

    assert booking.customer.email not in token and booking.reference not in token


def test_two_bookings_get_unrelated_nonces():
    assert BookingFactory().manage_nonce != BookingFactory().manage_nonce


@pytest.mark.parametrize(
    "forge",
    [
        lambda booking: "",
        lambda booking: "x" * 500,
        lambda booking: manage_token_for(booking) + "x",
        # the right value signed with another salt, or unsigned
        lambda booking: signing.Signer(salt="another-salt", algorithm="sha256").sign(
            f"{booking.pk.hex}.{booking.manage_nonce}"
        ),
        lambda booking: f"{booking.pk.hex}.{booking.manage_nonce}",
        # a correctly signed value for a booking that does not exist, or without a nonce
        lambda booking: signing.Signer(salt=MANAGE_TOKEN_SALT, algorithm="sha256").sign(
            f"{uuid.uuid4().hex}.abc"
        ),
        lambda booking: signing.Signer(salt=MANAGE_TOKEN_SALT, algorithm="sha256").sign(booking.pk.hex),
        lambda booking: signing.Signer(salt=MANAGE_TOKEN_SALT, algorithm="sha256").sign("not-a-uuid.abc"),
    ],
)
def test_an_invalid_token_is_not_found_and_recorded_as_a_security_event(forge):
    booking = BookingFactory()

    with pytest.raises(NotFoundError):
        booking_from_manage_token(forge(booking), ip_address="203.0.113.5")

    event = SecurityEvent.objects.get()
    assert event.type == SecurityEvent.Type.TOKEN_INVALID
    assert event.ip_address == "203.0.113.5"


def test_a_client_address_that_is_not_an_ip_is_recorded_without_one():
    with pytest.raises(NotFoundError):
        booking_from_manage_token("bad", ip_address="unknown, 10.0.0.1")

    assert SecurityEvent.objects.get().ip_address is None
