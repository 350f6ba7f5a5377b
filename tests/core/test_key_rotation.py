"""`manage.py rotate_field_encryption_key`: from the old key to FIELD_ENCRYPTION_KEY.

django-cryptography derives its key once, at import, and each encrypted field keeps the
FernetBytes it built then: changing settings alone does not change the key the ORM uses. So the
rows are written under the key of the test run (A), then `new_key` switches the fields, and the
settings, to key B, as a restart with FIELD_ENCRYPTION_KEY=B would.
"""

import io

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import Booking
from kernel.field_encryption import Unreadable, derive_key, encrypted_fields, fernet_for, read
from tests.core.factories import BookingFactory

pytestmark = pytest.mark.django_db

KEY_B = "the-new-field-encryption-key"
ADDRESSES = [f"{n} Evergreen Terrace, Fremont, CA 94539" for n in (742, 743, 744, 745, 746)]


@pytest.fixture
def key_a() -> str:
    return django_settings.FIELD_ENCRYPTION_KEY


@pytest.fixture
def bookings(key_a) -> list[Booking]:
    return [BookingFactory(address=address) for address in ADDRESSES]


@pytest.fixture
def new_key(settings, monkeypatch):
    """Switch the ORM (every encrypted field) and the settings to another key."""

    def switch(key: str) -> None:
        settings.FIELD_ENCRYPTION_KEY = key
        settings.CRYPTOGRAPHY_KEY = derive_key(key)  # django-cryptography stores the derived key
        for _model, field in encrypted_fields():
            monkeypatch.setattr(field, "_fernet", fernet_for(key))

    return switch


def stored(booking: Booking) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM core.bookings WHERE id = %s", [booking.pk])
        return bytes(cursor.fetchone()[0])


def rotate(monkeypatch, old_key: str, **options) -> str:
    monkeypatch.setenv("OLD_FIELD_ENCRYPTION_KEY", old_key)
    out = io.StringIO()
    call_command("rotate_field_encryption_key", stdout=out, **options)
    return out.getvalue()


def test_the_key_is_derived_as_django_cryptography_derives_it():
    field = Booking._meta.get_field("address")
    assert derive_key(django_settings.FIELD_ENCRYPTION_KEY) == field._fernet.key
    assert derive_key(django_settings.FIELD_ENCRYPTION_KEY) == django_settings.CRYPTOGRAPHY_KEY


def test_every_encrypted_field_is_found():
    assert (Booking, Booking._meta.get_field("address")) in list(encrypted_fields())


def test_rotation_re_encrypts_every_address_under_the_new_key(bookings, key_a, new_key, monkeypatch):
    before = {booking.pk: stored(booking) for booking in bookings}
    new_key(KEY_B)
    with pytest.raises(Unreadable):  # the ORM cannot read them any more
        read(
            Booking._meta.get_field("address")._fernet,
            Booking._meta.get_field("address"),
            before[bookings[0].pk],
        )

    out = rotate(monkeypatch, key_a, batch_size=2)

    assert "core.Booking.address: 5 re-encrypted, 0 already under the current key" in out
    for booking, address in zip(bookings, ADDRESSES, strict=True):
        assert Booking.objects.get(pk=booking.pk).address == address
        after = stored(booking)
        assert after != before[booking.pk]
        assert address.encode() not in after
        assert b"Evergreen" not in after
        with pytest.raises(Unreadable):
            read(fernet_for(key_a), Booking._meta.get_field("address"), after)


def test_running_it_again_changes_nothing(bookings, key_a, new_key, monkeypatch):
    new_key(KEY_B)
    rotate(monkeypatch, key_a)
    after_first = {booking.pk: stored(booking) for booking in bookings}

    out = rotate(monkeypatch, key_a, batch_size=2)

    assert "core.Booking.address: 0 re-encrypted, 5 already under the current key" in out
    assert {booking.pk: stored(booking) for booking in bookings} == after_first


def test_rows_written_under_the_new_key_are_left_alone(bookings, key_a, new_key, monkeypatch):
    new_key(KEY_B)
    fresh = BookingFactory(address="1 New Key Way, Fremont, CA 94539")
    fresh_stored = stored(fresh)

    out = rotate(monkeypatch, key_a)

    assert "core.Booking.address: 5 re-encrypted, 1 already under the current key" in out
    assert stored(fresh) == fresh_stored


def test_a_wrong_old_key_is_refused_and_nothing_is_written(bookings, new_key, monkeypatch):
    before = {booking.pk: stored(booking) for booking in bookings}
    new_key(KEY_B)

    with pytest.raises(CommandError, match="neither OLD_FIELD_ENCRYPTION_KEY nor FIELD_ENCRYPTION_KEY"):
        rotate(monkeypatch, "not-the-old-key", batch_size=2)

    assert {booking.pk: stored(booking) for booking in bookings} == before


def test_the_old_key_comes_from_the_environment_only(bookings, new_key, monkeypatch):
    new_key(KEY_B)
    monkeypatch.delenv("OLD_FIELD_ENCRYPTION_KEY", raising=False)
    with pytest.raises(CommandError, match="Set the environment variable OLD_FIELD_ENCRYPTION_KEY"):
        call_command("rotate_field_encryption_key", stdout=io.StringIO())

    monkeypatch.setenv("PREVIOUS_KEY", django_settings.FIELD_ENCRYPTION_KEY)
    with pytest.raises(CommandError, match="PREVIOUS_KEY is the current key"):
        call_command("rotate_field_encryption_key", old_key_env="PREVIOUS_KEY", stdout=io.StringIO())
