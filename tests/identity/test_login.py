"""Staff log in by email and password; 5 failures lock an email+IP pair out (django-axes)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import SecurityEvent
from identity.models import User
from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
IP = "203.0.113.50"


@pytest.fixture
def staff(db) -> User:
    return UserFactory(email="casey@myhibachi.test")


def _client(ip: str = IP) -> Client:
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="pytest")


def _login(client: Client, email: str, password: str):
    return client.post(reverse("admin:login"), {"username": email, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _events(type_: str):
    return SecurityEvent.objects.filter(type=type_).order_by("created_at")


def test_staff_log_in_with_their_email_in_any_case(staff):
    client = _client()
    response = _login(client, "Casey@MyHibachi.test", PASSWORD)

    assert response.status_code == 302
    assert _logged_in(client)
    event = _events(SecurityEvent.Type.LOGIN_SUCCEEDED).get()
    assert (event.user_id, event.ip_address) == (staff.pk, IP)


def test_a_wrong_password_is_refused_and_recorded(staff):
    client = _client()
    response = _login(client, staff.email, "wrong")

    assert response.status_code == 200  # the form again, with its error
    assert not _logged_in(client)
    event = _events(SecurityEvent.Type.LOGIN_FAILED).get()
    assert (event.user_id, event.ip_address, event.details["email"]) == (staff.pk, IP, staff.email)


def test_five_failures_lock_the_account_from_that_address(staff):
    client = _client()
    for _ in range(4):
        assert _login(client, staff.email, "wrong").status_code == 200
    assert _login(client, staff.email, "wrong").status_code == 429  # the 5th: locked

    # The 6th attempt, with the right password, is refused all the same.
    response = _login(client, staff.email, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    # Changing the case of the email does not get round it.
    assert _login(client, staff.email.upper(), PASSWORD).status_code == 429

    locked = _events(SecurityEvent.Type.ACCOUNT_LOCKED).get()  # one event for the lockout
    assert (locked.user_id, locked.ip_address, locked.severity) == (staff.pk, IP, SecurityEvent.Severity.HIGH)
    assert locked.details["failures"] == 5
    failed = _events(SecurityEvent.Type.LOGIN_FAILED)
    assert failed.count() == 7  # five wrong passwords, then two attempts while locked
    assert [event.details["locked_out"] for event in failed][-2:] == [True, True]
    assert not _events(SecurityEvent.Type.LOGIN_SUCCEEDED).exists()


def test_the_lockout_is_per_address_and_ends_after_the_cool_off(staff):
    client = _client()
    for _ in range(5):
        _login(client, staff.email, "wrong")
    assert _login(client, staff.email, PASSWORD).status_code == 429

    # The same account from another address is not locked out.
    elsewhere = _client("198.51.100.77")
    assert _login(elsewhere, staff.email, PASSWORD).status_code == 302

    # 15 minutes after the last attempt, the address may try again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        client = _client()
        assert _login(client, staff.email, PASSWORD).status_code == 302
        assert _logged_in(client)


def test_a_success_resets_the_count(staff):
    client = _client()
    for _ in range(4):
        _login(client, staff.email, "wrong")
    assert _login(client, staff.email, PASSWORD).status_code == 302
    client = _client()
    for _ in range(4):
        assert _login(client, staff.email, "wrong").status_code == 200


def test_unknown_emails_are_counted_and_locked_too(db):
    client = _client()
    for _ in range(5):
        _login(client, "nobody@myhibachi.test", "guess")
    assert _login(client, "nobody@myhibachi.test", "guess").status_code == 429
    assert _events(SecurityEvent.Type.ACCOUNT_LOCKED).get().user_id is None
