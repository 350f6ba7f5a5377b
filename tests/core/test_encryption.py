import pytest
from django.db import connection

from core.models import Booking
from tests.core.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_the_booking_address_is_encrypted_at_rest():
    booking = BookingFactory(address="742 Evergreen Terrace, Fremont, CA 94539")

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM core.bookings WHERE id = %s", [booking.pk])
        stored = bytes(cursor.fetchone()[0])

    assert b"Evergreen" not in stored
    assert b"742" not in stored
    assert Booking.objects.get(pk=booking.pk).address == "742 Evergreen Terrace, Fremont, CA 94539"
